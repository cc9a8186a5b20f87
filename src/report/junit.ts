/**
 * JUnit XML, the format CI systems show as test results: one <testsuite> per report, built by each
 * kind's `junit()` (a case per budget, platform limit, bench configuration, output gate). A broken
 * budget is a <failure>, a missing measurement an <error>, a warn-level breach passes with the
 * warning in <system-out>.
 */
import { escapeXml } from '../core/text.js';
import type { JunitCase, JunitSuite } from './render-types.js';

/** A passing testcase that carries notes (estimate used, load warnings) into CI's test view. */
export function notesCase(classname: string, notes: string[]): JunitCase[] {
  return notes.length ? [{ classname, name: 'how these figures were measured', out: notes.join('\n') }] : [];
}

function suiteXml(s: JunitSuite): { xml: string; tests: number; failures: number; errors: number } {
  const failures = s.cases.filter((c) => c.failure).length;
  const errors = s.cases.filter((c) => c.error).length;
  const out = [
    `  <testsuite name="${escapeXml(s.name)}" tests="${s.cases.length}" failures="${failures}" errors="${errors}" skipped="0"${s.timestamp ? ` timestamp="${escapeXml(s.timestamp)}"` : ''}>`,
  ];
  for (const c of s.cases) {
    const attrs = `classname="${escapeXml(c.classname)}" name="${escapeXml(c.name)}" time="0"`;
    const body: string[] = [];
    if (c.failure) body.push(`      <failure message="${escapeXml(c.failure.message)}" type="${escapeXml(c.failure.type)}">${escapeXml(c.failure.message)}</failure>`);
    if (c.error) body.push(`      <error message="${escapeXml(c.error.message)}" type="${escapeXml(c.error.type)}">${escapeXml(c.error.message)}</error>`);
    if (c.out) body.push(`      <system-out>${escapeXml(c.out)}</system-out>`);
    out.push(body.length ? `    <testcase ${attrs}>\n${body.join('\n')}\n    </testcase>` : `    <testcase ${attrs}/>`);
  }
  out.push('  </testsuite>');
  return { xml: out.join('\n'), tests: s.cases.length, failures, errors };
}

/** One JUnit document: a <testsuite> per report. */
export function junitDocument(suites: JunitSuite[]): string {
  const xml = suites.map(suiteXml);
  const sum = (k: 'tests' | 'failures' | 'errors') => xml.reduce((a, s) => a + s[k], 0);
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="dlpack" tests="${sum('tests')}" failures="${sum('failures')}" errors="${sum('errors')}">`,
    ...xml.map((s) => s.xml),
    '</testsuites>',
    '',
  ].join('\n');
}
