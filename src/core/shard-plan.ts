/**
 * Splitting a list of configurations over CI runners (`--shard i/n`) and the fingerprints that
 * let `dlpack report merge` tell whether shard reports belong to one run.
 *
 * The split is rendezvous (highest-random-weight) hashing with bounded loads: every configuration
 * ranks the shards by a hash of its own key and the shard number and goes to the first shard in
 * that ranking whose load stays within `(1 + slack) ×` the mean load (largest configurations
 * first; the least loaded shard when none fits). Why not the classic sorted greedy (largest first
 * onto the least loaded shard): it balances a little better, but one added model shifts every
 * smaller configuration onto another runner (per-shard history, caches and a re-run of one shard
 * stop meaning anything). With rendezvous ranks a configuration moves only when its first choice
 * is full, so adding a model moves few others (test/check/shard-plan.test.ts measures both), and
 * the plan depends only on the keys, their costs and n — never on the order of the config.
 */
import { createHash } from 'node:crypto';
import { DlpackError } from './errors/dlpack-error.js';

export interface ShardSpec {
  /** 1-based. */
  index: number;
  total: number;
}

export interface ShardItem {
  /** Stable name of the configuration ("mlp aws-lambda 1024 MB"): the hash input. */
  key: string;
  /** Estimated or measured cost (ms of work). */
  cost: number;
  /** Whether `cost` was measured (a previous report) rather than estimated. */
  measured?: boolean;
}

export interface ShardPlan {
  total: number;
  /** Every item with the shard (1-based) it runs on, sorted by key. */
  assignments: (ShardItem & { shard: number })[];
  /** Cost per shard (index 0 = shard 1). */
  loads: number[];
  /** sha256 (16 hex digits) of every key and its shard: equal plans, equal digests. */
  digest: string;
}

/** Share a shard may exceed the mean load by before a configuration goes to its next choice. */
export const DEFAULT_SLACK = 0.1;

/** Reads "2/3" (shard 2 of 3). */
export function parseShard(text: string): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new DlpackError('USAGE', `--shard must look like i/n (e.g. 2/3), got "${text}"`);
  const index = Number(m[1]);
  const total = Number(m[2]);
  if (total < 1 || total > 256) throw new DlpackError('USAGE', `--shard ${text}: the number of shards must be between 1 and 256`);
  if (index < 1 || index > total) throw new DlpackError('USAGE', `--shard ${text}: the shard must be between 1 and ${total}`);
  return { index, total };
}

export function formatShard(s: ShardSpec): string {
  return `${s.index}/${s.total}`;
}

function weight(key: string, shard: number): bigint {
  return createHash('sha256').update(`${key}\u0000${shard}`).digest().readBigUInt64BE(0);
}

/** Shards 1..n ranked for this key, most preferred first. */
export function shardRanking(key: string, total: number): number[] {
  const shards = Array.from({ length: total }, (_, i) => i + 1);
  const w = new Map(shards.map((s) => [s, weight(key, s)]));
  return shards.sort((a, b) => (w.get(b)! > w.get(a)! ? 1 : w.get(b)! < w.get(a)! ? -1 : a - b));
}

export function planShards(items: ShardItem[], total: number, slack = DEFAULT_SLACK): ShardPlan {
  const seen = new Set<string>();
  for (const it of items) {
    if (seen.has(it.key)) throw new DlpackError('INTERNAL', `configuration "${it.key}" listed twice`);
    seen.add(it.key);
  }
  const costOf = (it: ShardItem) => (Number.isFinite(it.cost) && it.cost > 0 ? it.cost : 1);
  const sum = items.reduce((s, it) => s + costOf(it), 0);
  const capacity = (sum / total) * (1 + slack);
  const loads = new Array<number>(total).fill(0);
  const order = [...items].sort((a, b) => costOf(b) - costOf(a) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const shardOf = new Map<string, number>();
  for (const it of order) {
    const cost = costOf(it);
    const ranking = shardRanking(it.key, total);
    let pick = ranking.find((s) => loads[s - 1] + cost <= capacity);
    // nothing fits (a configuration larger than the room left anywhere): the least loaded, ties by rank
    pick ??= ranking.reduce((best, s) => (loads[s - 1] < loads[best - 1] ? s : best), ranking[0]);
    loads[pick - 1] += cost;
    shardOf.set(it.key, pick);
  }
  const assignments = [...items]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((it) => ({ ...it, shard: shardOf.get(it.key)! }));
  const digest = fingerprint({ total, assignments: assignments.map((a) => [a.key, a.shard]) });
  return { total, assignments, loads, digest };
}

/** JSON with object keys sorted, so equal values give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** sha256 of the canonical JSON of `value`, 16 hex digits. */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}
