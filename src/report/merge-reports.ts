/**
 * `dlpack report merge`: joins the shard reports of one sharded run (`check --shard i/n` or
 * `bench --shard i/n`) into the report one unsharded run would have written.
 *
 * Refused, with one line naming the file: a report written without --shard, a mix of check and
 * bench shards, another dlpack version, another config or run options (the fingerprint), another
 * number of shards, another split (shards balanced on different costs), a shard given twice.
 * A missing shard fails (exit 1) unless `allowPartial`: then the report is written with the
 * missing shards listed and their budget rows `missing`, so it never passes.
 * check: rows in the unsharded order, summary and verdict recomputed, measurements kept (so
 * `check --from merged.json` judges them again). bench: configurations in the unsharded order and
 * the recommendations made again over all of them. The output is written atomically.
 */
import { resolve } from 'node:path';
import { DlpackError } from '../core/errors/dlpack-error.js';
import { assertNotInput, writeFileAtomic } from '../core/io/atomic-output.js';
import { readReport, type LoadedReport } from '../core/reports/read-report.js';
import type { BenchReport, BudgetResult, CheckReport, MergeInfo, ShardInfo } from '../core/reports/schemas.js';
import { summarizeResults } from '../budgets/evaluate-budgets.js';
import { recommend } from '../sim/recommend.js';

export interface MergeOptions {
  files: string[];
  output: string;
  /** Write the report even when shards are missing (flagged, never passing). */
  allowPartial?: boolean;
  cwd?: string;
}

export type MergedReport = { kind: 'check'; report: CheckReport } | { kind: 'bench'; report: BenchReport };

export interface MergeResult {
  merged: MergedReport;
  output: string;
  info: MergeInfo;
}

type ShardReport = { file: string; info: ShardInfo } & ({ kind: 'check'; report: CheckReport } | { kind: 'bench'; report: BenchReport });

function asShard(l: LoadedReport): ShardReport {
  if (l.kind !== 'check' && l.kind !== 'bench') {
    throw new DlpackError('USAGE', `a ${l.kind} report cannot be merged: only shard reports of check or bench (--shard i/n)`, { file: l.file });
  }
  const info = l.report.shard;
  if (!info) throw new DlpackError('USAGE', `not a shard report (this ${l.kind} report was written without --shard i/n)`, { file: l.file });
  const bad = malformed(info);
  if (bad) throw new DlpackError('USAGE', `malformed shard report: ${bad}`, { file: l.file });
  if (l.kind === 'check' && !Array.isArray(l.report.results)) throw new DlpackError('USAGE', 'malformed shard report: "results" is not a list', { file: l.file });
  return { ...l, info } as ShardReport;
}

/** What is wrong with a report's `shard` object (it comes from a file), or undefined. */
function malformed(i: ShardInfo): string | undefined {
  if (!Number.isInteger(i.total) || i.total < 1 || !Number.isInteger(i.index) || i.index < 1 || i.index > i.total) return '"shard.index"/"shard.total" are not a shard i of n';
  for (const k of ['fingerprint', 'plan', 'dlpackVersion'] as const) if (typeof i[k] !== 'string') return `"shard.${k}" is not a string`;
  if (!Array.isArray(i.configurations) || i.configurations.some((c) => typeof c?.key !== 'string' || !Number.isInteger(c.shard))) return '"shard.configurations" is not a list of keys and shards';
  if (i.rows !== undefined && (!Array.isArray(i.rows) || i.rows.some((r) => typeof r?.id !== 'string'))) return '"shard.rows" is not a list of budget rows';
  if (i.order !== undefined && (!Array.isArray(i.order) || i.order.some((k) => typeof k !== 'string'))) return '"shard.order" is not a list of keys';
  return undefined;
}

/** Every refusal, checked against the first report. */
function checkSameRun(shards: ShardReport[]): void {
  const [first] = shards;
  const seen = new Map<number, string>();
  for (const s of shards) {
    const i = s.info;
    if (s.kind !== first.kind) throw new DlpackError('USAGE', `a ${s.kind} shard report cannot be merged with ${first.kind} shard reports (${first.file})`, { file: s.file });
    if (i.dlpackVersion !== first.info.dlpackVersion) {
      throw new DlpackError('USAGE', `written by dlpack ${i.dlpackVersion}, but ${first.file} by dlpack ${first.info.dlpackVersion}: merge shards of one run`, { file: s.file });
    }
    if (i.fingerprint !== first.info.fingerprint) {
      throw new DlpackError('USAGE', `from a different config, models or run options than ${first.file} (fingerprint ${i.fingerprint}, not ${first.info.fingerprint}): merge shards of one run`, { file: s.file });
    }
    if (i.total !== first.info.total) throw new DlpackError('USAGE', `shard ${i.index}/${i.total}, but ${first.file} is one of ${first.info.total}`, { file: s.file });
    if (i.plan !== first.info.plan) {
      throw new DlpackError('USAGE', `split differently from ${first.file} (the shards balanced on different costs): give every shard the same --shard-costs/--baseline`, { file: s.file });
    }
    const again = seen.get(i.index);
    if (again) throw new DlpackError('USAGE', `shard ${i.index}/${i.total} given twice (also ${again})`, { file: s.file });
    seen.set(i.index, s.file);
  }
}

