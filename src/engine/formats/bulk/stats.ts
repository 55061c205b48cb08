// Parses a bulk export's statistics file (exportstats-….csv per section, globalexportstats-….csv
// for the request). Documented lines (seed 004, ../shared/formats/bulk-export.md):
//   requested_time_range, <start>, <end>
//   no data available for the requested time range
//   exported_time_range, <start>, <end>
//   <header line of column names>
//   <data lines: counts per record type (and bucket)>
//   #export terminated: <reason>
// Times are yyyy.mm.dd.HH.MM with an optional ±hhmm offset. Column names are not documented:
// counts are matched by name. Never throws: what cannot be read becomes an issue, so a
// malformed file is a clear problem in the report and never a crash.

/** The counts a stats line can carry, summed over buckets. Null where the file has no such column. */
export interface StatsCounts {
  available: number | null;
  exported: number | null;
  filtered: number | null;
  dropped: number | null;
  discarded: number | null;
  notStored: number | null;
}

export const COUNT_FIELDS: readonly (keyof StatsCounts)[] = [
  'available',
  'exported',
  'filtered',
  'dropped',
  'discarded',
  'notStored',
];

export interface StatsRange {
  /** UTC seconds. */
  from: number;
  to: number;
  /** The ±hhmm offset written, in minutes east of UTC; null when the times carry none (read as UTC). */
  offsetMinutes: number | null;
  /** As written, for people. */
  text: string;
}

export interface BulkStats {
  requested: StatsRange | null;
  exported: StatsRange | null;
  noData: boolean;
  /** The reason after "#export terminated:", or null. */
  terminated: string | null;
  /** The header line's column names as written. */
  columns: string[];
  /** Counts per record type ('session', 'page', 'object', 'error', or as written), summed over buckets. */
  byType: Record<string, StatsCounts>;
  /** Other "<name>, <time>" lines (e.g. the earliest available data in globalexportstats): UTC seconds by name. */
  times: Record<string, number>;
  /** Data lines read. */
  lines: number;
  /** Lines that could not be read, with their line numbers; empty for a well-formed file. */
  issues: string[];
}

const TIME = /^(\d{4})\.(\d{2})\.(\d{2})\.(\d{2})\.(\d{2})(?:\s*([+-])(\d{2}):?(\d{2}))?$/;

/** "2026.11.01.06.00+0100" → UTC seconds and the offset; null when it is not that format. */
export function parseStatsTime(s: string): { ts: number; offsetMinutes: number | null } | null {
  const m = TIME.exec(s.trim());
  if (!m) return null;
  const [y, mo, d, h, mi] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || (h === 24 && mi !== 0)) return null;
  const ms = Date.UTC(y, mo - 1, d, h, mi);
  // Date.UTC rolls 31 Feb over into March: refuse dates that do not exist.
  if (new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d) return null;
  let offsetMinutes: number | null = null;
  if (m[6]) {
    const oh = Number(m[7]);
    const om = Number(m[8]);
    if (oh > 14 || om > 59) return null;
    offsetMinutes = (m[6] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return { ts: ms / 1000 - (offsetMinutes ?? 0) * 60, offsetMinutes };
}

/** Splits one line on commas; fields trimmed, surrounding double quotes removed. */
function fields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') {
      if (quoted && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else quoted = !quoted;
    } else if (c === ',' && !quoted) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  out.push(cur.trim());
  return out;
}

const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

type Column = keyof StatsCounts | 'type' | 'bucket' | null;

/** Which count a column name carries: matched by name, the file's own words. */
export function columnRole(name: string): Column {
  const n = norm(name);
  if (n.includes('notstored')) return 'notStored';
  if (n.includes('available')) return 'available';
  if (n.includes('exported')) return 'exported';
  if (n.includes('filtered')) return 'filtered';
  if (n.includes('dropped')) return 'dropped';
  if (n.includes('discarded')) return 'discarded';
  if (n.includes('bucket')) return 'bucket';
  if (n.includes('type') || n === 'record' || n === 'recordtype') return 'type';
  return null;
}

/** 'Sessions', 'SESSION', 'session records' → 'session'; other names lower-cased as written. */
export function normaliseRecordType(s: string): string {
  const n = s.trim().toLowerCase();
  for (const t of ['session', 'page', 'object', 'error'])
    if (n === t || n === `${t}s` || n.startsWith(`${t} `) || n.startsWith(`${t}_`)) return t;
  return n;
}

