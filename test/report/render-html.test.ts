// The HTML report, parsed as a browser would (parse5): structure, escaping, the timeline.
import { describe, expect, it } from 'vitest';
import { parse } from 'parse5';
import { type ScanReport } from '../../src/shared/report';
import { renderHtml } from '../../src/engine/report/render-html';
import { NASTY_CHUNK, SCRIPT_TABLE } from './sample-report';
import { r, actionOf, GAP_LABEL, VERDICT, normalizeNewlines, HtmlElement, elements, textOf, attrOf, hasClass, tagged } from './render-helpers';

describe('HTML', () => {
  const html = renderHtml(r);
  const doc = parse(html);
  const all = elements(doc);
  const body = tagged(all, 'body')[0];
  const text = textOf(body);
  const svg = tagged(all, 'svg')[0];

  it('holds the verdict', () => {
    const verdict = all.find((e) => hasClass(e, 'verdict'));
    expect(verdict && textOf(verdict)).toContain(VERDICT);
  });

  it('holds every problem message and action, exactly, in a cell', () => {
    const cells = tagged(all, 'td', 'th').map(textOf);
    for (const p of r.problems) {
      // (An HTML parser reads CRLF as LF, as a browser shows it.)
      expect(cells, p.message).toContain(normalizeNewlines(p.message));
      expect(cells, actionOf(p)).toContain(normalizeNewlines(actionOf(p)));
    }
  });

  it('has the gap row with its key range in the table and in the drawing', () => {
    const row = tagged(all, 'tr').find((e) => hasClass(e, 'gap-row'));
    expect(row).toBeDefined();
    expect(textOf(row as HtmlElement)).toContain(GAP_LABEL);
    expect(textOf(row as HtmlElement)).toContain('200074 → 200911');
    expect(elements(svg).some((e) => e.tagName === 'rect' && hasClass(e, 'gap'))).toBe(true);
    expect(textOf(svg)).toContain(GAP_LABEL);
  });

  it('contains no script, no unescaped <script> from the data, and shows it as text', () => {
    expect(html).not.toMatch(/<script/i);
    expect(tagged(all, 'script')).toHaveLength(0);
    expect(tagged(all, 'b')).toHaveLength(0); // the <b> in an action stays text
    expect(text).toContain(NASTY_CHUNK);
    expect(text).toContain(SCRIPT_TABLE);
    expect(text).toContain('<b>really</b>');
  });

  it('references no external resource', () => {
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/@import/i);
    expect(all.filter((e) => attrOf(e, 'src') !== null)).toHaveLength(0);
    expect(tagged(all, 'link', 'iframe', 'object', 'embed', 'img', 'image', 'use')).toHaveLength(0);
    for (const e of all) {
      const href = attrOf(e, 'href') ?? attrOf(e, 'xlink:href');
      if (href !== null) expect(href).toMatch(/^#/);
    }
    const urls = html.match(/url\([^)]*\)/g) ?? [];
    for (const u of urls) expect(u).toMatch(/^url\(#/);
  });

  it('has header cells with scope, and severity in words', () => {
    const ths = tagged(all, 'th');
    expect(ths.length).toBeGreaterThan(10);
    for (const th of ths) expect(['col', 'row']).toContain(attrOf(th, 'scope'));
    expect(text).toContain('✖ ERROR');
    expect(text).toContain('⚠ WARNING');
    expect(text).toContain('ℹ INFO');
  });

  it('supports dark mode and print, one page per section when printed', () => {
    expect(html).toContain('prefers-color-scheme: dark');
    expect(html).toContain('@media print');
    const print = html.slice(html.indexOf('@media print'));
    expect(print).toMatch(/main > section \+ section \{ break-before: page; \}/);
    expect(print).toMatch(/@page \{/);
  });

  it('labels every drawn bar with its # and colours it by its worst severity, as the app does', () => {
    const bars = elements(svg).filter((e) => e.tagName === 'rect' && hasClass(e, 'bar'));
    const labels = elements(svg)
      .filter((e) => e.tagName === 'text')
      .map(textOf);
    expect(bars.length).toBeGreaterThan(3);
    for (const bar of bars) {
      const index = /^#(\d+)/.exec(textOf(bar))![1];
      expect(labels.some((l) => new RegExp(`^#${index}\\??( |$)`).test(l)), `#${index} has a label`).toBe(true);
      const sev = ['sev-error', 'sev-warning', 'sev-info', 'sev-none'].filter((c) => hasClass(bar, c));
      expect(sev, `#${index}`).toHaveLength(1);
    }
    // Each severity has its own fill (not one colour for all bars).
    const fill = (cls: string): string => new RegExp(`rect\\.bar\\.${cls} \\{ fill: (var\\(--[a-z-]+\\))`).exec(html)![1];
    expect(new Set([fill('sev-error'), fill('sev-warning'), fill('sev-none'), fill('sev-info')]).size).toBe(4);
  });

  it('labels narrow bars too: 40 short chunks beside one huge one each get a call-out', () => {
    const many: ScanReport = {
      ...r,
      chunks: Array.from({ length: 41 }, (_, i) => ({
        ...r.chunks[0],
        name: `export_${i}`,
        hwmFrom: i === 40 ? 1000 : i * 10,
        hwmTo: i === 40 ? 10_000_000 : i * 10 + 10,
      })),
      problems: [],
    };
    const svgText = elements(tagged(elements(parse(renderHtml(many))), 'svg')[0])
      .filter((e) => e.tagName === 'text')
      .map(textOf);
    for (let i = 1; i <= 41; i++) expect(svgText, `#${i}`).toContain(`#${i}`);
  });

  it('says which chunks could not be drawn', () => {
    const caption = tagged(all, 'figcaption')[0];
    expect(textOf(caption)).toMatch(/Start unknown \(no hwm-from\).*: #6\./);
    expect(textOf(caption)).toMatch(/Not on the axis \(audit keys unknown\): #7 export_unknown\./);
  });
});
