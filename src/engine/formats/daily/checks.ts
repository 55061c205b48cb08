// The daily family's cross-chunk checks, over the chunks in continuity order: a table absent
// from one day (missing-table), a row count far below the table's usual level (volume-drop),
// and the retention window (info). Missing days, lateness and schema changes are the
// generic checks' (run-date axis).
import { SEVERITY_OF, type Problem } from '../../../shared/report';
import type { ChunkSummary } from '../../model';
import type { CheckContext, CrossChunkCheck, TimedCheck } from '../types';
import { groupDigits } from '../../../shared/numbers';

const DAY = 86_400;
export const DEFAULT_RETENTION_SECONDS = 30 * DAY;

/**
 * Days of history before volume is judged, and the trailing window it is judged against.
 * Three: a table's fourth day that collapses to a few percent of its first three is flagged
 * (a new customer's first week is when a broken export most needs catching); with fewer,
 * one odd day would make the median.
 */
export const MIN_HISTORY = 3;
const WINDOW = 14;

const seriesOf = (c: ChunkSummary): string => (c as { series?: string }).series ?? c.name.split('/').slice(0, -1).join('/');
const dayOf = (c: ChunkSummary): number | null => c.coverage?.from ?? c.nameTs ?? null;
const iso = (ts: number | null): string => (ts === null ? '?' : new Date(ts * 1000).toISOString().slice(0, 10));
const location = (c: ChunkSummary): string => String(c.attributes?.location ?? '');
/** An object as the report names it: its s3:// URL, or its path in a local drop. */
const objectRef = (c: ChunkSummary, rel: string): string => (location(c).startsWith('s3://') ? `${location(c)}${rel}` : rel);

function bySeries(chunks: ChunkSummary[]): ChunkSummary[][] {
  const m = new Map<string, ChunkSummary[]>();
  for (const c of chunks) (m.get(seriesOf(c)) ?? m.set(seriesOf(c), []).get(seriesOf(c))!).push(c);
  return [...m.values()];
}

/** A table present on most days of its series (from its first day on) but absent from this one. */
export const missingTables: CrossChunkCheck = (chunks) => {
  const out: Problem[] = [];
  for (const list of bySeries(chunks)) {
    const firstSeen = new Map<string, number>();
    const count = new Map<string, number>();
    list.forEach((c, i) => {
      for (const t of c.tables) {
        if (!firstSeen.has(t.name)) firstSeen.set(t.name, i);
        count.set(t.name, (count.get(t.name) ?? 0) + 1);
      }
    });
    for (const [table, first] of firstSeen) {
      const span = list.length - first;
      if (span < 3 || count.get(table)! * 2 <= span) continue; // not "most days"
      for (let i = first + 1; i < list.length; i++) {
        const c = list[i];
        if (c.tables.some((t) => t.name === table)) continue;
        out.push({
          kind: 'missing-table',
          severity: SEVERITY_OF['missing-table'],
          chunk: c.name,
          table,
          message: `${table} is missing from the ${iso(dayOf(c))} dump (${objectRef(c, `${c.dir}/`)}): present on ${count.get(table)} of ${span} days`,
          detail: { day: iso(dayOf(c)), location: location(c), key: `${c.dir}/${table}.*`, presentDays: count.get(table), days: span },
        });
      }
    }
  }
  return out;
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * A row count far below the trailing days': below half their median and more than five
 * robust deviations (1.4826 × MAD, at least 5% of the median) under it. Judged only after
 * MIN_HISTORY readable days, so a young drop's first days never alarm.
 */
export const volumeDrops: CrossChunkCheck = (chunks) => {
  const out: Problem[] = [];
  for (const list of bySeries(chunks)) {
    const history = new Map<string, number[]>();
    for (const c of list) {
      for (const t of c.tables) {
        if (t.rows === null) continue;
        const h = history.get(t.name) ?? history.set(t.name, []).get(t.name)!;
        if (h.length >= MIN_HISTORY) {
          const w = h.slice(-WINDOW);
          const med = median(w);
          const mad = median(w.map((x) => Math.abs(x - med)));
          const spread = Math.max(1.4826 * mad, 0.05 * med);
          if (med >= 10 && t.rows < med / 2 && med - t.rows > 5 * spread) {
            const pct = Math.round((100 * t.rows) / med);
            const key = t.parts?.[0]?.source.kind === 'file' ? t.parts[0].source.path : t.member;
            out.push({
              kind: 'volume-drop',
              severity: SEVERITY_OF['volume-drop'],
              chunk: c.name,
              table: t.name,
              message: `${objectRef(c, key)}: ${t.name} has ${groupDigits(t.rows)} rows on ${iso(dayOf(c))}, ${pct}% of its usual ${groupDigits(Math.round(med))} (median of the ${w.length} days before)`,
              detail: { day: iso(dayOf(c)), location: location(c), key, rows: t.rows, median: med, mad, window: w.length },
            });
          }
        }
        // A collapsed day does not become the new normal: it stays out of the history.
        if (!out.some((p) => p.chunk === c.name && p.table === t.name && p.kind === 'volume-drop')) h.push(t.rows);
      }
    }
  }
  return out;
};

/** A series' dated dumps, oldest first, as the retention check judges them. */
interface RetentionSeries {
  series: string;
  dumps: Array<{ name: string; day: number }>;
}

/**
 * Dumps older than the retention window still present; fewer days kept than it promises.
 * Judged by the as-of time: its facts are each series' dated dumps (names and days).
 */
export const retention: TimedCheck<RetentionSeries[]> = {
  id: 'retention',
  facts: (chunks) =>
    bySeries(chunks).flatMap((list) => {
      const dumps = list.filter((c) => dayOf(c) !== null).map((c) => ({ name: c.name, day: dayOf(c)! }));
      return dumps.length ? [{ series: seriesOf(list[0]), dumps }] : [];
    }),
  judge: (facts, ctx: CheckContext) => {
    const keep = ctx.retentionSeconds ?? DEFAULT_RETENTION_SECONDS;
    const days = Math.round(keep / DAY);
    const out: Problem[] = [];
    for (const { series, dumps } of facts) {
      const newest = dumps[dumps.length - 1].day;
      const oldest = dumps[0].day;
      const cutoff = Math.floor(ctx.asOf / DAY) * DAY - keep;
      const expired = dumps.filter((c) => c.day < cutoff);
      if (expired.length) {
        out.push({
          kind: 'retention',
          severity: SEVERITY_OF.retention,
          chunk: expired[expired.length - 1].name,
          table: null,
          message: `${expired.length} dump${expired.length === 1 ? ' is' : 's are'} older than the ${days}-day retention window and still present (${iso(expired[0].day)} … ${iso(expired[expired.length - 1].day)})`,
          detail: { series, retentionDays: days, expired: expired.length, oldest: iso(oldest) },
        });
      }
      const span = Math.round((newest - oldest) / DAY) + 1;
      if (span < days && oldest > cutoff + DAY) {
        out.push({
          kind: 'retention',
          severity: SEVERITY_OF.retention,
          chunk: dumps[0].name,
          table: null,
          message: `only ${span} day${span === 1 ? '' : 's'} kept (${iso(oldest)} … ${iso(newest)}); the retention window promises ${days}`,
          detail: { series, retentionDays: days, keptDays: span, oldest: iso(oldest), newest: iso(newest) },
        });
      }
    }
    return out;
  },
};

export const dailyChecks: CrossChunkCheck[] = [missingTables, volumeDrops];
export const dailyTimedChecks: TimedCheck[] = [retention as TimedCheck];
