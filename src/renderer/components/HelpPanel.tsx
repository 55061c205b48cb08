// The in-app help: keyboard shortcuts and a glossary in plain words. Opened by the ? button,
// or the ? and F1 keys anywhere outside a text field.
import { useEffect } from 'react';
import { useApp } from '../state/context';
import { Dialog } from './Dialog';

type Keys = [keys: string, what: string];

export const SHORTCUTS: { area: string; keys: Keys[] }[] = [
  {
    area: 'Anywhere',
    keys: [
      ['? or F1', 'this help'],
      ['Esc', 'close a panel or this help'],
      ['← → (on the view tabs)', 'previous / next view; Home / End: first / last'],
    ],
  },
  {
    area: 'Timeline (click it first)',
    keys: [
      ['+ / −', 'zoom in / out'],
      ['0', 'fit the whole drop'],
      ['← / →', 'pan'],
      ['[ / ] or Shift+← / Shift+→', 'previous / next chunk'],
      ['Home / End', 'go to the start / end'],
    ],
  },
  {
    area: 'Table grid (click a cell first)',
    keys: [
      ['↑ ↓ ← →', 'move between cells'],
      ['Page Up / Page Down, Space', 'a page up / down'],
      ['Home / End', 'first / last column; with Ctrl: first / last row'],
      ['Enter', 'open the cell in the side panel'],
      ['Esc', 'clear the selection, then close the side panel'],
      ['Ctrl+C', 'copy the selected rows (or the cell)'],
      ['Ctrl+A', 'select every row'],
    ],
  },
];

export const GLOSSARY: [term: string, meaning: string][] = [
  ['Drop', 'the folder (or bucket) a vendor\u2019s export job fills, run by run.'],
  [
    'Chunk',
    'what one export run delivered: for Info Mart, one export_<key>_<date> folder or archive with its checksum and metadata files.',
  ],
  [
    'Audit key',
    'a number the source system increases with every batch of changes. Each chunk says which audit keys it holds, from one number to another.',
  ],
  [
    'High-water mark (hwm)',
    'the audit key a chunk goes up to. The next chunk should start exactly there; if it starts later, the keys in between are in no chunk: a gap.',
  ],
  ['Gap', 'data that no chunk holds: the warehouse is missing it until the vendor re-exports it.'],
  [
    'Cadence',
    'how often an export is expected (Info Mart: every 8 hours by default). Set it under Judgement.',
  ],
  [
    'Grace',
    'how much longer than the cadence a silence may last before a chunk counts as late, or the drop as stale (default: half the cadence).',
  ],
  [
    'Late / stale',
    'late: a chunk came after a longer silence than cadence + grace. Stale: the newest chunk is older than that, as of now (or the "as of" time you set).',
  ],
  [
    'Name order',
    'the order of the chunks\u2019 folder names, which is what loaders usually follow. "Out of name order" means sorting by name puts a chunk elsewhere than its place on the drop\u2019s axis (its audit keys, time window, run date or run time) does.',
  ],
  [
    'Merged view',
    'a table as the warehouse would hold it: all chunks, one row per primary key, the row from the latest chunk winning.',
  ],
  [
    'Primary key',
    'the column(s) that identify a row. For Info Mart tables the usual primary key is known; otherwise it is guessed, and you can choose another.',
  ],
];

/** Opens the help on ? or F1, unless the user is typing. */
export function useHelpKeys(): void {
  const setOverlay = useApp((s) => s.setOverlay);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      const typing =
        t &&
        (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
      if (e.key === 'F1' || (e.key === '?' && !typing)) {
        e.preventDefault();
        setOverlay('help');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setOverlay]);
}

export function HelpButton() {
  const setOverlay = useApp((s) => s.setOverlay);
  return (
    <button
      type="button"
      className="btn btn-round"
      data-testid="help-button"
      title="Help: keyboard shortcuts and words (? or F1)"
      aria-label="Help"
      onClick={() => setOverlay('help')}
    >
      ?
    </button>
  );
}

export function HelpPanel() {
  const setOverlay = useApp((s) => s.setOverlay);
  return (
    <Dialog title="Help" testId="help-panel" onClose={() => setOverlay(null)} wide>
      <div className="help-columns">
        <div>
          <h3>Keyboard</h3>
          {SHORTCUTS.map((group) => (
            <section key={group.area} className="help-group">
              <h4>{group.area}</h4>
              <dl className="help-keys">
                {group.keys.map(([keys, what]) => (
                  <div key={keys}>
                    <dt>
                      <kbd>{keys}</kbd>
                    </dt>
                    <dd>{what}</dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>
        <div>
          <h3>Words used here</h3>
          <dl className="glossary" data-testid="glossary">
            {GLOSSARY.map(([term, meaning]) => (
              <div key={term}>
                <dt>{term}</dt>
                <dd>{meaning}</dd>
              </div>
            ))}
          </dl>
        </div>
      </div>
    </Dialog>
  );
}
