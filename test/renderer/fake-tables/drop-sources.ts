// A drop's members, built once per drop: the report's tables in every chunk and, unless
// turned off, the nasty table (chunks 0 and 1), the UTF-16 one (chunk 2), the huge one (last).
import type { ScanReport } from '../../../src/shared/report';
import { ApiError } from '../../../src/renderer/api/errors';
import { bytesSource } from './csv-decode';
import { hugeSource } from './huge-table';
import { NASTY_TABLE, UTF16_TABLE, nastyBytes, utf16Bytes } from './nasty-tables';
import { generatedSource } from './report-tables';
import type { Source } from './source';

export function createDropSources(
  reports: Record<string, ScanReport>,
  extras: boolean,
): (drop: string) => Source[] {
  const sourcesByDrop = new Map<string, Source[]>();

  function sources(drop: string): Source[] {
    let list = sourcesByDrop.get(drop);
    if (list) return list;
    const report = reports[drop];
    if (!report) throw new ApiError({ code: 'not-found', message: `${drop} has not been scanned` });
    list = [];
    report.chunks.forEach((c, ci) => {
      for (const t of c.tables)
        list!.push(generatedSource(t.name, t.columns, t.rows, c.name, ci, t.bytes ?? null));
      if (!extras) return;
      if (ci === 0 || ci === 1) list!.push(bytesSource(NASTY_TABLE, c.name, ci, nastyBytes(ci as 0 | 1)));
      if (ci === 2) list!.push(bytesSource(UTF16_TABLE, c.name, ci, utf16Bytes()));
      if (ci === report.chunks.length - 1) list!.push(hugeSource(c.name, ci));
    });
    sourcesByDrop.set(drop, list);
    return list;
  }

  return sources;
}
