// "Make the catalog fresh, then read the table", for hosts that read a drop's tables without
// a scan of their own (the CLI's rows and stats): the drop is scanned first where the catalog
// does not know it, its last scan did not end, or its chunks are not the ones recorded.
import type { Catalog } from './catalog/catalog';
import { discoverDrop } from './drop-listing';
import { revisionTag } from './formats/types';
import { cadenceOf } from './options';
import { scanDrop } from './scan';

/**
 * Scans the drop (incrementally) unless the catalog's last complete scan recorded exactly
 * the chunks it holds now. A recorded fingerprint carries its family's inspection revision
 * (revisionTag), as the scan compares them: without it, every table command on a family past
 * revision 1 scanned the drop again first. `onScan`: told before a scan starts.
 */
export async function ensureScanned(drop: string, catalog: Catalog, onScan?: () => void): Promise<void> {
  const row = catalog.drop(drop);
  if (row?.last_scan_complete) {
    const { adapter, chunks } = await discoverDrop(drop);
    const known = catalog.fingerprints(row.id);
    const tag = revisionTag(adapter);
    if (chunks.length === known.size && chunks.every((c) => known.get(c.name) === c.fingerprint + tag)) return;
  }
  onScan?.();
  await scanDrop(drop, { catalog, cadence: cadenceOf({}) });
}
