// Gap reports: one ScanReport rendered as JSON (the public contract), Markdown, CSV or
// a self-contained HTML page, each useful on its own when attached to a ticket.
import type { ReportFormat } from '../../shared/api';
import type { ScanReport } from '../../shared/report';
import { compactStamp } from './format-time';
import { dropBaseName } from './model';
import { renderCsv } from './render-csv';
import { renderHtml } from './render-html';
import { renderJson } from './render-json';
import { renderMarkdown } from './render-markdown';

export { actionFor, actionOf } from './actions';
export { formatDuration, formatTs } from './format-time';
export { verdictOf, type Verdict } from './model';
export { renderCsv, renderHtml, renderJson, renderMarkdown };

export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'md', 'csv', 'html'];

const FORMATS: Record<ReportFormat, { render: (r: ScanReport) => string; mime: string; extension: string }> = {
  json: { render: renderJson, mime: 'application/json', extension: 'json' },
  md: { render: renderMarkdown, mime: 'text/markdown; charset=utf-8', extension: 'md' },
  csv: { render: renderCsv, mime: 'text/csv; charset=utf-8', extension: 'csv' },
  html: { render: renderHtml, mime: 'text/html; charset=utf-8', extension: 'html' },
};

export function isReportFormat(v: unknown): v is ReportFormat {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(FORMATS, v);
}

function formatOf(format: string): (typeof FORMATS)[ReportFormat] {
  if (!isReportFormat(format)) throw new Error(`unknown report format: ${format} (expected json, md, csv or html)`);
  return FORMATS[format];
}

/** The report in one format, with the MIME type and file extension (without dot) to save it under. */
export function renderReport(
  r: ScanReport,
  format: ReportFormat,
): { content: string; mime: string; extension: string } {
  const f = formatOf(format);
  return { content: f.render(r), mime: f.mime, extension: f.extension };
}

/**
 * "gap-report-<drop base name>-<YYYYMMDDTHHMMSSZ of scannedAt>.<ext>". The base name is
 * reduced to characters safe in file names on every OS; the stamp is left out if
 * scannedAt does not parse.
 */
export function reportFileName(r: ScanReport, format: ReportFormat): string {
  const f = formatOf(format);
  const base =
    dropBaseName(r.drop)
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .replace(/_+/g, '_')
      .replace(/^[._-]+|[._-]+$/g, '')
      .slice(0, 80) || 'drop';
  const stamp = compactStamp(r.scannedAt);
  return `gap-report-${base}${stamp ? `-${stamp}` : ''}.${f.extension}`;
}
