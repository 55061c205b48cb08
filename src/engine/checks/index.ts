// All cross-chunk checks over the catalog's records.
import type { Problem } from '../../shared/report';
import type { ChunkRecord } from '../model';
import { continuityProblems } from './continuity';
import { foldGapsIntoUnreadable } from './entries';
import { futureDatedProblems } from './future';
import { nameOrderProblems } from './name-order';
import { continuityOrder } from './order';
import { schemaProblems } from './schema';
import { timeProblems, type Cadence } from './time';

/** `entries`: the walk's problems (entryProblems); unreadable ones explain breaks in the keys. */
export function dropProblems(chunks: ChunkRecord[], cadence: Cadence, entries: Problem[] = []): Problem[] {
  const ordered = continuityOrder(chunks);
  return foldGapsIntoUnreadable(
    [
      ...continuityProblems(ordered),
      ...nameOrderProblems(ordered, chunks),
      ...schemaProblems(ordered),
      ...timeProblems(ordered, cadence),
      ...futureDatedProblems(chunks, cadence),
    ],
    entries,
  );
}
