import { describe, expect, it } from 'vitest';
import { parseCountFile } from '../../src/engine/formats/extracts/count-file';

describe('confirmation files', () => {
  it('the count whatever the label around it', () => {
    for (const [text, n] of [
      ['12345\n', 12345],
      ['records: 12,345', 12345],
      ['RECORD_COUNT=987', 987],
      ['accounts_delta_20251124T0200.csv.gz|4500\n', 4500],
      ['accounts_delta_20251124T0200.csv.gz 4500', 4500],
      ['{"file":"a_20251124T0200.json","count":77}', 77],
      ['Total rows transferred: 1 234 567', 1234567],
      ['2025-11-24T02:00:00Z 310', 310],
      ['\uFEFF0\r\n', 0],
    ] as const) {
      expect(parseCountFile(text), text).toEqual({ count: n, error: null });
    }
  });
  it('no count: empty, no number, ambiguous', () => {
    expect(parseCountFile('').error).toMatch(/empty/);
    expect(parseCountFile('done').error).toMatch(/no record count/);
    expect(parseCountFile('12 34').error).toMatch(/more than one/);
  });
});
