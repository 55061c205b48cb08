// exportReport's files, named after the drop: the report as JSON, its problems as CSV or
// Markdown, a stub HTML page.
import type { ExportedReport, ReportFormat } from '../../../src/shared/api';
import type { ScanReport } from '../../../src/shared/report';

export function exportContent(report: ScanReport, format: ReportFormat): ExportedReport {
  const base = `drop-report-${report.drop.split('/').filter(Boolean).pop() ?? 'drop'}`;
  switch (format) {
    case 'json':
      return { fileName: `${base}.json`, mime: 'application/json', content: JSON.stringify(report, null, 2) };
    case 'csv':
      return {
        fileName: `${base}.csv`,
        mime: 'text/csv',
        content: [
          'kind,severity,chunk,table,message',
          ...report.problems.map((p) =>
            [p.kind, p.severity, p.chunk ?? '', p.table ?? '', JSON.stringify(p.message)].join(','),
          ),
        ].join('\n'),
      };
    case 'md':
      return {
        fileName: `${base}.md`,
        mime: 'text/markdown',
        content: `# Drop report\n\n${report.problems.map((p) => `- **${p.severity}** ${p.kind}: ${p.message}`).join('\n')}\n`,
      };
    case 'html':
      return {
        fileName: `${base}.html`,
        mime: 'text/html',
        content: `<!doctype html><title>Drop report</title><h1>${report.problems.length} problems</h1>`,
      };
  }
}
