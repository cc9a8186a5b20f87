/**
 * GitHub Actions workflow commands (`::error` / `::warning`) for what went wrong in a report; they
 * show up on the run and, with a file, in the PR diff. Printed when GITHUB_ACTIONS=true.
 */
import type { LoadedReport } from '../../core/reports/read-report.js';
import { formatBytes } from '../../core/units.js';
import { rowSentence } from './check-rows.js';
import { loadWarnings } from '../../sim/load-warnings.js';

/** Escaping rules of workflow commands: data escapes %, CR, LF; properties also ':' and ','. */
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(level: 'error' | 'warning', title: string, message: string, file?: string): string {
  const props = [file ? `file=${escapeProperty(file)}` : undefined, `title=${escapeProperty(title)}`].filter(Boolean).join(',');
  return `::${level} ${props}::${escapeData(message)}`;
}

export function renderAnnotations(loaded: LoadedReport, options: { file?: string } = {}): string[] {
  const out: string[] = [];
  switch (loaded.kind) {
    case 'check':
      for (const r of loaded.report.results) {
        if (r.status === 'pass') continue;
        const level = r.status === 'warn' ? 'warning' : 'error';
        const title = r.status === 'missing' ? `dlpack: ${r.label} not measured` : `dlpack budget: ${r.label}`;
        out.push(command(level, title, rowSentence(r), options.file));
      }
      for (const w of loaded.report.loadWarnings ?? []) out.push(command('warning', 'dlpack check: machine under load', w, options.file));
      break;
    case 'bundle':
      for (const l of loaded.report.limits) {
        if (!l.pass) out.push(command('error', `dlpack bundle: ${l.limit} over the limit`, `${loaded.report.target}: ${formatBytes(l.actualBytes)} > ${formatBytes(l.limitBytes)} (${l.source})`, options.file));
      }
      break;
    case 'bench':
      for (const c of loaded.report.configurations) {
        const n = c.errors.oom + c.errors.timeout + c.errors.error;
        if (n) out.push(command('error', `dlpack bench: ${c.target} ${c.memoryMb} MB failed`, `${c.errors.oom} out-of-memory, ${c.errors.timeout} timed out, ${c.errors.error} failed`, options.file));
        if (c.leakWarning) out.push(command('warning', `dlpack bench: memory grows`, `${c.target} ${c.memoryMb} MB: +${c.memoryGrowthKbPerInvoke.toFixed(1)} kB per warm invocation`, options.file));
      }
      for (const w of loaded.report.loadWarnings ?? loadWarnings(loaded.report.configurations)) out.push(command('warning', 'dlpack bench: machine under load', w, options.file));
      break;
    case 'transform':
      if (loaded.report.accuracy?.gates && !loaded.report.accuracy.gates.pass) {
        out.push(command('error', `dlpack ${loaded.report.kind}: accuracy gate failed`, `${loaded.report.output} (${loaded.report.mode})`, options.file));
      }
      break;
  }
  return out;
}
