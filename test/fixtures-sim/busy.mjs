import { spinCpu } from './cpu-spin.mjs';
export const handler = async (event) => {
  spinCpu(event.busyMs ?? 100);
  return { ok: true };
};
