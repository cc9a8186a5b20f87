/**
 * The bundle report (`dlpack.bundle/1`), for `dlpack bundle` and `dlpack report bundle.json`:
 * verdict, target, runtime and sandbox, the folder, zip (with sha256) and image, sizes against the
 * platform's package limits, the largest files and the largest JavaScript inputs (esbuild
 * metafile), notes. Markdown, JUnit (a case per limit), annotations and the HTML section too.
 */
import type { BundleReport } from '../../core/reports/schemas.js';
import { escapeXml as esc } from '../../core/text.js';
import { formatBytes, formatBytesCompact } from '../../core/units.js';
import { getPlatform, isPlatformId } from '../../platforms/index.js';
import { fitNote, fitTable, type Column } from '../fit-table.js';
import { htmlTable } from '../html/page-parts.js';
import { barChart, PALETTE, type Reference } from '../html/svg-charts.js';
import { table } from '../markdown.js';
import type { Annotation, HtmlContext, HumanOptions, JunitSuite, KindRenderer } from '../render-types.js';

/** Where the bundle runs: a V8 isolate (the platform's `runtime.sandbox`, Workers), else the Linux CPU architecture. */
function sandbox(r: BundleReport): string {
  return isPlatformId(r.target) && getPlatform(r.target).runtime.sandbox?.value === 'v8-isolate' ? 'V8 isolate (wasm)' : `linux/${r.arch}`;
}

function bundleHuman(r: BundleReport, o: HumanOptions = {}): string {
  const width = o.verbose ? undefined : o.width;
  const maxFiles = o.verbose ? Infinity : (o.maxRows ?? 8);
  const lines: string[] = [];
  const hidden: string[] = [];
  const fit = (cols: Column[], rows: string[][]) => {
    const f = fitTable(cols, rows, { width });
    hidden.push(...f.hidden);
    lines.push(f.text);
  };
  lines.push(`${r.pass ? 'PASS' : 'FAIL'}  ${r.target} · ${r.runtime} · ${sandbox(r)} · ${r.format}${r.memoryMb ? ` · ${r.memoryMb} MB (${r.vcpu?.toFixed(2)} vCPU, ${r.threads} thread${r.threads === 1 ? '' : 's'})` : ''}`);
  lines.push(`bundle   ${r.outDir}  (entry ${r.entry}, model ${r.model})`);
  if (r.zipPath) lines.push(`zip      ${r.zipPath}  ${formatBytes(r.zipBytes ?? 0)}  sha256 ${r.sha256}`);
  if (r.image) {
    lines.push(`image    ${r.image.dockerfile} (FROM ${r.image.baseImage})`);
    if (r.image.ociLayout) lines.push(`oci      ${r.image.ociLayout}  ${r.image.ociDigest ?? ''}`);
  }
  const limits = r.limits.map((l) => [l.limit, formatBytes(l.actualBytes), formatBytes(l.limitBytes), l.pass ? 'ok' : 'OVER']);
  if (!r.limits.length) limits.push(['(this platform publishes no package limit)', formatBytes(r.unzippedBytes), '', '']);
  fit([{ head: 'limit', wrap: true }, { head: 'actual' }, { head: 'platform limit' }, { head: '' }], limits);
  const sorted = [...r.files].sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path));
  const files = sorted.slice(0, maxFiles).map((f) => [f.path, formatBytes(f.bytes)]);
  if (sorted.length > maxFiles) files.push([`(${sorted.length - maxFiles} more files)`, '']);
  files.push(['total (unzipped)', formatBytes(r.unzippedBytes)]);
  fit([{ head: 'largest files', wrap: true }, { head: 'bytes' }], files);
  const inputs = r.bundleInputs.slice(0, maxFiles).map((i) => [i.path, formatBytes(i.bytes)]);
  if (r.bundleInputs.length > maxFiles) inputs.push([`(${r.bundleInputs.length - maxFiles} more inputs)`, '']);
  fit([{ head: `${r.entry}: largest inputs`, wrap: true }, { head: 'bytes' }], inputs);
  lines.push(...fitNote(hidden, width, o.verboseFlag));
  for (const n of r.notes ?? []) lines.push(`note: ${n}`);
  return lines.join('\n');
}

