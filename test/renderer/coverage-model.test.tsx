// @vitest-environment jsdom
// Coverage that adds up: an archive that cannot be read shows ✕ (unreadable) for its tables,
// not · (absent); a table's "present in" count is the report's; duplicates get distinct
// column headers.
import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { coverageModel } from '../../src/renderer/views/coverage-model';
import type { ReportChunk, ScanReport } from '../../src/shared/report';
import { App } from '../../src/renderer/App';
import { createFakeApi, FAKE_DROP } from './fake-api';
import { stubCanvas } from './setup-dom';

function chunk(name: string, to: number, tables: ReportChunk['tables'], archive: ReportChunk['archive'] = 'ok'): ReportChunk {
  return {
    name, hwmFrom: to - 10, hwmTo: to, createdTs: to, maxDataTs: to, checksum: 'ok', tables, path: name, hwmFromTs: null, hwmToTs: null,
    metadata: 'ok', archive, bytes: 100, gimVersion: null, gimSchemaVersion: null, keySource: 'metadata', files: [],
    coverage: { axis: 'audit-key', from: to - 10, to, requestedFrom: null, requestedTo: null },
  };
}
const t = (name: string, rows: number | null) => ({ name, rows, columns: ['A'] });

const report = {
  format: 'gim', drop: '/d', scannedAt: '2026-01-01T00:00:00Z',
  summary: { chunks: 4, tables: 2, rows: 0, problems: 0, errors: 0, warnings: 0, infos: 0, bytes: 0, hwmFrom: null, hwmTo: null, firstCreatedTs: null, lastCreatedTs: null },
  chunks: [
    chunk('export_10', 10, [t('fact', 5), t('dim', 1)]),
    chunk('export_20', 20, [], 'corrupt'),
    chunk('export_30', 30, [t('fact', null)]),
    chunk('export_30_again', 30, [t('fact', 7)]),
  ],
  problems: [],
  tool: { name: 'drop-inspector', version: 'x' },
  options: { cadenceSeconds: 28800, graceSeconds: 14400, asOf: '2026-01-01T00:00:00Z' },
} as ScanReport;

describe('coverage model', () => {
  it('an unreadable archive is ✕ for every table, a present count matches the report', () => {
    const m = coverageModel(report);
    const fact = m.tables.findIndex((x) => x.name === 'fact');
    const dim = m.tables.findIndex((x) => x.name === 'dim');
    expect(m.cell(fact, 1).state).toBe('unreadable');
    expect(m.cell(dim, 1).state).toBe('unreadable');
    expect(m.cell(dim, 2).state).toBe('absent');
    expect(m.cell(fact, 2).state).toBe('unreadable');
    // As the report's table totals count it (src/engine/report/table-totals.ts tableTotals): chunks listing the table.
    const listing = (name: string) => report.chunks.filter((c) => c.tables.some((x) => x.name === name)).length;
    for (const tt of m.tables) expect(tt.present, tt.name).toBe(listing(tt.name));
  });

  it('the matrix heads duplicate chunks apart (by position)', async () => {
    stubCanvas();
    const api = createFakeApi({ initialDrop: FAKE_DROP });
    render(<App api={api} />);
    const { fireEvent } = await import('@testing-library/react');
    fireEvent.click(await screen.findByTestId('tab-coverage'));
    const heads = (await screen.findAllByRole('columnheader')).map((h) => h.textContent).filter((x) => x && x.startsWith('#'));
    expect(heads.length).toBeGreaterThan(3);
    expect(new Set(heads).size).toBe(heads.length);
  });
  it('a request the vendor says holds no data is not marked as collapsed; an unexplained zero is', () => {
    const many = [100, 110, 120, 0, 130, 0].map((rows, i) => chunk(`export_${(i + 1) * 10}`, (i + 1) * 10, [t('fact', rows)]));
    const r = {
      ...report,
      chunks: many,
      problems: [{ kind: 'no-data', severity: 'info', chunk: 'export_40', table: null, message: 'no data' }],
    } as unknown as ScanReport;
    const m = coverageModel(r);
    expect(m.cell(0, 3)).toMatchObject({ rows: 0, small: false });
    expect(m.cell(0, 5)).toMatchObject({ rows: 0, small: true });
  });
});
