/**
 * Linux control groups for the emulator: one child group per runtime instance, under this
 * process's own group (so limits set above us still apply), with a memory limit and a CFS CPU
 * quota. cgroup v1 (memory + cpu hierarchies) and v2 (unified) are both handled; when neither is
 * writable, `openCgroups()` says why and the caller falls back to the RSS watchdog / CPU projection.
 * Every group is removed after its process exits (`remove()`), and on Ctrl-C (see instance-registry).
 */
// a module binding: Workers bundles run in the emulator with globalThis.process hidden
import process from 'node:process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CgroupSupport {
  version: 1 | 2;
  /** Folder our groups are created in, per controller (v2: one folder for both). */
  memoryParent?: string;
  cpuParent?: string;
  /** Why a controller is unavailable. */
  memoryProblem?: string;
  cpuProblem?: string;
}

/** CFS period (kernel default 100 ms); quota = vCPU × period. */
export const CFS_PERIOD_US = 100_000;

interface Mount {
  root: string;
  point: string;
  fsType: string;
  superOptions: string[];
}

function readMounts(): Mount[] {
  const text = safeRead('/proc/self/mountinfo') ?? '';
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const f = left.split(' ');
    const r = right.split(' ');
    if (r[0] !== 'cgroup' && r[0] !== 'cgroup2') continue;
    mounts.push({ root: unescapeMount(f[3]), point: unescapeMount(f[4]), fsType: r[0], superOptions: (r[2] ?? '').split(',') });
  }
  return mounts;
}

const unescapeMount = (s: string) => s.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** This process's group per hierarchy: controller list (or '' for v2) → path. */
function ownGroups(): { controllers: string[]; path: string }[] {
  const text = safeRead('/proc/self/cgroup') ?? '';
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [, controllers, ...rest] = line.split(':');
      return { controllers: controllers ? controllers.split(',') : [], path: rest.join(':') };
    });
}

/** Folder of our own group in a mounted hierarchy, or undefined if it is not visible here. */
function ownFolder(mount: Mount, groupPath: string): string | undefined {
  const rel = mount.root === '/' ? groupPath : groupPath.startsWith(mount.root) ? groupPath.slice(mount.root.length) : undefined;
  if (rel === undefined) return undefined;
  const dir = join(mount.point, rel);
  return existsSync(dir) ? dir : undefined;
}

/** Probes whether we may create groups in `parent` (creates and removes one). */
function probe(parent: string, files: string[]): string | undefined {
  const dir = join(parent, `dlpack-probe-${process.pid}`);
  try {
    mkdirSync(dir);
  } catch (err) {
    return `cannot create a group in ${parent}: ${(err as Error).message}`;
  }
  try {
    for (const f of files) if (!existsSync(join(dir, f))) return `${f} is missing in ${parent}`;
    return undefined;
  } finally {
    try {
      rmdirSync(dir);
    } catch {
      /* best effort */
    }
  }
}

let cached: CgroupSupport | undefined;

/** Detects the writable cgroup hierarchies (cached; probing creates and removes a group). */
export function detectCgroups(): CgroupSupport {
  if (cached) return cached;
  cached = detect();
  removeStaleCgroups(cached);
  return cached;
}

/** Removes empty groups of dlpack processes that no longer exist; returns their paths. */
export function removeStaleCgroups(support: CgroupSupport = detectCgroups()): string[] {
  const removed: string[] = [];
  for (const parent of new Set([support.memoryParent, support.cpuParent])) if (parent) removed.push(...removeStale(parent));
  return removed;
}

