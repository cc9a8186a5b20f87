/**
 * `dlpack report --format html`: one self-contained page (inline CSS and SVG, no script, no
 * network) for any mix of reports: each kind's section comes from its renderer
 * (src/report/kinds), with the config's budgets for the report's model drawn on the charts.
 */
import type { ResolvedConfig } from '../../config/resolve-budgets.js';
import { belongsTo } from '../../budgets/collect-actuals.js';
import type { LoadedReport } from '../../core/reports/read-report.js';
import { escapeXml as esc } from '../../core/text.js';
import { assertFormat, renderHtmlSection } from '../kinds/index.js';
import { PAGE_CSS } from './page-style.js';

export interface HtmlOptions {
  config?: ResolvedConfig;
  title?: string;
  generatedAt?: string;
}

export function renderHtml(reports: LoadedReport[], options: HtmlOptions = {}): string {
  assertFormat(reports, 'html');
  const config = options.config;
  const sections = reports.map((l) => renderHtmlSection(l, { model: config?.models.find((m) => belongsTo(m, l, config.models.length === 1)) }));
  const title = options.title ?? 'dlpack report';
  const when = options.generatedAt ?? new Date().toISOString();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<header><h1>${esc(title)}</h1><p class="meta">${esc(`generated ${when} from ${reports.map((r) => r.file).join(', ')}`)}${config?.file ? esc(` · budgets from ${config.file}`) : ''}</p></header>
<main>${sections.join('\n')}</main>
</body>
</html>
`;
}
