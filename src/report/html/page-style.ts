/** The inline stylesheet of the HTML report (system fonts only: nothing is fetched). */
export const PAGE_CSS = `
:root { color-scheme: light; --fg: #111827; --muted: #6b7280; --line: #e5e7eb; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg); background: #fff; }
header { padding: 20px 28px 8px; border-bottom: 1px solid var(--line); }
h1 { margin: 0 0 4px; font-size: 22px; }
h2 { font-size: 17px; margin: 24px 0 10px; }
h2 small { color: var(--muted); font-weight: normal; }
.meta { color: var(--muted); margin: 0; font-size: 12px; }
main { padding: 0 28px 28px; max-width: 1220px; }
section { border-bottom: 1px solid var(--line); padding-bottom: 16px; }
.charts { display: flex; flex-wrap: wrap; gap: 10px; }
svg.chart { background: #fafafa; border: 1px solid var(--line); border-radius: 6px; max-width: 100%; height: auto; }
.chart-title { font-size: 13px; font-weight: 600; fill: var(--fg); }
.tick, .legend { font-size: 11px; fill: #374151; }
.axis-label { font-size: 11px; fill: var(--muted); }
.grid { stroke: #e5e7eb; stroke-width: 1; }
.axis { stroke: #9ca3af; stroke-width: 1; }
.budget-label { font-size: 11px; fill: #b91c1c; font-weight: 600; }
table { border-collapse: collapse; margin: 12px 0; font-size: 12.5px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f3f4f6; }
tr.fail td, tr.missing td { background: #fef2f2; }
tr.warn td { background: #fffbeb; }
tr.pass td:first-child { color: #047857; font-weight: 600; }
tr.fail td:first-child, tr.missing td:first-child { color: #b91c1c; font-weight: 600; }
tr.warn td:first-child { color: #b45309; font-weight: 600; }
.recs { margin: 6px 0 10px; padding-left: 20px; }
.note { color: var(--muted); margin: 4px 0; font-size: 12.5px; }
.warn-note { margin: 6px 0; padding: 6px 10px; background: #fffbeb; border-left: 4px solid #d97706; font-size: 12.5px; }
`;
