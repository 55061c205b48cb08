// The statistics-file parser: every documented line form, offsets, and malformed files (an
// issue each, never a throw).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { columnRole, parseStats, parseStatsTime } from '../../src/engine/formats/bulk/stats';

const utc = (y: number, mo: number, d: number, h = 0, mi = 0): number => Date.UTC(y, mo - 1, d, h, mi) / 1000;

describe('stats times', () => {
  it('reads yyyy.mm.dd.HH.MM as UTC and applies a ±hhmm offset', () => {
    expect(parseStatsTime('2026.11.01.06.30')).toEqual({ ts: utc(2026, 11, 1, 6, 30), offsetMinutes: null });
    expect(parseStatsTime('2026.11.01.07.30+0100')).toEqual({
      ts: utc(2026, 11, 1, 6, 30),
      offsetMinutes: 60,
    });
    expect(parseStatsTime('2026.11.01.01.00-0530')).toEqual({
      ts: utc(2026, 11, 1, 6, 30),
      offsetMinutes: -330,
    });
    expect(parseStatsTime(' 2026.11.01.24.00 ')).toEqual({ ts: utc(2026, 11, 2), offsetMinutes: null });
  });
  it('refuses what is not that format or not a date', () => {
    for (const bad of [
      '2026-11-01 06:30',
      '2026.11.01.06',
      '2026.02.30.00.00',
      '2026.13.01.00.00',
      '2026.11.01.25.00',
      '2026.11.01.06.60',
      '2026.11.01.06.00+2400',
      '',
      'x',
    ]) {
      expect(parseStatsTime(bad), bad).toBeNull();
    }
  });
  it('round-trips any minute with any offset', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 * 24 * 365 * 30 }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        (minute, off) => {
          const ts = utc(2000, 1, 1) + minute * 60;
          const d = new Date((ts + off * 60) * 1000);
          const p = (n: number): string => String(n).padStart(2, '0');
          const s = `${d.getUTCFullYear()}.${p(d.getUTCMonth() + 1)}.${p(d.getUTCDate())}.${p(d.getUTCHours())}.${p(d.getUTCMinutes())}${off < 0 ? '-' : '+'}${p(Math.floor(Math.abs(off) / 60))}${p(Math.abs(off) % 60)}`;
          expect(parseStatsTime(s)).toEqual({ ts, offsetMinutes: off });
        },
      ),
    );
  });
});

const FULL = [
  'requested_time_range, 2026.11.01.00.00, 2026.11.01.06.00',
  'earliest_available_data, 2026.10.01.00.00',
  'exported_time_range, 2026.11.01.00.00, 2026.11.01.05.00',
  'record type, bucket, available, exported, filtered, dropped, discarded, not stored',
  'session, 1, 10, 10, 0, 0, 0, 0',
  'session, 2, 12, 11, 0, 1, 0, 0',
  'page, 1, 40, 40, 0, 0, 0, 0',
  'object, 1, 90, 80, 9, 0, 1, 0',
  'error, 1, 5, 3, 2, 0, 0, 0',
].join('\r\n');

