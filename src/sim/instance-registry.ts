/**
 * Live runtime instances of this process, so that Ctrl-C (SIGINT/SIGTERM) or an unexpected exit
 * never leaves a child process or a cgroup behind. Handlers are installed only while instances live.
 */
export interface Disposable {
  /** Kills the process (SIGKILL) and removes its cgroups once it is gone; synchronous best effort. */
  killNow(): void;
}

const live = new Set<Disposable>();
let installed = false;

function onSignal(signal: NodeJS.Signals): void {
  for (const d of live) d.killNow();
  live.clear();
  uninstall();
  process.kill(process.pid, signal);
}

function onExit(): void {
  for (const d of live) d.killNow();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.on('exit', onExit);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  process.removeListener('exit', onExit);
}

export function track(d: Disposable): void {
  live.add(d);
  install();
}

export function untrack(d: Disposable): void {
  live.delete(d);
  if (live.size === 0) uninstall();
}

export function liveInstances(): number {
  return live.size;
}
