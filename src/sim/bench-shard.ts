/**
 * `dlpack bench --shard i/n`: the configuration list of one bench (target × memory size), its
 * costs (from an earlier bench report of the same input when given, else estimated from the
 * function's bytes, the counts and the vCPU share), the split (src/core/shard-plan.ts) and the
 * fingerprint every shard of one run shares.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fingerprint, planShards, type ShardSpec } from '../core/shard-plan.js';
import { dlpackVersion } from '../core/dlpack-version.js';
import type { PlatformId } from '../core/platform-facts.js';
import type { BenchReport, ShardInfo } from '../core/reports/schemas.js';
import { estimateConfigCost, measuredConfigCost } from './shard-cost.js';

export interface BenchShardOptions {
  spec: ShardSpec;
  /** Earlier bench reports of this input: their configurations' measured costs balance the split. */
  costs?: BenchReport[];
}

export const configKey = (target: string, memoryMb: number): string => `${target} ${memoryMb} MB`;

/** Bytes under a path (a file, or a folder's files), without following links. */
export function pathBytes(path: string): number {
  try {
    const st = statSync(path);
    if (!st.isDirectory()) return st.size;
    return readdirSync(path, { withFileTypes: true }).reduce((s, d) => s + (d.isSymbolicLink() ? 0 : pathBytes(join(path, d.name))), 0);
  } catch {
    return 0;
  }
}

/** sha256 of a file, or of a folder's file names and contents (sorted); undefined when unreadable. */
export function pathDigest(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    const hash = createHash('sha256');
    const walk = (p: string, rel: string) => {
      const st = statSync(p);
      if (st.isDirectory()) {
        for (const name of readdirSync(p).sort()) walk(join(p, name), `${rel}/${name}`);
      } else {
        hash.update(`${rel}\u0000`).update(readFileSync(p));
      }
    };
    walk(path, '');
    return hash.digest('hex');
  } catch {
    return undefined;
  }
}

export interface BenchShard {
  /** Whether this shard runs a configuration. */
  runs(target: PlatformId, memoryMb: number): boolean;
  info: ShardInfo;
}

export function planBenchShard(
  configs: { target: PlatformId; memoryMb: number }[],
  shard: BenchShardOptions,
  cost: { input: string; cold: number; warm: number; maxTimeMs?: number },
  options: Record<string, unknown>,
): BenchShard {
  const measured = new Map<string, number>();
  for (const r of shard.costs ?? []) {
    for (const c of r.configurations ?? []) {
      const key = configKey(c.target, c.memoryMb);
      measured.set(key, (measured.get(key) ?? 0) + measuredConfigCost(c));
    }
  }
  const bytes = pathBytes(cost.input);
  const items = configs.map(({ target, memoryMb }) => {
    const key = configKey(target, memoryMb);
    const m = measured.get(key);
    return { key, cost: m ?? estimateConfigCost({ target, memoryMb, modelBytes: bytes, cold: cost.cold, warm: cost.warm, maxTimeMs: cost.maxTimeMs }), measured: m !== undefined };
  });
  const plan = planShards(items, shard.spec.total);
  const shardOf = new Map(plan.assignments.map((a) => [a.key, a.shard]));
  const measuredCount = items.filter((i) => i.measured).length;
  return {
    runs: (target, memoryMb) => shardOf.get(configKey(target, memoryMb)) === shard.spec.index,
    info: {
      index: shard.spec.index,
      total: shard.spec.total,
      fingerprint: fingerprint({ dlpack: dlpackVersion(), total: shard.spec.total, input: pathDigest(cost.input), options }),
      plan: plan.digest,
      dlpackVersion: dlpackVersion(),
      configurations: plan.assignments.map((a) => ({ key: a.key, cost: a.cost, measured: Boolean(a.measured), shard: a.shard })),
      costs: measuredCount === 0 ? 'estimated' : measuredCount === items.length ? 'measured' : 'mixed',
      order: items.map((i) => i.key),
    },
  };
}
