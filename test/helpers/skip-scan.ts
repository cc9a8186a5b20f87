/**
 * Finds the ways a test file could skip work and still count it as passed, or make tests vanish
 * (test/unit/skip-scan.test.ts runs it on every test file). A skip is decided when the test is
 * registered, with testIf() of test/helpers/skip.ts; anything else is reported with its line.
 */

export interface SkipPattern {
  line: number;
  rule: string;
  text: string;
}

const RULES: [RegExp, string][] = [
  [/\bskipMessage\(/, 'skipMessage() prints a SKIP line while the test counts as passed: use testIf()'],
  [/\bconsole\.(log|info|warn|error)\(\s*[`'"]SKIP\b/, 'a hand-printed SKIP line: use testIf(), which prints it and counts the test as skipped'],
  [/\?\s*test\s*:\s*test\.skip\b|\btest\.skip\b/, 'test.skip directly: use testIf(), which prints the reason and keeps the SKIP lines equal to the skipped count'],
  [/\b(return|continue)\b[^;]*;\s*\/\/.*\bskip/i, 'an early return commented as a skip: the test counts as passed'],
];

/** The in-body skip patterns in one test file's source, with 1-based line numbers. */
export function findSkipPatterns(source: string): SkipPattern[] {
  const found: SkipPattern[] = [];
  const lines = source.split('\n');
  lines.forEach((text, i) => {
    for (const [re, rule] of RULES) if (re.test(text)) found.push({ line: i + 1, rule, text: text.trim() });
  });
  // A test body whose first statement is a conditional return: the test passes without running.
  const opener = /\btest(?:If)?\((?:[^\n]*?,\s*)?(?:async\s*)?\([^)]*\)\s*=>\s*\{\s*$/;
  const earlyReturn = /^\s*if\s*\(.*\)\s*(\{\s*)?return\b/;
  lines.forEach((text, i) => {
    if (opener.test(text) && earlyReturn.test(lines[i + 1] ?? '')) {
      found.push({ line: i + 2, rule: 'a test that returns early when something is missing counts as passed: decide with testIf() when registering', text: lines[i + 1].trim() });
    }
  });
  // Registration inside a top-level `if (…) { test(…) }` (or its else): the tests vanish.
  let depth = 0;
  let conditional = -1;
  lines.forEach((text, i) => {
    if (depth === 0 && /^if\s*\(/.test(text)) conditional = i;
    else if (depth === 0) conditional = -1;
    if (conditional >= 0 && depth > 0 && /^\s+test\(/.test(text)) {
      found.push({ line: i + 1, rule: `a test registered only under the condition of line ${conditional + 1}: it vanishes when the condition fails; register it with testIf()`, text: text.trim() });
    }
    depth += (text.match(/\{/g) ?? []).length - (text.match(/\}/g) ?? []).length;
  });
  return found.sort((a, b) => a.line - b.line);
}
