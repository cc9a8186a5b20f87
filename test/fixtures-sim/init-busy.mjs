import { spinCpu } from './cpu-spin.mjs';
await new Promise((resolve) => setTimeout(resolve, 10));
spinCpu(Number(process.env.INIT_BUSY_MS ?? 200));
export const handler = async () => ({ ok: true });
