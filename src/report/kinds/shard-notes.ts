/** The line every rendering of a sharded report carries (check and bench; table, Markdown, JUnit, HTML). */
import type { ShardInfo, MergeInfo } from '../../core/reports/schemas.js';

/** Which part of a sharded run a report is: one shard, or the shards merged (and which are missing). */
export function shardNotes(report: { shard?: ShardInfo; merged?: MergeInfo }): string[] {
  const { shard, merged } = report;
  if (shard) {
    const mine = shard.configurations.filter((c) => c.shard === shard.index).length;
    return [`Shard ${shard.index} of ${shard.total}: ${mine} of ${shard.configurations.length} configurations (split on ${shard.costs} costs); join the shards with dlpack report merge.`];
  }
  if (merged) {
    const line = `Merged from ${merged.shards.length} of ${merged.total} shards (${merged.configurations} configurations, dlpack ${merged.dlpackVersion}).`;
    if (!merged.missing.length) return [line];
    return [line, `⚠ Shard ${merged.missing.join(', ')} missing: not measured — ${merged.missingConfigurations.join(', ') || 'no configurations'}.`];
  }
  return [];
}
