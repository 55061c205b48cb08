import { Fragment, useState } from 'react';
import type { ScanReport } from '../../shared/report';
import { coverageLabel, coverageOf, isTimeAxis, shortfall, showsArchive } from '../../shared/coverage-view';
import { useApp } from '../state/context';
import { indexReport, kindLabel } from '../state/derive';
import { formatBytes, formatInt, formatKeyRange, formatUtc } from '../format';
import { SeverityLabel, StateLabel } from '../components/Icons';
import { useTableStoreOptional } from './table/context';

/** Everything about the selected chunk: files, metadata, tables, problems. */
export function ChunkDetail({ wide = false }: { wide?: boolean }) {
  const report = useApp((s) => s.report);
  const selected = useApp((s) => s.selectedChunk);
  const selectedProblem = useApp((s) => s.selectedProblem);
  const selectProblem = useApp((s) => s.selectProblem);
  const setView = useApp((s) => s.setView);
  const selectChunk = useApp((s) => s.selectChunk);
  const [openTable, setOpenTable] = useState<string | null>(null);
  const tableStore = useTableStoreOptional();
  if (!report) return null;
  const idx = indexReport(report);
  const chunk = selected ? idx.chunkByName.get(selected) : undefined;
  if (!chunk) {
    const p = selectedProblem !== null ? report.problems[selectedProblem] : undefined;
    return (
      <aside
        className={`detail${wide ? ' detail-wide' : ''}`}
        aria-label="Chunk detail"
        data-testid="chunk-detail-empty"
      >
        {p ? (
          <>
            <h2>Drop-wide problem</h2>
            <p>
              <SeverityLabel severity={p.severity} /> {kindLabel(p.kind)}
            </p>
            <p>{p.message}</p>
            {p.action ? <p className="action">What to do: {p.action}</p> : null}
          </>
        ) : (
          <p className="muted">
            Select a chunk (in the timeline, the list or a problem) to see its files, tables and problems.
          </p>
        )}
      </aside>
    );
  }
  const order = idx.chunkIndex.get(chunk.name) ?? 0;
  const prev = order > 0 ? report.chunks[order - 1] : undefined;
  const next = report.chunks[order + 1];
  const problems = idx.problemsByChunk.get(chunk.name) ?? [];
  const mentions = report.problems
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => p.previous === chunk.name && p.chunk !== chunk.name);
  // Families on a time axis (bulk windows, run dates, run times) have no audit keys, checksums or GIM versions.
  const cov = coverageOf(chunk);
  const timeAxis = !!cov && isTimeAxis(cov.axis);

  return (
    <aside
      className={`detail${wide ? ' detail-wide' : ''}`}
      aria-label={`Chunk ${chunk.name}`}
      data-testid="chunk-detail"
      data-chunk={chunk.name}
    >
      <div className="detail-head">
        <h2 className="detail-title" data-testid="chunk-detail-name">
          {chunk.name}
        </h2>
        <div className="btn-group">
          <button
            type="button"
            className="btn btn-small"
            disabled={!prev}
            onClick={() => prev && selectChunk(prev.name, { focus: true })}
            aria-label="Previous chunk"
          >
            ‹ Prev
          </button>
          <button
            type="button"
            className="btn btn-small"
            disabled={!next}
            onClick={() => next && selectChunk(next.name, { focus: true })}
            aria-label="Next chunk"
          >
            Next ›
          </button>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => {
              selectChunk(chunk.name, { focus: true });
              setView('timeline');
            }}
          >
            Show on timeline
          </button>
        </div>
      </div>
      <p className="muted path" title={chunk.path}>
        {chunk.path}
      </p>

      <div className="detail-sections">
        <section aria-label="Problems of this chunk">
          <h3>Problems ({problems.length})</h3>
          {problems.length === 0 ? (
            <p className="ok-line">
              <StateLabel state="ok" /> none in this chunk
            </p>
          ) : (
            <ul className="detail-problems">
              {problems.map((i) => {
                const p = report.problems[i];
                return (
                  <li key={i} className={selectedProblem === i ? 'is-selected' : undefined}>
                    <button type="button" className="link-row" onClick={() => selectProblem(i)}>
                      <SeverityLabel severity={p.severity} /> <strong>{kindLabel(p.kind)}</strong>
                      {p.table ? <span className="mono"> {p.table}</span> : null}
                      <span className="detail-problem-msg">{p.message}</span>
                      {p.action ? <span className="action">What to do: {p.action}</span> : null}
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
          {mentions.length ? (
            <p className="muted small">
              Also named as the chunk before:{' '}
              {mentions.map(({ p, i }) => (
                <button key={i} type="button" className="link" onClick={() => selectProblem(i)}>
                  {kindLabel(p.kind)} at {p.chunk}
                </button>
              ))}
            </p>
          ) : null}
        </section>

        <section aria-label="Metadata">
          <h3>{timeAxis ? 'Chunk' : 'Metadata'}</h3>
          {timeAxis ? <WindowFacts chunk={chunk} /> : <KeyFacts chunk={chunk} />}
        </section>

        <section aria-label="Tables">
          <h3>Tables ({chunk.tables.length})</h3>
          {chunk.tables.length === 0 ? (
            <p className="muted">No tables were read from this chunk.</p>
          ) : (
            <table className="mini-table">
              <thead>
                <tr>
                  <th scope="col">Table</th>
                  <th scope="col" className="num">
                    Rows
                  </th>
                  <th scope="col" className="num">
                    Columns
                  </th>
                  <th scope="col" className="num">
                    Size
                  </th>
                </tr>
              </thead>
              <tbody>
                {chunk.tables.map((t) => (
                  <tr key={t.name}>
                    <td>
                      {tableStore ? (
                        <button
                          type="button"
                          className="link mono"
                          onClick={() => tableStore.getState().openInChunk(t.name, chunk.name)}
                          title="Open this table of this chunk in the Tables view"
                          data-testid={`open-table-${t.name}`}
                        >
                          {t.name}
                        </button>
                      ) : (
                        <span className="mono">{t.name}</span>
                      )}{' '}
                      <button
                        type="button"
                        className="link small"
                        aria-expanded={openTable === t.name}
                        aria-label={`Columns of ${t.name}`}
                        onClick={() => setOpenTable(openTable === t.name ? null : t.name)}
                        title="Show the columns"
                      >
                        {openTable === t.name ? '▾' : '▸'} columns
                      </button>
                      {t.malformedRows ? (
                        <span className="sev sev-warning small"> {formatInt(t.malformedRows)} malformed</span>
                      ) : null}
                      {t.checksum && t.checksum !== 'ok' ? (
                        <>
                          {' '}
                          <StateLabel state={t.checksum} />
                        </>
                      ) : null}
                      {openTable === t.name ? (
                        <div className="columns mono small">{t.columns.join(', ') || '(no header)'}</div>
                      ) : null}
                    </td>
                    <td className="num">
                      {t.rows === null ? <StateLabel state="unreadable" /> : formatInt(t.rows)}
                    </td>
                    <td className="num">{t.columns.length}</td>
                    <td className="num">{formatBytes(t.bytes ?? null)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>

        <section aria-label="Files">
          <h3>Files ({chunk.files.length})</h3>
          <ul className="files mono small">
            {chunk.files.map((f) => (
              <li key={f}>{f}</li>
            ))}
          </ul>
        </section>
      </div>
    </aside>
  );
}

type Chunk = ScanReport['chunks'][number];

/** Info Mart: audit keys, checksum, metadata file, GIM versions. */
function KeyFacts({ chunk }: { chunk: Chunk }) {
  return (
    <dl className="kv">
      <dt>Audit keys</dt>
      <dd className="mono">
        {formatKeyRange(chunk.hwmFrom, chunk.hwmTo)} <span className="muted">(from {chunk.keySource})</span>
      </dd>
      <dt>Created</dt>
      <dd className="mono">{formatUtc(chunk.createdTs)} UTC</dd>
      <dt>Data span</dt>
      <dd className="mono">
        {formatUtc(chunk.hwmFromTs)} → {formatUtc(chunk.hwmToTs)}
      </dd>
      <dt>Max data time</dt>
      <dd className="mono">{formatUtc(chunk.maxDataTs)}</dd>
      <dt>Checksum</dt>
      <dd>
        <StateLabel
          state={chunk.checksum}
          severityIfBad={chunk.checksum === 'missing' ? 'warning' : 'error'}
        />
      </dd>
      <dt>Metadata file</dt>
      <dd>
        <StateLabel
          state={chunk.metadata}
          severityIfBad={chunk.metadata === 'missing' ? 'warning' : 'error'}
        />
      </dd>
      <dt>Archive</dt>
      <dd>
        <StateLabel state={chunk.archive} /> <span className="muted">{formatBytes(chunk.bytes)}</span>
      </dd>
      <dt>GIM version</dt>
      <dd>
        {chunk.gimVersion ?? '—'} <span className="muted">schema {chunk.gimSchemaVersion ?? '—'}</span>
      </dd>
    </dl>
  );
}

/** Families on a time axis: the requested window, what was delivered, family attributes. */
function WindowFacts({ chunk }: { chunk: Chunk }) {
  const cov = coverageOf(chunk)!;
  const missing = shortfall(chunk).reduce((s, x) => s + x.to - x.from, 0);
  const attrs = Object.entries(chunk.attributes ?? {}).filter(([, v]) => v !== null && v !== '' && v !== false);
  return (
    <dl className="kv" data-testid="chunk-window">
      {cov.requestedFrom !== null || cov.requestedTo !== null ? (
        <>
          <dt>Requested</dt>
          <dd className="mono">
            {formatUtc(cov.requestedFrom)} → {formatUtc(cov.requestedTo)} UTC
          </dd>
        </>
      ) : null}
      <dt>{coverageLabel(cov).label}</dt>
      <dd className="mono">
        {coverageLabel(cov).text}
        {missing > 0 ? <span className="sev-error"> ({(missing / 3600).toFixed(1)} h not delivered)</span> : null}
        {chunk.coverage?.source ? <span className="muted"> (from {chunk.coverage.source})</span> : null}
      </dd>
      {chunk.series ? (
        <>
          <dt>Series</dt>
          <dd className="mono">{chunk.series}</dd>
        </>
      ) : null}
      <dt>Created</dt>
      <dd className="mono">{formatUtc(chunk.createdTs)} UTC</dd>
      {showsArchive(chunk, cov) ? (
        <>
          <dt>Archive</dt>
          <dd>
            <StateLabel state={chunk.archive} /> <span className="muted">{formatBytes(chunk.bytes)}</span>
          </dd>
        </>
      ) : null}
      {attrs.map(([k, v]) => (
        <Fragment key={k}>
          <dt>{attributeLabel(k)}</dt>
          <dd className="mono">{String(v)}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

const ATTRIBUTE_LABELS: Record<string, string> = {
  location: 'Location',
  lastModified: 'Last modified',
  keysNotChecked: 'Keys not checked',
};

/** A family attribute's name for people ("lastModified" → "Last modified"). */
function attributeLabel(k: string): string {
  return ATTRIBUTE_LABELS[k] ?? k.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}