describe('stats files', () => {
  it('reads a whole file: ranges, header, counts summed over buckets', () => {
    const s = parseStats(FULL + '\r\n');
    expect(s.issues).toEqual([]);
    expect(s.requested).toMatchObject({
      from: utc(2026, 11, 1),
      to: utc(2026, 11, 1, 6),
      offsetMinutes: null,
    });
    expect(s.exported).toMatchObject({ from: utc(2026, 11, 1), to: utc(2026, 11, 1, 5) });
    expect(s.times.earliest_available_data).toBe(utc(2026, 10, 1));
    expect(s.columns).toHaveLength(8);
    expect(s.byType.session).toEqual({
      available: 22,
      exported: 21,
      filtered: 0,
      dropped: 1,
      discarded: 0,
      notStored: 0,
    });
    expect(s.byType.object).toMatchObject({ exported: 80, filtered: 9, discarded: 1 });
    expect(s.noData).toBe(false);
    expect(s.terminated).toBeNull();
    expect(s.lines).toBe(5);
  });
  it('matches counts by column name, in any order and spelling', () => {
    const s = parseStats(
      [
        'requested_time_range,2026.11.01.00.00,2026.11.01.06.00',
        'exported_time_range,2026.11.01.00.00,2026.11.01.06.00',
        '"Exported records","Bucket","RecordType","Not_Stored"',
        '7,1,Sessions,2',
        '"3",2,PAGE,0',
      ].join('\n'),
    );
    expect(s.issues).toEqual([]);
    expect(s.byType.session).toMatchObject({ exported: 7, notStored: 2, available: null });
    expect(s.byType.page).toMatchObject({ exported: 3 });
    expect(columnRole('records_discarded')).toBe('discarded');
    expect(columnRole('not stored')).toBe('notStored');
  });
  it('reads "no data available" and keeps the offset of tz=true requests', () => {
    const s = parseStats(
      'requested_time_range, 2026.11.01.01.00+0100, 2026.11.01.07.00+0100\nno data available for the requested time range\n',
    );
    expect(s.issues).toEqual([]);
    expect(s.noData).toBe(true);
    expect(s.requested).toMatchObject({ from: utc(2026, 11, 1), to: utc(2026, 11, 1, 6), offsetMinutes: 60 });
    expect(s.exported).toBeNull();
  });
  it.each([
    'requested via UI',
    'system rebooting',
    'feature disabled',
    'purging staging area',
    'staging area rollover',
  ])('reads #export terminated: %s', (reason) => {
    const s = parseStats(`${FULL}\n#export terminated: ${reason}\n`);
    expect(s.terminated).toBe(reason);
    expect(s.issues).toEqual([]);
  });
  it('accepts a terminated export that never got to its exported range', () => {
    const s = parseStats(
      'requested_time_range, 2026.11.01.00.00, 2026.11.01.06.00\n#export terminated: feature disabled\n',
    );
    expect(s).toMatchObject({ terminated: 'feature disabled', exported: null, issues: [] });
  });
  it('gives clear issues for malformed files, never throws', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /no requested_time_range/],
      ['hello world\n', /expected a header line/],
      [
        'requested_time_range, 2026-11-01, 2026.11.01.06.00\nno data available',
        /not a time in yyyy\.mm\.dd\.HH\.MM/,
      ],
      [
        'requested_time_range, 2026.11.01.06.00, 2026.11.01.00.00\nno data available',
        /ends .* before it starts/,
      ],
      ['requested_time_range, 2026.11.01.00.00\nno data available', /needs a start and an end/],
      [
        'requested_time_range, 2026.11.01.00.00, 2026.11.01.06.00\n',
        /neither an exported_time_range nor "no data available"/,
      ],
      [
        'requested_time_range, 2026.11.01.00.00, 2026.11.01.06.00\nexported_time_range, 2026.11.01.00.00, 2026.11.01.06.00\n',
        /no header line/,
      ],
      [FULL + '\nsession, 1, 2\n', /line 10: 3 fields where the header has 8/],
      [FULL + '\nsession, 1, 2, x, 0, 0, 0, 0\n', /line 10: a count that is not a whole number/],
      [
        'requested_time_range, 2026.11.01.00.00, 2026.11.01.06.00\nrequested_time_range, 2026.11.01.00.00, 2026.11.01.06.00\nno data available',
        /line 2: a second requested_time_range/,
      ],
      ['\u0000\u0001binary', /NUL bytes/],
    ];
    for (const [text, issue] of cases) {
      const s = parseStats(text);
      expect(s.issues.join('; '), JSON.stringify(text)).toMatch(issue);
    }
  });
  it('survives any input', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (t) => void parseStats(t)));
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...FULL.split('\r\n'), '#x', '', 'no data available', ',,,'), {
          maxLength: 20,
        }),
        (ls) => void parseStats(ls.join('\n')),
      ),
    );
  });
});
