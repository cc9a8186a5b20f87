/**
 * One meaning per unit (src/core/units.ts): KB, MB and GB are binary everywhere — in flags, in
 * config budgets and in what dlpack prints — as the platforms' own documents count (Lambda's
 * "50 MB" zip limit is 52,428,800 bytes). A budget `dlpack init` writes parses back to at least
 * the figure it was set from.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  budgetText,
  formatBytes,
  formatBudgetValue,
  formatMemoryMb,
  parseBytes,
  parseMemoryList,
  parseMemoryMb,
  parseQuantity,
  roundUpNice,
  type QuantityUnit,
} from '../../../src/core/units.js';
import { getPlatform, memorySizes } from '../../../src/platforms/index.js';
import { resolveBudgets } from '../../../src/config/resolve-budgets.js';
import type { DlpackConfig } from '../../../src/config/config-types.js';
import { DEFAULT_SHARD_SIZE_BYTES } from '../../../src/formats/tfjs/write-tfjs.js';
import { BUDGETS, type BudgetKey } from '../../../src/config/budget-keys.js';
import { starterBudgetsWithBasis } from '../../../src/init/starter-budgets.js';
import { seededRandom } from '../../../src/core/seeded-random.js';
import { benchConfig, bundleReport } from '../../helpers/report-fixtures.js';

test('sizes: KB/MB/GB are binary, KiB/MiB/GiB are the same units, a bare number is bytes', () => {
  assert.is(parseBytes('2 GB'), 2 * 1024 ** 3);
  assert.is(parseBytes('2 GiB'), 2 * 1024 ** 3);
  assert.is(parseBytes('45 MB'), 47_185_920);
  assert.is(parseBytes('45mib'), 47_185_920);
  assert.is(parseBytes('1.5 kb'), 1536);
  assert.is(parseBytes('4MB'), DEFAULT_SHARD_SIZE_BYTES, '--shard-size 4MB is the library default and tensorflowjs_converter\'s');
  assert.is(parseBytes('512'), 512);
  assert.is(parseBytes(1000), 1000);
  assert.throws(() => parseBytes('12 parsecs'), /cannot read size "12 parsecs"/);
});

test('memory in the platforms\' MB: "2 GB" = 2048, a bare number is MB; lists of sizes', () => {
  assert.is(parseMemoryMb('2 GB'), 2048);
  assert.is(parseMemoryMb('2GiB'), 2048);
  assert.is(parseMemoryMb('300 MB'), 300);
  assert.is(parseMemoryMb('512'), 512, 'a bare number in a config string is MB, not bytes');
  assert.is(parseMemoryMb(1769), 1769);
  assert.equal(parseMemoryList('2gb'), [2048]);
  assert.equal(parseMemoryList('128, 512,1.5GB'), [128, 512, 1536]);
  assert.throws(() => parseMemoryList('lots'), /cannot read memory size "lots"/);
  assert.throws(() => parseMemoryList('100.5'), /not a whole number of MB/);
  assert.throws(() => parseMemoryList(' , '), /no memory size given/);
  assert.equal(memorySizes(getPlatform('aws-lambda'), '2gb'), [2048], '--memory 2gb');
  assert.equal(memorySizes(getPlatform('gcp-functions'), '1GB,512'), [512, 1024]);
});

test('printing: one convention everywhere — Lambda\'s zip limit is "50.00 MB"', () => {
  assert.is(formatBytes(50 * 1024 ** 2), '50.00 MB');
  assert.is(formatBytes(getPlatform('aws-lambda').package.zippedBytes!.value), '50.00 MB');
  assert.is(formatBytes(250 * 1024 ** 2), '250.00 MB');
  assert.is(formatBytes(10 * 1024 ** 3), '10.00 GB');
  assert.is(formatBytes(743_300), '725.9 KB');
  assert.is(formatBytes(1023), '1023 B');
  assert.is(formatMemoryMb(103.875), '103.9 MB');
  assert.is(formatBudgetValue('MB', 512), '512 MB');
  assert.is(formatBudgetValue('bytes', 45 * 1024 ** 2), '45.00 MB');
});

test('config budgets: "2 GB" zipped = 2 GiB, "2 GB" peak memory = 2048 MB, "45 MB" = 47,185,920 bytes', () => {
  const r = resolveBudgets({ models: [{ model: 'm.onnx', budgets: { zipped: '2 GB', unzipped: '45 MB', peakMemory: '2 GB' } }] } as DlpackConfig);
  const by = Object.fromEntries(r.models[0].budgets.map((b) => [b.key, b.limit]));
  assert.is(by.zipped, 2 * 1024 ** 3);
  assert.is(by.unzipped, 47_185_920);
  assert.is(by.peakMemory, 2048);
  // the old decimal limit, kept exactly by writing bytes (the CHANGELOG's migration)
  const kept = resolveBudgets({ models: [{ model: 'm.onnx', budgets: { zipped: 45_000_000 } }] } as DlpackConfig);
  assert.is(kept.models[0].budgets[0].limit, 45_000_000);
});

test('budgetText rounds up and parses back to at least the value, in every unit', () => {
  const rand = seededRandom(7);
  const units: QuantityUnit[] = ['bytes', 'ms', 'MB', 'usd'];
  for (let i = 0; i < 2000; i++) {
    const unit = units[i % units.length];
    const scale = unit === 'bytes' ? 1e9 : unit === 'ms' ? 1e5 : unit === 'MB' ? 1e4 : 5;
    const v = rand.next() ** 3 * scale + 1e-6;
    const text = budgetText(unit, v);
    assert.ok(parseQuantity(unit, text) >= v, `${unit} ${v} → "${text}" → ${parseQuantity(unit, text)}`);
  }
  assert.is(budgetText('bytes', 17_834_512 * 1.1), '19 MB');
  assert.is(budgetText('ms', 12_345), '13 s');
  assert.is(roundUpNice(19.000000000000004), 19, 'floating-point noise is not rounded up');
});

test('a budget written by init parses back to at least the measurement (and its headroom)', () => {
  for (const memoryMb of [128, 512, 1769, 3008]) {
    for (const scale of [0.001, 0.3, 1, 40]) {
      const bench = benchConfig(memoryMb, scale);
      const bundle = bundleReport({ zipBytes: Math.round(17_834_512 * scale), unzippedBytes: Math.round(47_212_877 * scale) });
      const { budgets, basis } = starterBudgetsWithBasis(bundle, bench);
      for (const [key, text] of Object.entries(budgets) as [BudgetKey, string][]) {
        const b = basis[key]!;
        const limit = parseQuantity(BUDGETS[key].unit, text);
        assert.ok(limit >= b.measured, `${key} at ${memoryMb} MB ×${scale}: "${text}" = ${limit} < measured ${b.measured}`);
        if (key !== 'peakMemory') assert.ok(limit >= b.measured * (1 + b.headroom) - 1e-9, `${key}: "${text}" below the measurement + headroom`);
      }
    }
  }
});

test.run();
