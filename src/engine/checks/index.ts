// All cross-chunk checks over the catalog's records.
import type { Problem } from '../../shared/report';
import type { ChunkRecord } from '../model';
import { continuityProblems } from './continuity';
import { nameOrderProblems } from './name-order';
import { continuityOrder } from './order';
import { schemaProblems } from './schema';
import { timeProblems, type Cadence } from './time';

export function dropProblems(chunks: ChunkRecord[], cadence: Cadence): Problem[] {
  const ordered = continuityOrder(chunks);
  return [
    ...continuityProblems(ordered),
    ...nameOrderProblems(ordered, chunks),
    ...schemaProblems(ordered),
    ...timeProblems(ordered, cadence),
  ];
}
