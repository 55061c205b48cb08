// The HTML report's style sheet, inlined in its <style>: light and dark colours, print
// (A4 landscape, one page per section), the tables and the timeline drawing. Apart from the
// markup because it is long, static text that changes for other reasons than the layout.
export const REPORT_CSS = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --border: #d1d9e0; --head: #f6f8fa;
  --err: #b42318; --err-bg: #fdecea; --warn: #8a5300; --warn-bg: #fff4d6;
  --info: #1f5fa8; --info-bg: #e8f1fb; --ok: #1a7f37; --ok-bg: #e6f4ea;
  --bar: #4a78b5; --bar-fg: #ffffff; --gap-bg: #fdecea;
  --bar-ok: #4f8f6a; --bar-info: #2f6fb3; --bar-warn: #e0a030; --bar-err: #c62828;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --border: #3d444d; --head: #151b23;
    --err: #ff7b72; --err-bg: #3b1219; --warn: #e3b341; --warn-bg: #332701;
    --info: #79c0ff; --info-bg: #0c2d4a; --ok: #56d364; --ok-bg: #0f2e1a;
    --bar: #3b6aa8; --bar-fg: #ffffff; --gap-bg: #3b1219;
    --bar-ok: #3f7d59; --bar-info: #2f6fb3; --bar-warn: #d89a26; --bar-err: #d13b3b;
  }
}
@media print {
  :root {
    color-scheme: light;
    --bg: #ffffff; --fg: #000000; --muted: #444444; --border: #999999; --head: #eeeeee;
    --err: #a00000; --err-bg: #fde8e8; --warn: #7a4a00; --warn-bg: #fff2cc;
    --info: #1f4f8a; --info-bg: #e8f1fb; --ok: #176b2e; --ok-bg: #e6f4ea;
    --bar: #5b7fb0; --bar-fg: #ffffff; --gap-bg: #fde8e8;
    --bar-ok: #4f8f6a; --bar-info: #2f6fb3; --bar-warn: #e0a030; --bar-err: #c62828;
  }
  @page { size: A4 landscape; margin: 12mm; }
  body { font-size: 9pt; margin: 0; max-width: none; padding: 0; }
  /* One page per section: the summary with the header, then timeline, problems, tables. */
  main > section + section { break-before: page; }
  svg.timeline { break-inside: avoid; }
  footer { margin-top: 1rem; }
  th, td { padding: .2rem .3rem; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section { break-inside: auto; }
  h2, h3 { break-after: avoid; }
  tr, figure { break-inside: avoid; }
  thead { display: table-header-group; }
}
* { box-sizing: border-box; }
body {
  background: var(--bg); color: var(--fg); margin: 1.5rem auto; padding: 0 1rem; max-width: 90rem;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
h1 { font-size: 1.6rem; margin: 0 0 .5rem; overflow-wrap: anywhere; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--border); padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
.verdict { font-size: 1.15rem; font-weight: 700; padding: .6rem .8rem; border: 2px solid; border-radius: 6px; margin: .6rem 0 1rem; }
.verdict.sev-error { color: var(--err); background: var(--err-bg); }
.verdict.sev-warning { color: var(--warn); background: var(--warn-bg); }
.verdict.sev-info, .verdict.sev-none { color: var(--ok); background: var(--ok-bg); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
dl.facts dt { font-weight: 600; color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; white-space: pre-wrap; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; color: var(--muted); }
th, td { border: 1px solid var(--border); padding: .3rem .45rem; text-align: left; vertical-align: top; white-space: pre-wrap; overflow-wrap: anywhere; }
thead th { background: var(--head); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; overflow-wrap: normal; }
table.fixed { table-layout: fixed; }
td.nowrap, th.nowrap { white-space: nowrap; overflow-wrap: normal; }
td.time { overflow-wrap: normal; }
.sev-error .sev, td.sev-error, span.sev-error { color: var(--err); font-weight: 600; }
.sev-warning .sev, td.sev-warning, span.sev-warning { color: var(--warn); font-weight: 600; }
.sev-info .sev, td.sev-info, span.sev-info { color: var(--info); font-weight: 600; }
tr.gap-row > * {
  background: repeating-linear-gradient(135deg, var(--err-bg) 0 8px, transparent 8px 14px);
  color: var(--err); font-weight: 700; border-top: 2px dashed var(--err); border-bottom: 2px dashed var(--err);
}
tr.row-error > th { border-left: 4px solid var(--err); }
tr.row-warning > th { border-left: 4px solid var(--warn); }
.muted { color: var(--muted); }
ul.notes { margin: 0; padding-left: 1rem; }
figure { margin: .5rem 0 1rem; }
figcaption { color: var(--muted); margin-top: .3rem; white-space: pre-wrap; overflow-wrap: anywhere; }
svg.timeline { width: 100%; height: auto; display: block; background: var(--bg); border: 1px solid var(--border); border-radius: 4px; }
svg.timeline text { font: 11px system-ui, -apple-system, "Segoe UI", Arial, sans-serif; fill: var(--fg); }
svg.timeline text.on-bar { fill: var(--bar-fg); font-weight: 600; }
svg.timeline text.gap-label { fill: var(--err); font-weight: 700; }
svg.timeline text.tick { fill: var(--muted); font-size: 10px; }
svg.timeline .axis { stroke: var(--muted); stroke-width: 1; }
svg.timeline rect.bar { fill: var(--bar); stroke: var(--bg); stroke-width: 1; }
svg.timeline rect.bar.sev-none { fill: var(--bar-ok); }
svg.timeline rect.bar.sev-info { fill: var(--bar-info); }
svg.timeline rect.bar.sev-error { fill: var(--bar-err); stroke: var(--fg); stroke-width: 2; }
svg.timeline rect.bar.sev-warning { fill: var(--bar-warn); stroke: var(--fg); stroke-width: 1.5; stroke-dasharray: 5 3; }
svg.timeline text.on-amber { fill: #1b1f24; }
svg.timeline text.callout { font-weight: 700; }
svg.timeline text.callout.sev-error { fill: var(--err); }
svg.timeline text.callout.sev-warning { fill: var(--warn); }
svg.timeline .leader { stroke: var(--muted); stroke-width: 1; }
svg.timeline rect.bar.inferred { fill-opacity: .7; stroke-dasharray: 2 2; }
svg.timeline rect.bar.inferred:not(.sev-error):not(.sev-warning) { stroke: var(--fg); stroke-width: 1.5; }
svg.timeline rect.gap { fill: url(#di-hatch); stroke: var(--err); stroke-width: 2; stroke-dasharray: 4 2; }
svg.timeline rect.shortfall { fill: url(#di-hatch); stroke: var(--err); stroke-width: 1.5; stroke-dasharray: 3 2; }
svg.timeline .hatch-bg { fill: var(--gap-bg); }
svg.timeline .hatch-line { stroke: var(--err); stroke-width: 3; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; margin: .3rem 0; color: var(--muted); }
.swatch { display: inline-block; width: 1.6em; height: .9em; vertical-align: middle; margin-right: .3em; border: 1px solid var(--border); }
.swatch.bar { background: var(--bar-ok); }
.swatch.sev-warning { background: var(--bar-warn); }
.swatch.sev-error { background: var(--bar-err); }
.swatch.sev-info { background: var(--bar-info); }
.swatch.gap { background: repeating-linear-gradient(135deg, var(--err) 0 3px, var(--gap-bg) 3px 6px); border: 2px dashed var(--err); }
.swatch.shortfall { background: repeating-linear-gradient(45deg, var(--err) 0 2px, var(--gap-bg) 2px 6px); border: 1px dashed var(--err); }
footer { margin-top: 2rem; color: var(--muted); font-size: .9em; }
`;
