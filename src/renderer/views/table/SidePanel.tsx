// The panel beside the grid: the cell inspector or the column's statistics, with tabs to switch
// and a close button. Holds only the switching; the two panels are their own components.
import { useTables } from './context';
import { CellInspector } from './CellInspector';
import { StatsPanel } from './StatsPanel';

export function SidePanel() {
  const panel = useTables((s) => s.panel);
  const setPanel = useTables((s) => s.setPanel);
  if (!panel) return null;
  return (
    <aside
      className="tsp"
      aria-label={panel === 'cell' ? 'Cell inspector' : 'Column statistics'}
      data-testid="side-panel"
    >
      <div className="tsp-tabs" role="tablist">
        <button
          type="button"
          role="tab"
          aria-selected={panel === 'cell'}
          className="btn btn-small"
          onClick={() => setPanel('cell')}
        >
          Cell
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={panel === 'stats'}
          className="btn btn-small"
          onClick={() => setPanel('stats')}
        >
          Statistics
        </button>
        <span className="tt-spacer" />
        <button
          type="button"
          className="btn btn-small btn-quiet"
          onClick={() => setPanel(null)}
          aria-label="Close the panel"
        >
          ×
        </button>
      </div>
      <div className="tsp-body">{panel === 'cell' ? <CellInspector /> : <StatsPanel />}</div>
    </aside>
  );
}
