// The grid's scaled scroll range (src/renderer/views/table/scroll-scale.ts): 10,000,000 rows
// of 24 px do not fit a browser's maximum element height; the mapping must still reach the
// last row, keep the ends exact, and move by rows for small steps.
import { describe, expect, it } from 'vitest';
import {
  MAX_SCROLL_PX,
  clampVirtual,
  isScaled,
  maxPhysical,
  maxVirtual,
  physicalHeight,
  rowWindow,
  toPhysical,
  toVirtual,
  virtualForRow,
  wheelPixels,
  type ScrollGeometry,
} from '../../src/renderer/views/table/scroll-scale';

const RH = 24;
const huge: ScrollGeometry = { rows: 10_000_000, rowHeight: RH, viewport: 600 };
const small: ScrollGeometry = { rows: 500, rowHeight: RH, viewport: 600 };

describe('scaled scroll range', () => {
  it('caps the laid-out height well under the browsers’ limits and scales only when needed', () => {
    expect(physicalHeight(huge)).toBe(MAX_SCROLL_PX);
    expect(MAX_SCROLL_PX).toBeLessThan(17_000_000); // Firefox ~17.9M, Chromium ~33.5M
    expect(isScaled(huge)).toBe(true);
    expect(physicalHeight(small)).toBe(500 * RH);
    expect(isScaled(small)).toBe(false);
    // Unscaled: the mapping is the identity.
    expect(toVirtual(small, 1234)).toBe(1234);
    expect(toPhysical(small, 1234)).toBe(1234);
  });

  it('maps the last physical position to the last row, the first to the first', () => {
    const bottom = toVirtual(huge, maxPhysical(huge));
    expect(bottom).toBe(maxVirtual(huge));
    const w = rowWindow(huge, bottom, 0);
    expect(w.lastVisible).toBe(huge.rows - 1);
    // The last row sits exactly at the bottom edge.
    expect((huge.rows - 1) * RH - w.offset + RH).toBeCloseTo(huge.viewport, 6);
    expect(rowWindow(huge, toVirtual(huge, 0), 0).firstVisible).toBe(0);
    // Past the ends clamps.
    expect(toVirtual(huge, maxPhysical(huge) + 5000)).toBe(maxVirtual(huge));
    expect(toVirtual(huge, -10)).toBe(0);
  });

  it('round-trips virtual → physical → virtual within one physical pixel’s worth of rows', () => {
    const ratio = maxVirtual(huge) / maxPhysical(huge);
    for (const row of [0, 1, 777, 5_000_000, 9_999_000, huge.rows - 1]) {
      const v = virtualForRow(huge, row, 'start', 0);
      const back = toVirtual(huge, Math.round(toPhysical(huge, v)));
      expect(Math.abs(back - v)).toBeLessThanOrEqual(ratio);
    }
  });

  it('moves by rows for a small virtual step at both ends (wheel and keys move the virtual position)', () => {
    // Near the top: a 72 px wheel step is three rows.
    const top = rowWindow(huge, clampVirtual(huge, 0 + 72), 0);
    expect(top.firstVisible).toBe(3);
    // Near the bottom: one step up from the end shows the rows just above, not a jump.
    const end = maxVirtual(huge);
    const up = rowWindow(huge, clampVirtual(huge, end - 72), 0);
    expect(up.lastVisible).toBe(huge.rows - 1 - 3);
    // A step down from there comes back to the very last row.
    expect(rowWindow(huge, clampVirtual(huge, end - 72 + 72), 0).lastVisible).toBe(huge.rows - 1);
    // wheel deltas in lines / pages
    expect(wheelPixels(3, 1, RH, 600)).toBe(72);
    expect(wheelPixels(1, 2, RH, 600)).toBe(600);
    expect(wheelPixels(40, 0, RH, 600)).toBe(40);
  });

  it('a one-pixel drag of the scaled scrollbar moves about ratio/row-height rows, proportionally', () => {
    const ratio = maxVirtual(huge) / maxPhysical(huge);
    const a = rowWindow(huge, toVirtual(huge, 4_000_000), 0).firstVisible;
    const b = rowWindow(huge, toVirtual(huge, 4_000_001), 0).firstVisible;
    expect(b - a).toBeGreaterThanOrEqual(Math.floor(ratio / RH));
    expect(b - a).toBeLessThanOrEqual(Math.ceil(ratio / RH));
    // The middle of the scrollbar is the middle of the table.
    const mid = rowWindow(huge, toVirtual(huge, maxPhysical(huge) / 2), 0).firstVisible;
    expect(Math.abs(mid - huge.rows / 2)).toBeLessThan(20);
  });

  it('brings a row into view: start, centre, end, nearest', () => {
    expect(virtualForRow(huge, 1000, 'start', 0)).toBe(1000 * RH);
    expect(virtualForRow(huge, 1000, 'center', 0)).toBe(1000 * RH - (600 - RH) / 2);
    expect(virtualForRow(huge, 1000, 'end', 0)).toBe(1001 * RH - 600);
    // nearest: already visible stays; below scrolls down just enough; above scrolls up.
    expect(virtualForRow(huge, 10, 'nearest', 0)).toBe(0);
    expect(virtualForRow(huge, 30, 'nearest', 0)).toBe(31 * RH - 600);
    expect(virtualForRow(huge, 5, 'nearest', 100 * RH)).toBe(5 * RH);
    expect(virtualForRow(huge, huge.rows - 1, 'center', 0)).toBe(maxVirtual(huge));
  });

  it('renders only a window of rows, overscan included, whatever the table size', () => {
    const w = rowWindow(huge, 5_000_000 * RH, 4);
    expect(w.firstVisible).toBe(5_000_000);
    expect(w.last - w.first + 1).toBeLessThanOrEqual(Math.ceil(600 / RH) + 1 + 8);
    expect(rowWindow({ ...huge, rows: 0 }, 0).last).toBe(-1);
    const few = rowWindow({ rows: 3, rowHeight: RH, viewport: 600 }, 0, 4);
    expect([few.first, few.last, few.lastVisible]).toEqual([0, 2, 2]);
  });
});