function union<T>(lists: (T[] | undefined)[]): T[] | undefined {
  const all = [...new Set(lists.flatMap((l) => l ?? []))];
  return all.length ? all : undefined;
}

function ordered<T>(items: T[], keyOf: (t: T) => string, order: string[] | undefined): T[] {
  const rank = new Map((order ?? []).map((k, i) => [k, i]));
  return items
    .map((t, i) => ({ t, i, r: rank.get(keyOf(t)) ?? order?.length ?? 0 }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.t);
}

function mergeCheck(shards: (ShardReport & { kind: 'check' })[], info: MergeInfo): CheckReport {
  const first = shards[0].report;
  const skeleton = shards[0].info.rows ?? [];
  const byId = new Map<string, BudgetResult>();
  for (const s of shards) for (const r of s.report.results) if (!byId.has(r.id)) byId.set(r.id, r);
  // rows no shard judged (a missing shard's): listed as missing, so a partial report never passes
  const why = info.missing.length ? `not measured: shard ${info.missing.join(', ')} of ${info.total} has no report` : 'not measured: no shard judged this budget';
  for (const row of skeleton) if (!byId.has(row.id)) byId.set(row.id, { ...row, status: 'missing', reason: why });
  const results = ordered([...byId.values()], (r) => r.id, skeleton.map((r) => r.id));
  const summary = summarizeResults(results);
  return {
    schema: 'dlpack.check/1',
    createdAt: new Date().toISOString(),
    config: first.config,
    sources: union(shards.map((s) => s.report.sources)) ?? [],
    baselines: union(shards.map((s) => s.report.baselines)) ?? [],
    tolerance: first.tolerance,
    maxRegression: first.maxRegression,
    estimate: first.estimate,
    runs: first.runs,
    loadWarnings: union(shards.map((s) => s.report.loadWarnings)),
    results,
    summary,
    pass: summary.failed === 0 && summary.missing === 0 && info.missing.length === 0,
    merged: info,
    measurements: shards.flatMap((s) => s.report.measurements ?? []),
  };
}

function mergeBench(shards: (ShardReport & { kind: 'bench' })[], info: MergeInfo): BenchReport {
  const first = shards[0].report;
  const order = shards[0].info.order;
  const configurations = ordered(
    shards.flatMap((s) => s.report.configurations),
    (c) => `${c.target} ${c.memoryMb} MB`,
    order,
  );
  const same = <K extends keyof BenchReport>(k: K): BenchReport[K] | undefined => (shards.every((s) => s.report[k] === first[k]) ? first[k] : undefined);
  const { shard: _shard, ...rest } = first;
  return {
    ...rest,
    createdAt: new Date().toISOString(),
    backend: shards.map((s) => s.report.backend).find(Boolean),
    configurations,
    recommendations: configurations.length
      ? recommend(configurations, { maxLatencyMs: first.maxLatencyMs, coldShare: first.coldShare, balanceWeight: first.balanceWeight })
      : [],
    cpuMode: same('cpuMode'),
    memoryLimitMode: same('memoryLimitMode'),
    cgroupProblems: union(shards.map((s) => s.report.cgroupProblems)),
    loadWarnings: union(shards.map((s) => s.report.loadWarnings)),
    merged: info,
  };
}

export async function mergeReports(options: MergeOptions): Promise<MergeResult> {
  if (!options.files.length) throw new DlpackError('USAGE', 'name the shard reports to merge', { hint: 'dlpack report merge shard-*.json -o merged.json' });
  const cwd = resolve(options.cwd ?? process.cwd());
  const output = resolve(cwd, options.output);
  assertNotInput(output, options.files.map((f) => resolve(cwd, f)));
  const shards: ShardReport[] = [];
  for (const f of options.files) shards.push(asShard({ ...(await readReport(resolve(cwd, f))), file: f }));
  checkSameRun(shards);
  const first = shards[0].info;
  const present = new Set(shards.map((s) => s.info.index));
  const missing = Array.from({ length: first.total }, (_, i) => i + 1).filter((i) => !present.has(i));
  const missingConfigurations = first.configurations.filter((c) => missing.includes(c.shard)).map((c) => c.key);
  if (missing.length && !options.allowPartial) {
    const list = missingConfigurations.slice(0, 4).join(', ') + (missingConfigurations.length > 4 ? `, … (${missingConfigurations.length} in all)` : '');
    throw new DlpackError(
      'CHECK_FAILED',
      `shard ${missing.join(', ')} of ${first.total} missing${missingConfigurations.length ? ` (not measured: ${list})` : ' (it had no configurations)'}: merge every shard's report, or pass --allow-partial for a report that fails`,
    );
  }
  const info: MergeInfo = {
    total: first.total,
    fingerprint: first.fingerprint,
    plan: first.plan,
    dlpackVersion: first.dlpackVersion,
    shards: [...shards].sort((a, b) => a.info.index - b.info.index).map((s) => ({ index: s.info.index, file: s.file })),
    missing,
    missingConfigurations,
    configurations: first.configurations.length,
  };
  const merged: MergedReport =
    shards[0].kind === 'check'
      ? { kind: 'check', report: mergeCheck(shards as (ShardReport & { kind: 'check' })[], info) }
      : { kind: 'bench', report: mergeBench(shards as (ShardReport & { kind: 'bench' })[], info) };
  await writeFileAtomic(output, JSON.stringify(merged.report, null, 2) + '\n');
  return { merged, output: options.output, info };
}
