// Dev/benchmark entry: the real renderer with the fake API injected the way the Electron
// preload injects the real one (window.dropInspector). Query: ?chunks=10000 for a big
// drop, ?step=50 for the scan speed (ms per chunk), ?drop= to open another path.
import { createFakeApi, FAKE_DROP, makeBigReport, makeSampleReport } from '../fake-api';

const q = new URLSearchParams(location.search);
const n = Number(q.get('chunks') ?? 0);
const drop = q.get('drop') ?? (n > 0 ? '/drops/big' : FAKE_DROP);
const reports = { [FAKE_DROP]: makeSampleReport(), ...(n > 0 ? { '/drops/big': makeBigReport(n) } : {}) };
window.dropInspector = createFakeApi({ reports, initialDrop: drop, stepMs: Number(q.get('step') ?? 100), catalogued: q.get('catalogued') !== '0' });
await import('../../../src/renderer/main');
