// The words on the axis: tick positions and labels per covered piece (keys or UTC times),
// and the label over a break. Separate because it is text formatting, not placement.
import type { Axis, TimelineBreak, TimelineLayout, Viewport } from './layout-types';
import { uToX } from './coords';

export interface Tick {
  x: number;
  label: string;
}

const TIME_STEPS = [60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400, 14 * 86400, 30 * 86400, 91 * 86400, 365 * 86400];

function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

function keyLabel(v: number, step: number): string {
  if (step >= 1e6 && Math.abs(v) >= 1e6) return `${+(v / 1e6).toFixed(step >= 1e7 ? 0 : 1)}M`;
  if (step >= 1e3 && Math.abs(v) >= 1e3) return `${+(v / 1e3).toFixed(step >= 1e4 ? 0 : 1)}k`;
  return String(Math.round(v));
}

function timeLabel(v: number, step: number): string {
  const iso = new Date(v * 1000).toISOString();
  if (step >= 86400) return iso.slice(0, 10);
  return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}

/** Ticks with labels across the covered stretches in view, about every 110 px. */
export function ticks(layout: TimelineLayout, vp: Viewport): Tick[] {
  const uPerPx = (vp.u1 - vp.u0) / vp.width;
  const out: Tick[] = [];
  let lastX = -Infinity;
  const pick = (target: number) =>
    layout.axis === 'time' ? (TIME_STEPS.find((s) => s >= target) ?? niceStep(target)) : Math.max(1, niceStep(target));
  for (const s of layout.segments) {
    if (s.isBreak || s.u1 < vp.u0 || s.u0 > vp.u1 || s.d1 <= s.d0) continue;
    const x0 = uToX(vp, s.u0);
    const x1 = uToX(vp, s.u1);
    if (x1 - lastX < 70) continue; // nothing of this piece can get a label
    // Step in domain units for ~110 px in this piece (pieces have their own scale).
    const step = pick(((s.d1 - s.d0) / (s.u1 - s.u0)) * uPerPx * 110);
    const dLo = s.d0 + (Math.max(vp.u0, s.u0) - s.u0) * ((s.d1 - s.d0) / (s.u1 - s.u0));
    const dHi = s.d0 + (Math.min(vp.u1, s.u1) - s.u0) * ((s.d1 - s.d0) / (s.u1 - s.u0));
    const first = Math.ceil(Math.max(dLo, s.d0) / step) * step;
    for (let v = first, n = 0; v <= dHi && n < 50; v += step, n++) {
      const x = x0 + ((v - s.d0) / (s.d1 - s.d0)) * (x1 - x0);
      if (x - lastX < 70) continue;
      out.push({ x, label: layout.axis === 'time' ? timeLabel(v, step) : keyLabel(v, step) });
      lastX = x;
    }
    if (out.length > 200) break;
  }
  return out;
}

/** The label drawn over a break: the missing range, or the silence. */
export function breakLabel(b: TimelineBreak, axis: Axis): string {
  // A silence on the key axis: keys of chunks a running scan has not recorded yet.
  if (axis === 'key') return b.kind === 'gap' ? `missing ${b.from}..${b.to}` : `${b.from}..${b.to} not read yet`;
  const secs = b.to - b.from;
  if (b.kind === 'gap' && secs % 86400 === 0 && b.from % 86400 === 0) {
    const days = secs / 86400;
    const first = new Date(b.from * 1000).toISOString().slice(0, 10);
    return days === 1 ? `missing ${first}` : `missing ${days} days from ${first}`;
  }
  const h = secs / 3600;
  // On a family's own time axis a break is a missing window; on created times, a silence.
  return `${b.kind === 'gap' ? 'missing' : 'silence'} ${h >= 48 ? `${(h / 24).toFixed(1)} d` : `${h.toFixed(1)} h`}`;
}
