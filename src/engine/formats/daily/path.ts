// Where a daily dump's file sits: the run date in its path (YYYY-MM-DD, YYYYMMDD,
// dt=YYYY-MM-DD), the series above it (a customer or brand level), and the table it belongs
// to: <TABLE>.parquet, <TABLE>.csv(.gz), or a folder <TABLE>/ of part files.
import type { Codec, Layout } from '../../../shared/family';
import { RFC4180 } from '../../../shared/family';

export interface DailyFile {
  /** The date segment as written ('2026-11-23', '20261123', 'dt=2026-11-23'). */
  dateSegment: string;
  /** The run date, UTC seconds at 00:00. */
  day: number;
  /** The path above the date segment (without a table level above it): the series. */
  series: string;
  /** The chunk's name: series/dateSegment. */
  chunk: string;
  table: string;
  layout: Layout;
  codecs: Codec[];
}

const DATE_FORMS: RegExp[] = [/^(\d{4})-(\d{2})-(\d{2})$/, /^(\d{4})(\d{2})(\d{2})$/, /^(?:dt|date|run_date|ds)=(\d{4})-?(\d{2})-?(\d{2})$/i];

/** UTC seconds of a date segment, or null when it is not a real date. */
export function dateOfSegment(seg: string): number | null {
  for (const re of DATE_FORMS) {
    const m = re.exec(seg);
    if (!m) continue;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (y < 1990 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31) return null;
    const ms = Date.UTC(y, mo - 1, d);
    if (new Date(ms).getUTCDate() !== d) return null; // 2026-02-30
    return ms / 1000;
  }
  return null;
}

/** A table file's layout and codecs from its name, or null for other files. */
export function tableFileKind(name: string): { stem: string; layout: Layout; codecs: Codec[] } | null {
  let m = /^(.+)\.parquet$/i.exec(name) ?? /^(.+)\.pq$/i.exec(name);
  if (m) return { stem: m[1], layout: { kind: 'parquet' }, codecs: [] };
  m = /^(.+)\.(csv|tsv)(\.gz)?$/i.exec(name);
  if (m) {
    const layout: Layout = { kind: 'dsv', dialect: m[2].toLowerCase() === 'tsv' ? { ...RFC4180, delimiter: '\t' } : RFC4180 };
    return { stem: m[1], layout, codecs: m[3] ? ['gzip'] : [] };
  }
  return null;
}

/** Part files name a part, not a table: part-00000, data_0, 0000_part_00, a UUID… */
const PART_NAME = /^(part|data|chunk|file|run)[-_.]?\d*|^\d+(_part_\d+)?$|^[0-9a-f]{8}-[0-9a-f]{4}-/i;

/** Reads one file's place in a daily drop, or null when its path holds no run date or no table. */
export function classifyDailyFile(rel: string): DailyFile | null {
  // The name's kind first: most files of a drop of another family are no table file, and
  // are turned down without splitting their paths.
  const kind = tableFileKind(rel.slice(rel.lastIndexOf('/') + 1));
  if (!kind) return null;
  const segs = rel.split('/');
  // The last date segment among the folders is the run date.
  let di = -1;
  let day: number | null = null;
  for (let i = segs.length - 2; i >= 0; i--) {
    day = dateOfSegment(segs[i]);
    if (day !== null) {
      di = i;
      break;
    }
  }
  if (di < 0 || day === null) return null;
  const below = segs.slice(di + 1);
  let above = segs.slice(0, di);
  let table: string;
  if (below.length === 1 && !PART_NAME.test(kind.stem)) table = kind.stem; // <date>/<TABLE>.parquet
  else if (below.length >= 2) table = below[0]; // <date>/<TABLE>/part-….parquet
  else if (above.length > 0) {
    // <TABLE>/<date>/part-….parquet: the table is the level above the date.
    table = above[above.length - 1];
    above = above.slice(0, -1);
  } else return null;
  const series = above.join('/');
  return { dateSegment: segs[di], day, series, chunk: series ? `${series}/${segs[di]}` : segs[di], table, layout: kind.layout, codecs: kind.codecs };
}
