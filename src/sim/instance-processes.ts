/**
 * Every process of one runtime instance, found and killed — whatever the handler did. A handler can
 * fork, spawn `detached` children (a new session and process group) and unref them, or exit and
 * leave them running; none may outlive the instance. An instance's processes are the union of:
 *   - the pids in its cgroup(s) (`cgroup.procs`: inherited by every descendant, detached or not),
 *   - the host's session and process group (the host is spawned as a session leader),
 *   - the host's descendants by parent pid (while the host lives),
 *   - processes whose environment carries the instance's marker (DLPACK_INSTANCE, set in the
 *     host's clean environment and inherited by default: catches detached children whose parent
 *     already exited, when no cgroup holds them).
 * Killing stops them all first (SIGSTOP, so nothing forks while we look), looks again until no new
 * pid appears, then SIGKILLs them and waits until they are gone. Synchronous: it also runs from
 * the exit handler. Linux (/proc); elsewhere only the process group is killed.
 */
import { readdirSync, readFileSync } from 'node:fs';

export const INSTANCE_MARKER_ENV = 'DLPACK_INSTANCE';

interface ProcInfo {
  pid: number;
  ppid: number;
  pgrp: number;
  session: number;
  state: string;
}

function readProc(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, state: f[0], ppid: Number(f[1]), pgrp: Number(f[2]), session: Number(f[3]) };
  } catch {
    return undefined;
  }
}

function allPids(): number[] {
  try {
    return readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number);
  } catch {
    return [];
  }
}

function hasMarker(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').includes(`${INSTANCE_MARKER_ENV}=${marker}`);
  } catch {
    return false;
  }
}

function cgroupPids(procsFiles: readonly string[]): number[] {
  const out: number[] = [];
  for (const f of procsFiles) {
    try {
      for (const line of readFileSync(f, 'latin1').split('\n')) if (line) out.push(Number(line));
    } catch {
      /* group already gone */
    }
  }
  return out;
}

/** A short description of a process for reports: its command line (cut) and pid. */
export function describeProcess(pid: number): string {
  let cmd = '';
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0+$/, '').replace(/\0/g, ' ');
  } catch {
    /* gone */
  }
  return `${(cmd || '?').slice(0, 80)} (pid ${pid})`;
}

export interface InstanceScope {
  /** The host's pid (session and process group leader). */
  hostPid: number;
  marker: string;
  procsFiles: readonly string[];
  /** False once the host exited (its pid is then not trusted by itself). */
  hostAlive: boolean;
}

/** Live (not zombie) pids of the instance, this process excluded. */
export function instancePids(scope: InstanceScope): number[] {
  const found = new Set<number>(cgroupPids(scope.procsFiles));
  const infos = allPids().map(readProc).filter((p): p is ProcInfo => p !== undefined);
  const children = new Map<number, number[]>();
  for (const p of infos) {
    // once the host is gone its pid may be reused: then only its session and group still count
    if (p.session === scope.hostPid || p.pgrp === scope.hostPid || (scope.hostAlive && p.pid === scope.hostPid)) found.add(p.pid);
    const list = children.get(p.ppid);
    if (list) list.push(p.pid);
    else children.set(p.ppid, [p.pid]);
  }
  if (scope.hostAlive) {
    const stack = [scope.hostPid];
    const visited = new Set(stack);
    while (stack.length) {
      for (const c of children.get(stack.pop()!) ?? []) {
        if (visited.has(c)) continue;
        visited.add(c);
        found.add(c);
        stack.push(c);
      }
    }
  }
  for (const p of infos) if (!found.has(p.pid) && hasMarker(p.pid, scope.marker)) found.add(p.pid);
  found.delete(process.pid);
  return [...found].filter((pid) => {
    const s = readProc(pid)?.state;
    return s !== undefined && s !== 'Z' && s !== 'X';
  });
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* gone */
  }
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Kills every process of the instance; returns the descriptions of those other than the host
 * (what the handler left running). Waits up to `waitMs` for them to be gone.
 */
export function killInstance(scope: InstanceScope, waitMs = 2000): string[] {
  if (process.platform !== 'linux') {
    signal(-scope.hostPid, 'SIGKILL');
    return [];
  }
  const seen = new Map<number, string>();
  for (let round = 0; round < 50; round++) {
    let fresh = 0;
    for (const pid of instancePids(scope)) {
      if (seen.has(pid)) continue;
      seen.set(pid, pid === scope.hostPid ? 'host' : describeProcess(pid));
      signal(pid, 'SIGSTOP');
      fresh++;
    }
    if (fresh === 0) break;
  }
  for (const pid of seen.keys()) signal(pid, 'SIGKILL');
  if (scope.hostAlive) signal(-scope.hostPid, 'SIGKILL');
  const deadline = Date.now() + waitMs;
  for (;;) {
    const alive = [...seen.keys()].filter((pid) => {
      const s = readProc(pid)?.state;
      return s !== undefined && s !== 'Z' && s !== 'X';
    });
    if (alive.length === 0 || Date.now() > deadline) break;
    for (const pid of alive) signal(pid, 'SIGKILL');
    sleep(5);
  }
  return [...seen].filter(([pid]) => pid !== scope.hostPid).map(([, d]) => d);
}
