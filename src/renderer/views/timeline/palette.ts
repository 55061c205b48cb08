// The timeline's colours: read from the theme's CSS variables (see styles/base.css), with a
// fallback for when they cannot be read, and the colour for each severity. Separate from
// the painting (draw.ts) because the canvas component reads the palette when the theme changes.
import type { Severity } from '../../../shared/report';

export interface Palette {
  bg: string;
  fg: string;
  muted: string;
  grid: string;
  ok: string;
  error: string;
  warning: string;
  info: string;
  gap: string;
  selected: string;
  markText: string;
  font: string;
}

export const FALLBACK_PALETTE: Palette = {
  bg: '#ffffff',
  fg: '#1b1f24',
  muted: '#5a6370',
  grid: '#d0d7de',
  ok: '#4f8f6a',
  error: '#c62828',
  warning: '#e0a030',
  info: '#2f6fb3',
  gap: '#c62828',
  selected: '#0b57d0',
  markText: '#ffffff',
  font: 'system-ui, sans-serif',
};

/** Reads the palette from the CSS variables on `el` (see styles/base.css). */
export function readPalette(el: Element): Palette {
  const cs = getComputedStyle(el);
  const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
  return {
    bg: v('--surface', FALLBACK_PALETTE.bg),
    fg: v('--fg', FALLBACK_PALETTE.fg),
    muted: v('--fg-muted', FALLBACK_PALETTE.muted),
    grid: v('--border', FALLBACK_PALETTE.grid),
    ok: v('--tl-ok', FALLBACK_PALETTE.ok),
    error: v('--error', FALLBACK_PALETTE.error),
    warning: v('--warning-fill', FALLBACK_PALETTE.warning),
    info: v('--info', FALLBACK_PALETTE.info),
    gap: v('--error', FALLBACK_PALETTE.gap),
    selected: v('--accent', FALLBACK_PALETTE.selected),
    markText: v('--mark-text', FALLBACK_PALETTE.markText),
    font: cs.fontFamily || FALLBACK_PALETTE.font,
  };
}

/** Glyph colour on a fill of that severity (amber needs dark text). */
export function glyphColor(p: Palette, s: Severity | null): string {
  return s === 'warning' ? '#1b1f24' : p.markText;
}

/** Fill colour of a chunk, bar or badge of that severity (none: clean). */
export function sevColor(p: Palette, s: Severity | null): string {
  return s === 'error' ? p.error : s === 'warning' ? p.warning : s === 'info' ? p.info : p.ok;
}
