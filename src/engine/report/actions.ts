// What a support engineer should do about each problem: specific to its kind and to
// the chunk, table and extents it names. Renderers show p.action when the engine set
// one, else actionFor(p).
import type { Problem } from '../../shared/report';
import { formatDuration } from './format-time';

type Detail = Record<string, unknown>;

/** The first of `keys` in the detail that holds a finite number. */
export function detailNumber(detail: Detail | undefined, ...keys: string[]): number | null {
  if (!detail) return null;
  for (const k of keys) {
    const v = detail[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  }
  return null;
}

/** The first of `keys` in the detail that holds a non-empty string. */
export function detailString(detail: Detail | undefined, ...keys: string[]): string | null {
  if (!detail) return null;
  for (const k of keys) {
    const v = detail[k];
    if (typeof v === 'string' && v !== '') return v;
  }
  return null;
}

/** The first of `keys` in the detail that holds an array of strings. */
function detailList(detail: Detail | undefined, ...keys: string[]): string[] | null {
  if (!detail) return null;
  for (const k of keys) {
    const v = detail[k];
    if (Array.isArray(v) && v.length > 0) return v.map((x) => String(x));
  }
  return null;
}

/** Audit-key extent a problem's detail names (a gap's missing keys, an overlap's shared keys). */
export function detailKeyRange(p: Problem): { from: number | null; to: number | null } {
  return {
    from: detailNumber(p.detail, 'fromKey', 'hwmFrom', 'from', 'startKey'),
    to: detailNumber(p.detail, 'toKey', 'hwmTo', 'to', 'endKey'),
  };
}

/** Time extent (UTC seconds) a problem's detail names. */
export function detailTimeRange(p: Problem): { from: number | null; to: number | null } {
  return {
    from: detailNumber(p.detail, 'fromTs', 'hwmFromTs', 'startTs'),
    to: detailNumber(p.detail, 'toTs', 'hwmToTs', 'endTs'),
  };
}

function chunkRef(p: Problem): string {
  return p.chunk ?? 'the chunk';
}

function prevRef(p: Problem): string {
  return p.previous ?? 'the chunk before it';
}

/** Families whose chunk is one ZIP named after it (Info Mart's export_XXX.zip, a bulk request's ZIP). */
const ZIP_PER_CHUNK = new Set(['gim', 'bulk']);

/**
 * The file a problem is about: from the detail, else the chunk's ZIP where the family has one
 * per chunk; a daily dump or an extract run is several files, so it is named as such (never
 * an invented `<day>.zip`).
 */
function archiveRef(p: Problem, format: string): string {
  const file = detailString(p.detail, 'archive', 'file', 'path', 'key');
  if (file) return file;
  if (!p.chunk) return ZIP_PER_CHUNK.has(format) ? 'the archive' : 'the file';
  if (/\.(zip|tar|tgz|gz|7z|enc|p7m|pgp|gpg)$/i.test(p.chunk)) return p.chunk;
  if (!ZIP_PER_CHUNK.has(format)) return `the files of ${p.chunk}${p.table ? ` holding ${p.table}` : ''}`;
  return `${p.chunk}.zip`;
}

function tableRef(p: Problem): string {
  return p.table ? `table ${p.table}` : 'the table';
}

function keyRange(p: Problem): string | null {
  const { from, to } = detailKeyRange(p);
  if (from === null && to === null) return null;
  return `${from ?? '?'}..${to ?? '?'}`;
}

/** What to do about a problem, in one or two sentences, in the words of the drop's family (format). */
export function actionFor(p: Problem, format = 'gim'): string {
  const d = p.detail;
  switch (p.kind) {
    case 'gap': {
      if (d?.inside === true) {
        return (
          `${chunkRef(p)} delivered less than was requested: request the missing window again ` +
          `(check first whether the vendor's data for it was still being staged).`
        );
      }
      if (typeof d?.axis === 'string' && d.axis !== 'audit-key') {
        const what = d.axis === 'run-date' ? 'the missing dump(s)' : d.axis === 'run-time' ? 'the missing run(s)' : 'an export of the missing window';
        return (
          `Ask the vendor for ${what} (between ${prevRef(p)} and ${chunkRef(p)}); first check whether it is still in transfer ` +
          `or was filtered out on the way. The warehouse lacks that data until then.`
        );
      }
      const keys = keyRange(p);
      const what = keys ? `audit keys ${keys}` : 'the missing audit keys';
      return (
        `Re-request the export for ${what} (between ${prevRef(p)} and ${chunkRef(p)}); ` +
        `first check whether the chunk is still in transfer or was filtered out on the way. ` +
        `Hold loading ${chunkRef(p)} and later chunks until it is in place: later chunks win on merge.`
      );
    }
    case 'overlap': {
      if (typeof d?.axis === 'string' && d.axis !== 'audit-key') {
        return `${prevRef(p)} and ${chunkRef(p)} overlap: load them in time order so the later one wins, and ask the vendor why.`;
      }
      const keys = keyRange(p);
      const shared = keys ? `audit keys ${keys} are` : 'some audit keys are';
      return (
        `${shared} in both ${prevRef(p)} and ${chunkRef(p)}: load them in audit-key order so the later chunk wins, ` +
        `and ask the vendor why the exports overlap.`
      );
    }
    case 'duplicate':
      if (typeof d?.axis === 'string' && d.axis !== 'audit-key') {
        return `${chunkRef(p)} repeats ${prevRef(p)}: load only one of them, normally the newer, and move the other out of the drop.`;
      }
      return (
        `${chunkRef(p)} covers the same audit keys as ${prevRef(p)} (a re-export): load only one of them, ` +
        `normally the newer, and move the other out of the drop.`
      );
    case 'out-of-order':
      return (
        `Load chunks by audit key, not by name: ${chunkRef(p)} must be loaded before ${prevRef(p)}, ` +
        `although name order puts it after. Make the loader sort by the numeric audit key, or load this pair by hand.`
      );
    case 'checksum-mismatch':
      if (p.table) {
        return (
          `Re-transfer ${archiveRef(p, format)}; if ${tableRef(p)} still fails its SHA-1, ` +
          `ask the vendor to re-export ${chunkRef(p)}. Do not load the table until then.`
        );
      }
      return `Re-transfer ${archiveRef(p, format)}; if it still fails, ask the vendor to re-export it. Do not load it until then.`;
    case 'checksum-missing':
      return (
        `Copy ${archiveRef(p, format)}.sha1 from the source with the archive; if the vendor did not write one, ` +
        `ask for it. Until then the archive's integrity is unchecked.`
      );
    case 'metadata-missing':
      return (
        `Copy the metadata file (${p.chunk ? `${p.chunk}.extracted.xml` : '*.extracted.xml'}) from the source; ` +
        `without it the audit keys come from the name only and hwm-from and times are unknown.`
      );
    case 'metadata-invalid':
      return (
        `Re-transfer the metadata file of ${chunkRef(p)}; if it is still invalid, send it to the vendor. ` +
        `The chunk's audit keys cannot be trusted until then.`
      );
    case 'archive-missing':
      return (
        `Transfer ${archiveRef(p, format)} from the source; if the source lacks it too, ` +
        `ask the vendor to re-export ${chunkRef(p)}.`
      );
    case 'archive-corrupt':
      return (
        `Re-transfer ${archiveRef(p, format)} (it is damaged or truncated, e.g. copied while still being written); ` +
        `if the source copy is damaged too, ask the vendor to re-export it.`
      );
    case 'encrypted':
      // Info Mart encrypts with the site's export certificate; the other families' files are PGP.
      if (format !== 'gim') {
        return (
          `Nothing to do if the files are encrypted on purpose; to check ${archiveRef(p, format)}, scan again with ` +
          `--pgp-key FILE (the passphrase in DROP_INSPECTOR_PGP_PASSPHRASE), or decrypt it with the key agreed with the vendor.`
        );
      }
      return (
        `Nothing to do if exports are encrypted on purpose; to inspect ${chunkRef(p)}, ` +
        `decrypt it with the site's export certificate key.`
      );
    case 'table-unreadable':
      if (/max-member-bytes/.test(p.message)) {
        return `Re-scan with a higher --max-member-bytes to inspect ${tableRef(p)} in ${chunkRef(p)}; the file itself may be fine.`;
      }
      if (format !== 'gim') {
        return (
          `Re-transfer ${archiveRef(p, format)} (it may have been copied while still being written); if ${tableRef(p)} ` +
          `still cannot be read, send the file to the vendor: the warehouse cannot load it.`
        );
      }
      return (
        `Re-transfer ${archiveRef(p, format)}; if ${tableRef(p)} still cannot be decoded, check the site's export ` +
        `encoding setting and send the file to the vendor.`
      );
    case 'malformed-row': {
      const n = detailNumber(d, 'count', 'rows', 'malformedRows');
      const which = n !== null ? `${n} row${n === 1 ? '' : 's'}` : 'the rows';
      return (
        `Inspect ${tableRef(p)} in ${chunkRef(p)}: ${which} with the wrong number of fields will not load cleanly; ` +
        `send examples to the vendor.`
      );
    }
    case 'schema-change': {
      const added = detailList(d, 'added', 'addedColumns');
      const removed = detailList(d, 'removed', 'removedColumns');
      const change = [added ? `added ${added.join(', ')}` : '', removed ? `removed ${removed.join(', ')}` : '']
        .filter(Boolean)
        .join('; ');
      // Info Mart ships its schema changes as scripts; other vendors' tables change with their export's configuration.
      if (format !== 'gim') {
        return (
          `Change the warehouse's ${tableRef(p)} to the new columns before loading ${chunkRef(p)}${change ? ` (${change})` : ''}, ` +
          `and ask the vendor whether the export's configuration was changed on purpose.`
        );
      }
      return (
        `Update the target schema (update_target_*.sql of the Info Mart release) for ${tableRef(p)} ` +
        `before loading ${chunkRef(p)}${change ? ` (${change})` : ''}.`
      );
    }
    case 'late': {
      const silence = detailNumber(d, 'silenceSeconds', 'seconds', 'gapSeconds', 'durationSeconds');
      const cadence = detailNumber(d, 'cadenceSeconds', 'expectedSeconds');
      const how =
        silence !== null
          ? `No chunk arrived for ${formatDuration(silence)}${cadence !== null ? ` (expected every ${formatDuration(cadence)})` : ''}`
          : 'The silence is longer than the expected cadence';
      return (
        `${how} between ${prevRef(p)} and ${chunkRef(p)}: check the export job's log for that period ` +
        `(outage, catch-up) and the transfer job.`
      );
    }
    case 'stale': {
      const newest = detailNumber(d, 'newestTs');
      const asOf = detailNumber(d, 'asOf');
      const age =
        detailNumber(d, 'ageSeconds', 'seconds', 'silenceSeconds') ??
        (newest !== null && asOf !== null ? asOf - newest : null);
      const how = age !== null ? ` is ${formatDuration(age)} old` : ' is older than the expected cadence';
      return (
        `The newest chunk${p.chunk ? ` ${p.chunk}` : ''}${how}: check that the export job still runs ` +
        `and that the transfer into this drop works.`
      );
    }
    case 'future-dated': {
      const ahead = detailNumber(d, 'aheadSeconds');
      return (
        `${chunkRef(p)} is dated${ahead !== null ? ` ${formatDuration(ahead)}` : ''} after the scan: check the clock of the ` +
        `exporting host and the chunk's metadata with the vendor before loading it by time.`
      );
    }
    case 'name-mismatch':
      return (
        `The name of ${chunkRef(p)} disagrees with its metadata: trust the metadata, ` +
        `and ask the vendor why before loading by name.`
      );
    case 'suspicious-entry': {
      const entry = detailString(d, 'entry', 'member', 'file');
      return (
        `Do not extract ${archiveRef(p, format)} blindly${entry ? ` (entry ${entry})` : ''}: ` +
        `it holds an unsafe path or size. Ask the vendor to check the archive.`
      );
    }
    case 'file-changed':
      return `${chunkRef(p)} changed during the scan (still being written?): wait for the transfer to finish, then re-scan.`;
    case 'unexpected-file': {
      const file = detailString(d, 'file', 'path') ?? p.chunk ?? 'the file';
      return `Nothing to do if ${file} belongs there; otherwise move it out of the drop or ask who put it there.`;
    }
    case 'unreadable-entry': {
      const entry = detailString(d, 'path') ?? 'the entry';
      return (
        `Drop Inspector could not read ${entry} (${detailString(d, 'reason') ?? 'see the message'}): ` +
        `give the scanning user read access (or fix the link), then re-scan; the chunks it holds are not checked until then.`
      );
    }
    case 'link-not-followed': {
      const entry = detailString(d, 'path') ?? 'the link';
      return `${entry} points outside the drop and was not followed; re-scan with --follow-links if the chunks it leads to belong to this drop.`;
    }
    case 'row-count-mismatch':
      return (
        `${tableRef(p)} in ${chunkRef(p)} does not hold the records its count file declares: the file is incomplete ` +
        `or the count is wrong. Do not load it; ask the vendor to resend ${chunkRef(p)}.`
      );
    case 'missing-table': {
      const day = detailString(d, 'day') ?? p.chunk ?? 'that day';
      return `Ask the vendor to re-deliver ${p.table ?? 'the table'} for ${day} (escalate: an expected file is missing); until then the warehouse keeps the previous day's snapshot of it.`;
    }
    case 'volume-drop': {
      const day = detailString(d, 'day') ?? p.chunk ?? 'that day';
      return `Do not load ${p.table ?? 'the table'} of ${day} over the previous snapshot: ask the vendor whether the export was cut short or the customer's configured brands and locations changed.`;
    }
    case 'duplicate-key': {
      const col = detailString(d, 'column') ?? 'its key';
      return `Deduplicate ${p.table ?? 'the table'} on ${col} before an upsert (or it fails or double-counts), and tell the vendor the dump repeats keys.`;
    }
    case 'retention':
      return `Nothing to load: compare what the bucket keeps with the retention agreed at onboarding, and expire or ask for the missing history.`;
    case 'orphan-rows':
      return (
        `${tableRef(p)} in ${chunkRef(p)} has rows for accounts that are not in the run's main file: the main file ` +
        `is incomplete or the flattened file belongs to another run. Load the flattened rows only after their accounts, and ask the vendor.`
      );
    case 'count-missing':
      return (
        `${tableRef(p)} in ${chunkRef(p)} came without a readable confirmation file, so its record count cannot be checked: ` +
        `ask the vendor to enable (or resend) the record-count files of the job.`
      );
    case 'empty-extract':
      return `${chunkRef(p)} holds no records: normal for a delta run with no changed accounts; if the job should have found some, check its filter.`;
    case 'in-transfer':
      return `A file of ${chunkRef(p)}'s job is still being uploaded (a partial file): scan again once the upload has finished; do not load the partial file.`;
    case 'export-terminated': {
      const reason = detailString(d, 'reason');
      return (
        `The export of ${chunkRef(p)} was terminated${reason ? ` (${reason})` : ''}: request the same time range again ` +
        `and replace this ZIP with the new one; its records after the termination are missing.`
      );
    }
    case 'records-dropped':
      return (
        `The vendor's system dropped or discarded records of ${chunkRef(p)}${p.table ? ` (${p.table})` : ''}: they cannot be ` +
        `re-exported. Ask the vendor why (overload, filters) and note the counts in the ticket.`
      );
    case 'no-data':
      return `Nothing to do if no activity was expected in this window; otherwise check the data provider and the request's filters.`;
    case 'section-change':
      return (
        `The export's field selection changed while ${chunkRef(p)} was exported: load each section with its own columns, ` +
        `and check who changed the configuration.`
      );
    default:
      return `Review this problem${p.chunk ? ` in ${p.chunk}` : ''}; if it is not expected, raise it with the vendor.`;
  }
}

/** The action a renderer shows: the engine's when it set one, else actionFor(p). */
export function actionOf(p: Problem): string {
  return p.action !== undefined && p.action !== null && p.action !== '' ? p.action : actionFor(p);
}
