// The timeline's toolbar: the axis switch, the zoom buttons and, when not compact, the hint
// for pointer and keys. Separate from TimelineCanvas.tsx, which owns the viewport: the
// toolbar only calls back.
export interface TimelineToolbarProps {
  /** The drop has audit keys (else its own time is the only axis). */
  keyed: boolean;
  axis: 'key' | 'time';
  /** The time axis's name ("Created time", "Run date", …). */
  timeName: string;
  compact: boolean;
  onAxis(axis: 'key' | 'time'): void;
  onZoom(factor: number): void;
  onFit(): void;
}

export function TimelineToolbar({ keyed, axis, timeName, compact, onAxis, onZoom, onFit }: TimelineToolbarProps) {
  return (
    <div className="timeline-toolbar">
      <div className="segmented" role="group" aria-label="Timeline axis">
        {keyed && (
          <button type="button" className="btn btn-small" aria-pressed={axis === 'key'} data-testid="axis-key" onClick={() => onAxis('key')}>
            Audit key
          </button>
        )}
        <button type="button" className="btn btn-small" aria-pressed={axis === 'time'} data-testid="axis-time" onClick={() => onAxis('time')}>
          {timeName}
        </button>
      </div>
      <div className="btn-group" role="group" aria-label="Zoom">
        <button
          type="button"
          className="btn btn-small"
          onClick={() => onZoom(1 / 1.5)}
          aria-label="Zoom out"
          data-testid="timeline-zoom-out"
        >
          −
        </button>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => onZoom(1.5)}
          aria-label="Zoom in"
          data-testid="timeline-zoom-in"
        >
          +
        </button>
        <button type="button" className="btn btn-small" onClick={onFit} data-testid="timeline-fit">
          Fit
        </button>
      </div>
      {!compact ? (
        <span className="muted small">
          Drag or ←/→ to pan · wheel or +/− to zoom · Shift+←/→ steps through chunks
        </span>
      ) : null}
    </div>
  );
}
