import { useState, type FormEvent } from 'react';
import { useApp } from '../state/context';
import { formatUtc, plural } from '../format';
import { StatusIcon } from '../components/Icons';
import { apiTransport } from '../api';
import { FolderBrowser } from './FolderBrowser';

/** Path field, Browse…, and the drops scanned before. (Dropping a folder works anywhere: see useFolderDrop.) */
export function OpenView() {
  const recent = useApp((s) => s.recent);
  const openDrop = useApp((s) => s.openDrop);
  const pickFolder = useApp((s) => s.pickFolder);
  const current = useApp((s) => s.drop);
  const attempt = useApp((s) => s.openAttempt);
  const [path, setPath] = useState(attempt ?? current ?? '');
  const [shownAttempt, setShownAttempt] = useState(attempt);
  if (attempt !== shownAttempt) {
    // A failed open: put its path back in the field for correcting.
    setShownAttempt(attempt);
    if (attempt) setPath(attempt);
  }
  const [note, setNote] = useState<string | null>(null);
  const [browsing, setBrowsing] = useState(false);

  function submit(e: FormEvent) {
    e.preventDefault();
    void openDrop(path);
  }

  async function browse() {
    setNote(null);
    if (apiTransport() === 'http') {
      // No native picker in a browser: the host lists folders instead.
      setBrowsing((b) => !b);
      return;
    }
    const picked = await pickFolder();
    if (picked) {
      setPath(picked);
      void openDrop(picked);
    } else {
      setNote('No folder chosen: type or paste the folder path, or pick one of the recent drops below.');
    }
  }

  return (
    <section className="open-view" aria-labelledby="open-title" data-testid="open-view">
      <h1 id="open-title">Open a drop</h1>
      <p className="muted">
        A drop is the folder the exports arrive in, or an S3 bucket prefix read in place (s3://bucket/prefix/, with this machine&apos;s AWS
        credentials). Its chunks are checked for gaps, damage and lateness.
      </p>
      <form className="open-form" onSubmit={submit}>
        <label htmlFor="drop-path-input" className="field-label">
          Folder path or S3 location
        </label>
        <div className="open-row">
          <input
            id="drop-path-input"
            data-testid="open-path-input"
            className="text-input"
            type="text"
            spellCheck={false}
            autoComplete="off"
            placeholder="/data/drops/site-a  or  s3://bucket/analytics-export/"
            value={path}
            onChange={(e) => setPath(e.target.value)}
          />
          <button type="submit" className="btn btn-primary" data-testid="open-button">
            Open
          </button>
          <button type="button" className="btn" data-testid="browse-button" onClick={() => void browse()}>
            Browse…
          </button>
        </div>
        {note ? (
          <p className="note" role="status" data-testid="open-note">
            {note}
          </p>
        ) : null}
      </form>
      {browsing ? (
        <FolderBrowser
          start={path.trim().startsWith('/') || /^[A-Za-z]:[\\/]/.test(path.trim()) ? path.trim() : null}
          onOpen={(p) => {
            setPath(p);
            setBrowsing(false);
            void openDrop(p);
          }}
          onClose={() => setBrowsing(false)}
        />
      ) : null}
      <div className="drop-zone" data-testid="drop-zone" aria-hidden="true">
        Or drop a folder anywhere on this window
      </div>
      <h2>Recent drops</h2>
      {recent.length === 0 ? (
        <p className="muted" data-testid="recent-empty">
          None yet: drops you open are remembered here.
        </p>
      ) : (
        <ul className="recent-list" data-testid="recent-drops">
          {recent.map((r, i) => (
            <li key={r.path}>
              <button
                type="button"
                className="recent-item"
                data-testid={`recent-drop-${i}`}
                onClick={() => void openDrop(r.path)}
              >
                <span className="recent-path">{r.path}</span>
                <span className="recent-meta">
                  {r.format ? <span className="badge">{r.format}</span> : null}
                  <span>{plural(r.chunks, 'chunk')}</span>
                  {r.errors > 0 ? (
                    <span className="sev sev-error">
                      <StatusIcon kind="error" size={12} /> {plural(r.errors, 'error')}
                    </span>
                  ) : null}
                  {r.warnings > 0 ? (
                    <span className="sev sev-warning">
                      <StatusIcon kind="warning" size={12} /> {plural(r.warnings, 'warning')}
                    </span>
                  ) : null}
                  {r.errors === 0 && r.warnings === 0 && r.lastScannedAt ? (
                    <span className="sev sev-ok">
                      <StatusIcon kind="ok" size={12} /> whole
                    </span>
                  ) : null}
                  <span className="muted">
                    {r.lastScannedAt
                      ? `scanned ${formatUtc(Date.parse(r.lastScannedAt) / 1000)} UTC`
                      : 'never scanned'}
                  </span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