/** Removes empty groups left by a dlpack process that was killed outright (SIGKILL leaves no chance to clean up). */
function removeStale(parent: string): string[] {
  const removed: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(parent);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = name.match(/^dlpack-(\d+)-\d+$/);
    if (!m || isAlive(Number(m[1]))) continue;
    try {
      rmdirSync(join(parent, name));
      removed.push(join(parent, name));
    } catch {
      /* still has tasks, or not ours to remove */
    }
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function detect(): CgroupSupport {
  if (process.platform !== 'linux') {
    return { version: 1, memoryProblem: 'cgroups are Linux only', cpuProblem: 'cgroups are Linux only' };
  }
  const mounts = readMounts();
  const groups = ownGroups();
  const v1 = (controller: string, files: string[]): { parent?: string; problem?: string } => {
    const mount = mounts.find((m) => m.fsType === 'cgroup' && m.superOptions.includes(controller));
    const group = groups.find((g) => g.controllers.includes(controller));
    if (!mount || !group) return { problem: `no cgroup v1 ${controller} hierarchy mounted` };
    const parent = ownFolder(mount, group.path);
    if (!parent) return { problem: `own ${controller} group ${group.path} not visible under ${mount.point}` };
    const problem = probe(parent, files);
    return problem ? { problem } : { parent };
  };
  const mem1 = v1('memory', ['memory.limit_in_bytes', 'cgroup.procs']);
  const cpu1 = v1('cpu', ['cpu.cfs_quota_us', 'cpu.cfs_period_us', 'cgroup.procs']);
  if (mem1.parent || cpu1.parent) {
    return { version: 1, memoryParent: mem1.parent, cpuParent: cpu1.parent, memoryProblem: mem1.problem, cpuProblem: cpu1.problem };
  }
  const unified = mounts.find((m) => m.fsType === 'cgroup2');
  const group = groups.find((g) => g.controllers.length === 0);
  if (unified && group) {
    const parent = ownFolder(unified, group.path);
    const controllers = parent ? (safeRead(join(parent, 'cgroup.subtree_control')) ?? '').split(/\s+/) : [];
    if (parent && controllers.includes('memory')) {
      const problem = probe(parent, ['memory.max', 'cgroup.procs']);
      const cpuOk = controllers.includes('cpu') && !problem;
      return {
        version: 2,
        memoryParent: problem ? undefined : parent,
        cpuParent: cpuOk ? parent : undefined,
        memoryProblem: problem,
        cpuProblem: cpuOk ? undefined : problem ?? 'cpu controller not enabled for child groups',
      };
    }
  }
  const why = `${mem1.problem ?? 'no writable memory cgroup'}; no writable cgroup v2 group with the memory controller delegated`;
  return { version: 1, memoryProblem: why, cpuProblem: cpu1.problem ?? why };
}

let counter = 0;

/** One instance's groups: the paths of their `cgroup.procs` files, its limits, and cleanup. */
export class InstanceCgroup {
  readonly dirs: string[] = [];
  readonly procsFiles: string[] = [];
  private memoryDir?: string;

  constructor(
    private readonly support: CgroupSupport,
    options: { memoryBytes?: number; vcpu?: number },
  ) {
    const name = `dlpack-${process.pid}-${++counter}`;
    try {
      if (options.memoryBytes !== undefined && support.memoryParent) {
        const dir = this.make(support.memoryParent, name);
        this.memoryDir = dir;
        if (support.version === 1) {
          writeFileSync(join(dir, 'memory.limit_in_bytes'), String(options.memoryBytes));
          // No swapping past the limit (the platforms have no swap): memory+swap = memory.
          trySet(join(dir, 'memory.memsw.limit_in_bytes'), String(options.memoryBytes));
          trySet(join(dir, 'memory.swappiness'), '0');
        } else {
          writeFileSync(join(dir, 'memory.max'), String(options.memoryBytes));
          trySet(join(dir, 'memory.swap.max'), '0');
        }
      }
      if (options.memoryBytes === undefined && options.vcpu === undefined) {
        // no limit asked: a group all the same, to hold (and find, and kill) every process of the instance
        if (support.memoryParent) this.memoryDir = this.make(support.memoryParent, name);
        else if (support.cpuParent) this.make(support.cpuParent, name);
      }
      if (options.vcpu !== undefined && support.cpuParent) {
        const dir = support.version === 2 && this.memoryDir ? this.memoryDir : this.make(support.cpuParent, name);
        const quota = Math.max(1000, Math.round(options.vcpu * CFS_PERIOD_US));
        if (support.version === 1) {
          writeFileSync(join(dir, 'cpu.cfs_period_us'), String(CFS_PERIOD_US));
          writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(quota));
        } else {
          writeFileSync(join(dir, 'cpu.max'), `${quota} ${CFS_PERIOD_US}`);
        }
      }
    } catch (err) {
      this.remove();
      throw err;
    }
  }

  private make(parent: string, name: string): string {
    const dir = join(parent, name);
    mkdirSync(dir);
    this.dirs.push(dir);
    this.procsFiles.push(join(dir, 'cgroup.procs'));
    return dir;
  }

  /** Changes the memory limit of the group (the process may already run in it). */
  setMemoryLimit(bytes: number): void {
    if (!this.memoryDir) return;
    const value = String(Math.round(bytes));
    if (this.support.version === 2) return writeFileSync(join(this.memoryDir, 'memory.max'), value);
    // v1 requires memory.limit_in_bytes ≤ memory.memsw.limit_in_bytes at every step.
    trySet(join(this.memoryDir, 'memory.memsw.limit_in_bytes'), value);
    writeFileSync(join(this.memoryDir, 'memory.limit_in_bytes'), value);
    trySet(join(this.memoryDir, 'memory.memsw.limit_in_bytes'), value);
  }

  /** The kernel's memory high-water mark for the group, bytes (v1 max_usage / v2 memory.peak). */
  peakBytes(): number | undefined {
    if (!this.memoryDir) return undefined;
    const v = safeRead(join(this.memoryDir, this.support.version === 1 ? 'memory.max_usage_in_bytes' : 'memory.peak'));
    return v ? Number(v.trim()) : undefined;
  }

  /** How many times the kernel's OOM killer fired in the group. */
  oomKills(): number {
    if (!this.memoryDir) return 0;
    const file = this.support.version === 1 ? 'memory.oom_control' : 'memory.events';
    const m = (safeRead(join(this.memoryDir, file)) ?? '').match(/oom_kill (\d+)/);
    return m ? Number(m[1]) : 0;
  }

  /** Removes the groups (they must be empty: call after the process exited). Retries briefly. */
  remove(): void {
    for (const dir of this.dirs.splice(0).reverse()) {
      for (let attempt = 0; attempt < 50; attempt++) {
        try {
          rmdirSync(dir);
          break;
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') break;
          if (code !== 'EBUSY' || attempt === 49) break;
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        }
      }
    }
  }
}

