// Starts a child in a new session, unrefs it and returns; with event.cleanEnv the child gets an
// empty environment (no marker to find it by).
import { spawn } from 'node:child_process';
export const handler = async (event) => {
  const child = spawn('sleep', ['300'], { detached: true, stdio: 'ignore', env: event?.cleanEnv ? {} : process.env });
  child.unref();
  return { pid: child.pid };
};
