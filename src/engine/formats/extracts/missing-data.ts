// Data a run should hold but does not: a table its confirmation files declare records for
// with no data file of its own, and the main file of a run that has only flattened files
// (seed 002: flattening writes a file per flattened field "in addition to the general data
// file"). Either is records the warehouse will never receive from this run, so an error
// (archive-missing), never silence: a run whose main file was lost in transfer used to scan
// clean when its flattened files arrived.
import path from 'node:path';
import { SEVERITY_OF, type Problem } from '../../../shared/report';
import type { DeclaredCount } from './count-file';
import { classifyExtractFile, tableName, tableOfTarget } from './name';

/** A confirmation file's count (count-file.ts), with the file's name. */
export interface DeclaredFile extends DeclaredCount {
  file: string;
}

/**
 * The problems of a run's missing data: `declared` by target (lower case), `used` the targets
 * a data stream was matched to, `present` the tables the run's data files feed, `flattened`
 * the flattened data files' names (a run with any has a main file too).
 */
export function missingData(
  chunk: string,
  job: string | null,
  declared: Map<string, DeclaredFile>,
  used: Set<string>,
  present: Set<string>,
  flattened: string[],
): Problem[] {
  const out: Problem[] = [];
  const told = new Set<string>();
  const lowerPresent = new Set([...present].map((t) => t.toLowerCase()));
  for (const [target, d] of declared) {
    if (used.has(target)) continue;
    // From the file's own name: targets are keyed in lower case, and a run's stamp has a 'T'.
    const c = classifyExtractFile(d.file);
    const table = c?.kind === 'count' ? tableOfTarget(c.target) : null;
    // A count file whose name is not a run's, or whose table has data under another name: the
    // table's own count-missing tells the second.
    if (!table || lowerPresent.has(table.toLowerCase()) || told.has(table.toLowerCase())) continue;
    told.add(table.toLowerCase());
    const said = d.count === null ? 'confirms one' : `declares ${d.count} record${d.count === 1 ? '' : 's'}`;
    out.push({
      kind: 'archive-missing',
      severity: SEVERITY_OF['archive-missing'],
      chunk,
      table,
      message: `${table}: no data file in this run, though ${d.file} ${said}`,
      detail: { declaredIn: d.file, declaredRows: d.count },
    });
  }
  const main = job === null ? null : tableName(job, '');
  if (main !== null && flattened.length > 0 && !lowerPresent.has(main.toLowerCase()) && !told.has(main.toLowerCase())) {
    const names = flattened.map((f) => path.posix.basename(f));
    out.push({
      kind: 'archive-missing',
      severity: SEVERITY_OF['archive-missing'],
      chunk,
      table: main,
      message: `${main}: the run's main data file is missing; it has only flattened files (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''})`,
      detail: { flattenedFiles: names },
    });
  }
  return out;
}
