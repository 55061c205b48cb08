// exportinfo-….xml: entities never expanded, fields found by name, size-capped.
import { describe, expect, it } from 'vitest';
import { parseExportInfo } from '../../src/engine/formats/bulk/exportinfo';
import { classifyMember } from '../../src/engine/formats/bulk/members';

describe('exportinfo', () => {
  it('never expands entities', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><exportinfo><dataprovider name="&b;"/></exportinfo>`;
    const r = parseExportInfo(bomb);
    expect(r.ok && r.info.dataProvider).toBe('&b;');
  });
  it('finds fields by name wherever they sit, with or without sections', () => {
    const r = parseExportInfo(
      '<x><DataProvider>P</DataProvider><session><field>a</field><field name="b"/></session><page><column name="c"/></page></x>',
    );
    expect(r).toEqual({
      ok: true,
      info: { dataProvider: 'P', request: null, sections: [{ session: ['a', 'b'], page: ['c'] }] },
    });
  });
  it('says where broken XML ends', () => {
    expect(parseExportInfo('<exportinfo><section>')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/ends before <exportinfo>, <section> close/),
    });
  });
  it('refuses oversized files', () => {
    expect(parseExportInfo(`<a>${'x'.repeat(5 << 20)}</a>`)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/larger than/),
    });
  });
  it('classifies request members by their documented prefixes', () => {
    expect(classifyMember('exportinfo-r1.xml')).toEqual({ role: 'exportinfo' });
    expect(classifyMember('globalexportstats-r1.csv')).toEqual({ role: 'global-stats' });
    expect(classifyMember('exportstats-r1-2.csv')).toEqual({ role: 'section-stats' });
    expect(classifyMember('Session_2026.csv.gz')).toEqual({ role: 'data', type: 'session', gzip: true });
    expect(classifyMember('readme.txt')).toBeNull();
  });
});