export const emptyCounts = (): StatsCounts => ({
  available: null,
  exported: null,
  filtered: null,
  dropped: null,
  discarded: null,
  notStored: null,
});

function range(parts: string[], lineNo: number, what: string, issues: string[]): StatsRange | null {
  if (parts.length < 3) {
    issues.push(`line ${lineNo}: ${what} needs a start and an end`);
    return null;
  }
  const a = parseStatsTime(parts[1]);
  const b = parseStatsTime(parts[2]);
  if (!a || !b) {
    issues.push(
      `line ${lineNo}: ${what} ${JSON.stringify(!a ? parts[1] : parts[2])} is not a time in yyyy.mm.dd.HH.MM[±hhmm]`,
    );
    return null;
  }
  if (b.ts < a.ts) {
    issues.push(`line ${lineNo}: ${what} ends (${parts[2]}) before it starts (${parts[1]})`);
    return null;
  }
  return {
    from: a.ts,
    to: b.ts,
    offsetMinutes: a.offsetMinutes ?? b.offsetMinutes,
    text: `${parts[1]} – ${parts[2]}`,
  };
}

export function parseStats(text: string): BulkStats {
  const out: BulkStats = {
    requested: null,
    exported: null,
    noData: false,
    terminated: null,
    columns: [],
    byType: {},
    times: {},
    lines: 0,
    issues: [],
  };
  const issues = out.issues;
  if (text.includes('\u0000')) {
    issues.push('holds NUL bytes: not a text statistics file');
    return out;
  }
  let roles: Column[] | null = null;
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i].trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      const t = /^#\s*export\s+terminated\s*:?\s*(.*)$/i.exec(line);
      if (t) out.terminated = t[1].trim() || 'no reason given';
      continue; // other comments carry nothing we check
    }
    const parts = fields(line);
    const first = norm(parts[0]);
    if (first === 'requestedtimerange') {
      if (out.requested) issues.push(`line ${lineNo}: a second requested_time_range`);
      else out.requested = range(parts, lineNo, 'requested_time_range', issues);
      continue;
    }
    if (first === 'exportedtimerange') {
      if (out.exported) issues.push(`line ${lineNo}: a second exported_time_range`);
      else out.exported = range(parts, lineNo, 'exported_time_range', issues);
      continue;
    }
    if (/^no data available/i.test(line)) {
      out.noData = true;
      continue;
    }
    if (!roles && parts.length >= 2 && /^[a-z_ ]+$/i.test(parts[0]) && parseStatsTime(parts[1])) {
      out.times[parts[0].trim().toLowerCase().replace(/\s+/g, '_')] = parseStatsTime(parts[1])!.ts;
      continue;
    }
    if (!roles) {
      const r = parts.map(columnRole);
      if (
        !r.some((x) => x !== null && x !== 'type' && x !== 'bucket') ||
        parts.some((p) => /^\d+$/.test(p))
      ) {
        issues.push(
          `line ${lineNo}: expected a header line of column names, found ${JSON.stringify(line.slice(0, 80))}`,
        );
        continue;
      }
      roles = r;
      out.columns = parts;
      if (!r.includes('type')) issues.push(`line ${lineNo}: the header names no record-type column`);
      continue;
    }
    if (parts.length !== roles.length) {
      issues.push(`line ${lineNo}: ${parts.length} fields where the header has ${roles.length}`);
      continue;
    }
    const typeAt = roles.indexOf('type');
    const type = typeAt >= 0 ? normaliseRecordType(parts[typeAt]) : '';
    const counts = (out.byType[type] ??= emptyCounts());
    let bad = false;
    roles.forEach((role, j) => {
      if (role === null || role === 'type' || role === 'bucket') return;
      const v = parts[j];
      if (!/^\d+$/.test(v)) {
        if (v !== '') bad = true;
        return;
      }
      counts[role] = (counts[role] ?? 0) + Number(v);
    });
    if (bad)
      issues.push(
        `line ${lineNo}: a count that is not a whole number in ${JSON.stringify(line.slice(0, 80))}`,
      );
    out.lines++;
  }
  if (!out.requested && !issues.some((s) => s.includes('requested_time_range')))
    issues.push('no requested_time_range line');
  if (
    !out.noData &&
    !out.terminated &&
    !out.exported &&
    !issues.some((s) => s.includes('exported_time_range'))
  ) {
    issues.push('neither an exported_time_range nor "no data available" line');
  }
  if (out.exported && !roles && !out.terminated)
    issues.push('no header line of counts after exported_time_range');
  return out;
}