/** dlpack groups still present (for tests and diagnostics): under our parents and at the top of each hierarchy. */
export function leftoverCgroups(prefix = 'dlpack-'): string[] {
  const support = detectCgroups();
  const roots = new Set<string>([support.memoryParent, support.cpuParent].filter((x): x is string => Boolean(x)));
  for (const m of readMounts()) roots.add(m.point);
  const found: string[] = [];
  for (const root of roots) {
    let names: string[] = [];
    try {
      names = readdirSync(root);
    } catch {
      continue;
    }
    for (const n of names) if (n.startsWith(prefix) && !n.startsWith('dlpack-probe-')) found.push(join(root, n));
  }
  return found;
}

function trySet(file: string, value: string): void {
  try {
    writeFileSync(file, value);
  } catch {
    /* optional knob */
  }
}

function safeRead(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * This process's CPU group's `cpu.stat` and how it names throttled time (v1 `throttled_time` ns,
 * v2 `throttled_usec` µs), or undefined when there is none. Read by the runtime host, which
 * the bench places in its own group: throttled time is the wait its CFS quota caused.
 */
export function ownCpuStat(): { file: string; key: 'throttled_time' | 'throttled_usec' } | undefined {
  const mounts = readMounts();
  for (const g of ownGroups()) {
    const v1 = g.controllers.includes('cpu');
    const mount = v1 ? mounts.find((m) => m.fsType === 'cgroup' && m.superOptions.includes('cpu')) : g.controllers.length === 0 ? mounts.find((m) => m.fsType === 'cgroup2') : undefined;
    const dir = mount && ownFolder(mount, g.path);
    if (dir && existsSync(join(dir, 'cpu.stat'))) return { file: join(dir, 'cpu.stat'), key: v1 ? 'throttled_time' : 'throttled_usec' };
  }
  return undefined;
}
