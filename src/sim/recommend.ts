/**
 * Recommendations in the manner of AWS Lambda Power Tuning's strategies: cheapest, fastest,
 * balanced (weighted, normalized cost and speed, weight 0.5) and the cheapest configuration whose
 * warm p90 meets `--max-latency`. Only configurations without OOM, timeout or errors qualify.
 */
import type { BenchConfigResult, Recommendation } from '../report/report-schemas.js';

export function recommend(configs: BenchConfigResult[], maxLatencyMs?: number, balancedWeight = 0.5): Recommendation[] {
  const healthy = configs.filter((c) => c.errors.oom + c.errors.timeout + c.errors.error === 0 && c.warmInvocations > 0);
  if (!healthy.length) return [];
  const rec = (strategy: Recommendation['strategy'], c: BenchConfigResult, reason: string): Recommendation => ({
    strategy,
    target: c.target,
    memoryMb: c.memoryMb,
    costPerMillion: c.costPerMillion,
    warmP50Ms: c.warmMs.p50,
    reason,
  });
  const byCost = [...healthy].sort((a, b) => a.costPerMillion - b.costPerMillion || a.warmMs.p50 - b.warmMs.p50);
  const bySpeed = [...healthy].sort((a, b) => a.warmMs.p50 - b.warmMs.p50 || a.costPerMillion - b.costPerMillion);
  const out: Recommendation[] = [
    rec('cheapest', byCost[0], `lowest cost per 1M warm requests ($${byCost[0].costPerMillion.toFixed(4)})`),
    rec('fastest', bySpeed[0], `lowest warm p50 (${bySpeed[0].warmMs.p50.toFixed(2)} ms)`),
  ];
  const maxCost = Math.max(...healthy.map((c) => c.costPerMillion)) || 1;
  const maxTime = Math.max(...healthy.map((c) => c.warmMs.p50)) || 1;
  const score = (c: BenchConfigResult) => balancedWeight * (c.costPerMillion / maxCost) + (1 - balancedWeight) * (c.warmMs.p50 / maxTime);
  const balanced = [...healthy].sort((a, b) => score(a) - score(b))[0];
  out.push(rec('balanced', balanced, `best ${balancedWeight}·cost + ${1 - balancedWeight}·time, each normalized to the slowest/most expensive`));
  if (maxLatencyMs !== undefined) {
    const within = byCost.filter((c) => c.warmMs.p90 <= maxLatencyMs);
    if (within.length) {
      out.push(rec('cheapest-within-latency', within[0], `cheapest with warm p90 ${within[0].warmMs.p90.toFixed(2)} ms ≤ ${maxLatencyMs} ms`));
    }
  }
  return out;
}
