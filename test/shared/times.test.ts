// Times as people type them (shared/times.ts): one reading for the CLI's --as-of, the app's
// Judgement panel and the HTTP host's check of it, UTC unless a zone is named.
import { describe, expect, it } from 'vitest';
import { asOfSecondsOf, utcSecondsOf } from '../../src/shared/times';

const at = (iso: string): number => Date.parse(iso) / 1000;

describe('asOfSecondsOf', () => {
  it('reads Unix seconds, and dates and date-times as UTC unless they name a zone', () => {
    expect(asOfSecondsOf('1484035200')).toBe(at('2017-01-10T08:00:00Z'));
    expect(asOfSecondsOf('2017-01-10')).toBe(at('2017-01-10T00:00:00Z'));
    expect(asOfSecondsOf(' 2017-01-10 08:00 ')).toBe(at('2017-01-10T08:00:00Z'));
    expect(asOfSecondsOf('2017-01-10T08:00:30.9')).toBe(at('2017-01-10T08:00:30Z'));
    expect(asOfSecondsOf('2017-01-10T08:00+01:00')).toBe(at('2017-01-10T07:00:00Z'));
    expect(asOfSecondsOf('Tue, 10 Jan 2017 08:00:00 GMT')).toBe(at('2017-01-10T08:00:00Z'));
  });

  it('refuses what is no time, an ISO date that does not exist included', () => {
    for (const t of ['', '  ', 'yesterday', '2017-02-30', '2017-13-01', '2017-01-10T25:00', '2017-01-10 08:00 CET'])
      expect(asOfSecondsOf(t), t).toBeNull();
    expect(utcSecondsOf('2017-02-30')).toBeNull();
  });
});
