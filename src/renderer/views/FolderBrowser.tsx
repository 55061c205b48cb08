// The folder browser the host serves (the browser has no native folder picker): folders
// inside the allowed roots, likely drops marked, one click to open one.
import { useCallback, useEffect, useState } from 'react';
import type { FolderListing } from '../../shared/api';
import { toApiError } from '../api/errors';
import { useApp } from '../state/context';

/** A folder glyph that needs no emoji font. */
function FolderIcon() {
  return (
    <svg width="14" height="12" viewBox="0 0 14 12" aria-hidden="true" focusable="false" className="folder-icon">
      <path d="M1 2.5A1.5 1.5 0 0 1 2.5 1h3l1.5 1.5h4.5A1.5 1.5 0 0 1 13 4v5.5A1.5 1.5 0 0 1 11.5 11h-9A1.5 1.5 0 0 1 1 9.5z" fill="currentColor" opacity="0.55" />
    </svg>
  );
}

export function FolderBrowser({
  start,
  onOpen,
  onClose,
}: {
  start: string | null;
  onOpen: (path: string) => void;
  onClose: () => void;
}) {
  const api = useApp((s) => s.api);
  const [listing, setListing] = useState<FolderListing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const go = useCallback(
    async (path: string | null, fallbackToRoots = false) => {
      setLoading(true);
      try {
        setListing(await api.browseFolder(path));
        setError(null);
      } catch (e) {
        if (fallbackToRoots && path !== null) {
          await go(null);
          return;
        }
        setError(toApiError(e).message);
      } finally {
        setLoading(false);
      }
    },
    [api],
  );
  useEffect(() => {
    void go(start, true);
  }, [go, start]);

  return (
    <section className="folder-browser panel" aria-label="Choose a folder" data-testid="folder-browser">
      <div className="panel-head">
        <h2 className="folder-path" title={listing?.path ?? ''}>
          {listing?.path ?? 'Places'}
        </h2>
        <div className="folder-actions">
          {listing?.path ? (
            <button
              type="button"
              className="btn btn-small btn-primary"
              data-testid="folder-open-here"
              onClick={() => onOpen(listing.path!)}
            >
              Open this folder
            </button>
          ) : null}
          <button
            type="button"
            className="btn btn-small btn-quiet"
            onClick={onClose}
            aria-label="Close the folder browser"
          >
            ✕
          </button>
        </div>
      </div>
      {error ? (
        <p className="note note-error" role="alert" data-testid="folder-error">
          {error}
        </p>
      ) : null}
      <ul className="folder-list" aria-busy={loading} data-testid="folder-list">
        {listing?.path ? (
          <li>
            <button
              type="button"
              className="folder-item"
              data-testid="folder-up"
              onClick={() => void go(listing.parent)}
            >
              <span aria-hidden="true">↑</span> {listing.parent ? 'Up' : 'Places'}
            </button>
          </li>
        ) : null}
        {listing?.entries.map((e) => (
          <li key={e.path} className="folder-row">
            <button
              type="button"
              className="folder-item"
              data-testid="folder-entry"
              data-path={e.path}
              onClick={() => void go(e.path)}
              title={e.path}
            >
              <FolderIcon /> <span className="folder-name">{e.name}</span>
              {e.looksLikeDrop ? <span className="badge">drop</span> : null}
            </button>
            {e.looksLikeDrop ? (
              <button
                type="button"
                className="btn btn-small"
                data-testid="folder-open-entry"
                onClick={() => onOpen(e.path)}
              >
                Open
              </button>
            ) : null}
          </li>
        ))}
        {listing && listing.entries.length === 0 ? <li className="muted">No sub-folders here.</li> : null}
        {listing?.truncated ? <li className="muted">More folders than shown: type the path above.</li> : null}
      </ul>
      {listing && listing.path === null ? (
        <p className="muted small">
          Places are your home folder and the folders of the drops opened before; type any other path above.
        </p>
      ) : null}
    </section>
  );
}
