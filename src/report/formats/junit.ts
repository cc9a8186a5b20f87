/**
 * JUnit XML for every report, the format CI systems show as test results: one testcase per budget
 * (check), per platform limit (bundle), per configuration (bench), per output gate (transform).
 * A broken budget is a <failure>, a missing measurement an <error>, a warn-level breach passes with
 * the warning in <system-out>.
 */
import type { LoadedReport } from '../../core/reports/read-report.js';
import type { BenchReport, BundleReport, CheckReport, TransformReport } from '../../core/reports/schemas.js';
import { formatBytes, formatMs } from '../../core/units.js';
import { checkNotes, rowSentence, rowWhere } from './check-rows.js';
import { benchNotes, contentionCell, cpuCell } from './bench-cells.js';

interface Case {
  classname: string;
  name: string;
  failure?: { message: string; type: string };
  error?: { message: string; type: string };
  out?: string;
}

export function escapeXml(text: string): string {
  // Drop characters XML 1.0 cannot hold at all, then escape the markup ones.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/[<>&"']/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`);
}

interface Suite {
  xml: string;
  tests: number;
  failures: number;
  errors: number;
}

function suite(name: string, cases: Case[], timestamp?: string): Suite {
  const failures = cases.filter((c) => c.failure).length;
  const errors = cases.filter((c) => c.error).length;
  const out = [
    `  <testsuite name="${escapeXml(name)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="0"${timestamp ? ` timestamp="${escapeXml(timestamp)}"` : ''}>`,
  ];
  for (const c of cases) {
    const attrs = `classname="${escapeXml(c.classname)}" name="${escapeXml(c.name)}" time="0"`;
    const body: string[] = [];
    if (c.failure) body.push(`      <failure message="${escapeXml(c.failure.message)}" type="${escapeXml(c.failure.type)}">${escapeXml(c.failure.message)}</failure>`);
    if (c.error) body.push(`      <error message="${escapeXml(c.error.message)}" type="${escapeXml(c.error.type)}">${escapeXml(c.error.message)}</error>`);
    if (c.out) body.push(`      <system-out>${escapeXml(c.out)}</system-out>`);
    out.push(body.length ? `    <testcase ${attrs}>\n${body.join('\n')}\n    </testcase>` : `    <testcase ${attrs}/>`);
  }
  out.push('  </testsuite>');
  return { xml: out.join('\n'), tests: cases.length, failures, errors };
}

/** A passing testcase that carries the notes (estimate used, load warnings) into CI's test view. */
function notesCase(classname: string, notes: string[]): Case[] {
  return notes.length ? [{ classname, name: 'how these figures were measured', out: notes.join('\n') }] : [];
}

function checkCases(report: CheckReport): Case[] {
  return [...report.results.map((r) => {
    const c: Case = { classname: `dlpack.${r.model}${r.target ? `.${r.target}` : ''}`, name: `${r.label} (${rowWhere(r)})` };
    const msg = rowSentence(r);
    if (r.status === 'fail') c.failure = { message: msg, type: r.baseline?.regression ? 'regression' : 'budget' };
    else if (r.status === 'missing') c.error = { message: msg, type: 'missing' };
    else c.out = r.status === 'warn' ? `WARNING: ${msg}` : msg;
    return c;
  }), ...notesCase('dlpack.check', checkNotes(report))];
}

function bundleCases(report: BundleReport): Case[] {
  return report.limits.map((l) => {
    const msg = `${l.limit}: ${formatBytes(l.actualBytes)} of ${formatBytes(l.limitBytes)} allowed (${l.source})`;
    return { classname: `dlpack.bundle.${report.target}`, name: `${l.limit} size`, ...(l.pass ? { out: msg } : { failure: { message: msg, type: 'limit' } }) };
  });
}

function benchCases(report: BenchReport): Case[] {
  return report.configurations.map((c) => {
    const n = c.errors.oom + c.errors.timeout + c.errors.error;
    const load = c.cpuMs || c.contentionShare ? `, CPU init / warm ${cpuCell(c)}, waiting for CPU init / warm ${contentionCell(c)}` : '';
    const summary = `init p50 ${formatMs(c.initMs.p50)}, cold p50 ${formatMs(c.coldTotalMs.p50)}, warm p50 ${formatMs(c.warmMs.p50)}, peak ${Math.round(c.peakMemoryMb)} MB${load} (${c.estimate === 'stable' ? 'load-robust estimate' : 'wall time'})`;
    const failure = n ? { message: `${c.errors.oom} out-of-memory, ${c.errors.timeout} timed out, ${c.errors.error} failed${c.errors.messages[0] ? `: ${c.errors.messages[0]}` : ''}`, type: 'run' } : undefined;
    return { classname: `dlpack.bench.${c.target}`, name: `${c.memoryMb} MB`, failure, out: summary + (c.leakWarning ? ' (memory grows per invocation)' : '') } as Case;
  }).concat(notesCase('dlpack.bench', benchNotes(report)));
}

function transformCases(report: TransformReport): Case[] {
  const acc = report.accuracy;
  if (!acc) return [{ classname: `dlpack.${report.kind}`, name: report.mode, out: `${formatBytes(report.bytesBefore)} → ${formatBytes(report.bytesAfter)}` }];
  return acc.outputs.map((o) => {
    const msg = `max abs error ${o.maxAbsError}, cosine ${o.cosine}`;
    const g = acc.gates;
    const broken = g && ((g.maxError !== undefined && o.maxAbsError > g.maxError) || (g.minCosine !== undefined && o.cosine < g.minCosine));
    return { classname: `dlpack.${report.kind}.${report.mode}`, name: `accuracy of ${o.name}`, ...(broken ? { failure: { message: msg, type: 'accuracy' } } : { out: msg }) };
  });
}

function suiteOf(loaded: LoadedReport): Suite {
  switch (loaded.kind) {
    case 'check':
      return suite('dlpack check', checkCases(loaded.report), loaded.report.createdAt);
    case 'bundle':
      return suite(`dlpack bundle ${loaded.report.target}`, bundleCases(loaded.report));
    case 'bench':
      return suite('dlpack bench', benchCases(loaded.report), loaded.report.createdAt);
    case 'transform':
      return suite(`dlpack ${loaded.report.kind}`, transformCases(loaded.report));
  }
}

/** One JUnit document: a <testsuite> per report. */
export function renderJunit(reports: LoadedReport | LoadedReport[]): string {
  const suites = (Array.isArray(reports) ? reports : [reports]).map(suiteOf);
  const sum = (k: 'tests' | 'failures' | 'errors') => suites.reduce((a, s) => a + s[k], 0);
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="dlpack" tests="${sum('tests')}" failures="${sum('failures')}" errors="${sum('errors')}">`,
    ...suites.map((s) => s.xml),
    '</testsuites>',
    '',
  ].join('\n');
}
