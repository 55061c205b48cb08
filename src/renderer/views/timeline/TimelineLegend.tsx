// The timeline's legend: what the colours, shapes and letters on the canvas mean. Separate
// from TimelineCanvas.tsx because it depends only on the drop's axis, not on the canvas.
import type { AxisKind } from '../../../shared/family';
import { MARK_GLYPH, markLabels, type MarkKind } from './marks';

export function TimelineLegend({ axis }: { axis: AxisKind }) {
  const labels = markLabels(axis);
  return (
    <ul className="legend" aria-label="Timeline legend">
      <li>
        <span className="swatch swatch-ok" aria-hidden="true" /> chunk without problems
      </li>
      <li>
        <span className="swatch swatch-error" aria-hidden="true">
          ■
        </span>{' '}
        error
      </li>
      <li>
        <span className="swatch swatch-warning" aria-hidden="true">
          ▲
        </span>{' '}
        warning
      </li>
      <li>
        <span className="swatch swatch-info" aria-hidden="true">
          ●
        </span>{' '}
        info
      </li>
      <li>
        <span className="swatch swatch-gap" aria-hidden="true" /> gap · <b>//</b> axis shortened here
      </li>
      <li>
        <span className="swatch swatch-shortfall" aria-hidden="true" /> requested, not delivered
      </li>
      <li className="legend-marks">
        <span className="legend-title">Letters on a chunk:</span>
        <dl className="legend-keys" data-testid="timeline-legend-marks">
          {/* Every mark, "•" included: a chunk showing one was left unexplained. */}
          {(Object.keys(MARK_GLYPH) as MarkKind[])
            .map((k) => [MARK_GLYPH[k], labels[k]] as const)
            .map(([mark, words]) => (
              <div key={mark}>
                <dt>{mark}</dt>
                <dd>{words}</dd>
              </div>
            ))}
        </dl>
      </li>
    </ul>
  );
}
