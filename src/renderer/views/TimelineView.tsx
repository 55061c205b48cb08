import { TimelineCanvas } from './timeline/TimelineCanvas';
import { ChunkDetail } from './ChunkDetail';
import { useApp } from '../state/context';
import { indexReport } from '../state/derive';
import { formatInt } from '../format';

export function TimelineView() {
  const report = useApp((s) => s.report);
  if (!report) return null;
  const idx = indexReport(report);
  const gaps = idx.kinds.get('gap') ?? 0;
  return (
    <div className="timeline-view">
      <p className="muted small">
        {formatInt(report.chunks.length)} chunks · {gaps} {gaps === 1 ? 'gap' : 'gaps'} · overlapping chunks stack in extra lanes · symbols above a chunk name
        its trouble (see the legend)
      </p>
      <TimelineCanvas height={260} />
      <ChunkDetail wide />
    </div>
  );
}
