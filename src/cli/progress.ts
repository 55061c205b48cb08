// A one-line progress bar on stderr, drawn only when stderr is a terminal.
import type { ScanProgress } from '../shared/api';

const mb = (n: number): string => `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)} MB`;

function eta(ms: number | null): string {
  if (ms === null) return '';
  const s = Math.round(ms / 1000);
  return s >= 60 ? ` ~${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s left` : ` ~${s}s left`;
}

export function progressPrinter(stream: NodeJS.WriteStream): { update(p: Omit<ScanProgress, 'jobId'>): void; done(): void } {
  const tty = stream.isTTY === true;
  let last = 0;
  let drawn = false;
  return {
    update(p) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 100 && p.phase === 'scanning') return;
      last = now;
      const width = 28;
      const frac = p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : p.chunksTotal ? p.chunksDone / p.chunksTotal : 0;
      const fill = Math.round(Math.min(1, frac) * width);
      const bar = `[${'#'.repeat(fill)}${'-'.repeat(width - fill)}]`;
      const text =
        p.phase === 'discovering'
          ? 'discovering chunks…'
          : `${bar} ${p.chunksDone}/${p.chunksTotal} chunks${p.chunksReused ? ` (${p.chunksReused} unchanged)` : ''}, ${mb(p.bytesDone)}/${mb(p.bytesTotal)}${eta(p.etaMs)}`;
      stream.write(`\r\x1b[K${text}`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