function bundleMarkdown(r: BundleReport): string {
  const lines = [
    `### ${r.pass ? '✅' : '❌'} dlpack bundle: ${r.target} (${r.runtime}, ${r.arch})`,
    '',
    `Zipped **${r.zipBytes !== undefined ? formatBytes(r.zipBytes) : '—'}**, unzipped **${formatBytes(r.unzippedBytes)}**, ${r.files.length} files.`,
    '',
  ];
  if (r.limits.length) {
    lines.push(table(['Limit', 'Actual', 'Allowed', 'Status'], r.limits.map((l) => [l.limit, formatBytes(l.actualBytes), formatBytes(l.limitBytes), l.pass ? '✅ pass' : '❌ fail'])), '');
  }
  const largest = [...r.files].sort((a, b) => b.bytes - a.bytes).slice(0, 10);
  if (largest.length) lines.push('<details><summary>Largest files</summary>', '', table(['File', 'Size'], largest.map((f) => [f.path, formatBytes(f.bytes)])), '', '</details>', '');
  return lines.join('\n');
}

function bundleJunit(r: BundleReport): JunitSuite {
  return {
    name: `dlpack bundle ${r.target}`,
    cases: r.limits.map((l) => {
      const msg = `${l.limit}: ${formatBytes(l.actualBytes)} of ${formatBytes(l.limitBytes)} allowed (${l.source})`;
      return { classname: `dlpack.bundle.${r.target}`, name: `${l.limit} size`, ...(l.pass ? { out: msg } : { failure: { message: msg, type: 'limit' } }) };
    }),
  };
}

function bundleAnnotations(r: BundleReport): Annotation[] {
  return r.limits.filter((l) => !l.pass).map((l) => ({ level: 'error', title: `dlpack bundle: ${l.limit} over the limit`, message: `${r.target}: ${formatBytes(l.actualBytes)} > ${formatBytes(l.limitBytes)} (${l.source})` }));
}

function topWithOther(items: { label: string; value: number }[], n: number): { label: string; value: number }[] {
  const sorted = [...items].sort((a, b) => b.value - a.value);
  const top = sorted.slice(0, n);
  const rest = sorted.slice(n).reduce((s, x) => s + x.value, 0);
  return rest > 0 ? [...top, { label: `${sorted.length - n} other`, value: rest }] : top;
}

function bundleHtml(r: BundleReport, ctx: HtmlContext): string {
  // the config's size budgets apply to the targets its model names
  const model = ctx.model?.targets.includes(r.target) ? ctx.model : undefined;
  const budgets: Reference[] = (model?.budgets ?? []).filter((b) => b.key === 'zipped' || b.key === 'unzipped').map((b) => ({ label: `budget ${b.spec.label}`, value: b.limit }));
  const totals = [
    ...(r.zipBytes !== undefined ? [{ label: 'zipped', value: r.zipBytes, color: PALETTE[0] }] : []),
    { label: 'unzipped', value: r.unzippedBytes, color: PALETTE[1] },
  ];
  const charts = [
    barChart({
      title: `Artifact size (${r.target}) against budgets`,
      xLabel: 'bytes',
      bars: totals,
      budgets: [...budgets, ...r.limits.filter((l) => l.limit === 'zipped' || l.limit === 'unzipped').map((l) => ({ label: `${r.target} ${l.limit} limit`, value: l.limitBytes }))],
      format: formatBytesCompact,
    }),
    barChart({ title: 'Files in the artifact (unzipped)', xLabel: 'bytes', bars: topWithOther(r.files.map((f) => ({ label: f.path, value: f.bytes })), 12), format: formatBytesCompact, width: 1130 }),
  ];
  if (r.bundleInputs.length) {
    charts.push(barChart({ title: 'JavaScript bundle by input module (esbuild metafile)', xLabel: 'bytes', bars: topWithOther(r.bundleInputs.map((f) => ({ label: f.path, value: f.bytes })), 12).map((x) => ({ ...x, color: PALETTE[2] })), format: formatBytesCompact, width: 1130 }));
  }
  const limits = r.limits.length
    ? htmlTable(['limit', 'actual', 'allowed', 'status', 'source'], r.limits.map((l) => [l.limit, formatBytes(l.actualBytes), formatBytes(l.limitBytes), l.pass ? 'pass' : 'FAIL', l.source]), (i) => (r.limits[i].pass ? 'pass' : 'fail'))
    : '';
  return `<section><h2>Bundle: ${esc(`${r.target} · ${r.runtime} · ${r.arch}`)}</h2><p>${esc(`zipped ${r.zipBytes !== undefined ? formatBytes(r.zipBytes) : '—'}, unzipped ${formatBytes(r.unzippedBytes)}, ${r.files.length} files, model ${r.model}`)}</p><div class="charts">${charts.join('')}</div>${limits}</section>`;
}

export const bundle: KindRenderer<BundleReport> = { human: bundleHuman, markdown: bundleMarkdown, junit: bundleJunit, html: bundleHtml, annotations: bundleAnnotations };
