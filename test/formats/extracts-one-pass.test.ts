// A run's files are decoded once: the layout, the dialect, the record count, the account ids
// of the main file and the orphans of a flattened file all come from one read (the scan's
// cost is decoding; every extra pass paid it again). Counted at the codec: one gzip decoder
// per data file. And the results of that one pass are the ones the separate passes gave.
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { extractsAdapter } from '../../src/engine/formats/extracts/discover';
import { inspectExtractRun } from '../../src/engine/formats/extracts/inspect';
import { CODECS, IN_PLACE_DECODERS } from '../../src/engine/parts/codecs';
import { removeDir, tempDir } from '../engine/harness';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));
const gzip = CODECS.gzip!;
const gunzipInPlace = IN_PLACE_DECODERS.gzip!;
afterEach(() => {
  CODECS.gzip = gzip;
  IN_PLACE_DECODERS.gzip = gunzipInPlace;
});

/** Counts gzip decodes, streamed or in place (a local file read by the scan is the latter). */
function countingGzip(): { made: string[] } {
  const made: string[] = [];
  CODECS.gzip = (ctx) => {
    made.push(ctx.name);
    return gzip(ctx);
  };
  IN_PLACE_DECODERS.gzip = (fh, deliver, opts) => {
    made.push(opts.name);
    return gunzipInPlace(fh, deliver, opts);
  };
  return { made };
}

async function inspectDrop(drop: string) {
  const files = readdirSync(drop).map((n) => {
    const st = statSync(path.join(drop, n));
    return { rel: n, abs: path.join(drop, n), size: st.size, mtimeMs: st.mtimeMs };
  });
  const { chunks } = extractsAdapter.discover(files);
  expect(chunks).toHaveLength(1);
  return inspectExtractRun(chunks[0], { root: drop, verify: false, onBytes: () => undefined, maxMemberBytes: 1 << 30 });
}

// Enough rows that the dialect is decided before the file ends (more than the 64 KiB sample).
const N = 5000;
const uid = (i: number): string => `_gid_${String(i).padStart(8, '0')}==`;

describe('one decode per data file', () => {
  it('DSV main + flattened file: counts, ids and orphans from one read each', async () => {
    const drop = tempDir('di-extracts-once-');
    dirs.push(drop);
    mkdirSync(drop, { recursive: true });
    const main = 'email;UID;country\n' + Array.from({ length: N }, (_, i) => `u${i}@x.org;${uid(i)};"D;E"`).join('\n') + '\n';
    writeFileSync(path.join(drop, 'acc_20251124T0200.csv.gz'), zlib.gzipSync(main));
    writeFileSync(path.join(drop, 'acc_20251124T0200.count'), String(N));
    // The seed's flattened form: no header, the UID second; 3 rows name absent accounts.
    const flat: string[] = [];
    for (let i = 0; i < N; i += 2) flat.push(`"r${i}","${uid(i)}","","Movie","T ${i}"`);
    for (let k = 0; k < 3; k++) flat.push(`"o${k}","_gid_absent${k}","","Movie","Nobody"`);
    writeFileSync(path.join(drop, 'acc_20251124T0200.profile.likes.csv.gz'), zlib.gzipSync(flat.join('\r\n') + '\r\n'));
    writeFileSync(path.join(drop, 'acc_20251124T0200.profile.likes.count'), String(flat.length));

    const { made } = countingGzip();
    const r = await inspectDrop(drop);
    expect(made.sort()).toEqual(['acc_20251124T0200.csv.gz', 'acc_20251124T0200.profile.likes.csv.gz']);
    const t = Object.fromEntries(r.tables.map((x) => [x.name, x]));
    expect([t['acc'].rows, t['acc'].declaredRows, t['acc'].columns]).toEqual([N, N, ['email', 'UID', 'country']]);
    expect(t['acc.profile.likes'].rows).toBe(flat.length);
    const kinds = r.problems.map((p) => p.kind);
    expect(kinds).toEqual(['orphan-rows']);
    expect(r.problems[0].detail).toMatchObject({ orphans: 3, column: 1, examples: ['_gid_absent0', '_gid_absent1', '_gid_absent2'] });
    expect(r.attributes['dialect:acc']).toBe("delimiter ';', quote '\"', header");
    expect(r.attributes['dialect:acc.profile.likes']).toMatch(/delimiter ',', quote '"', no header/);
  });

  it('JSON lines main: ids taken from the records the counter parsed', async () => {
    const drop = tempDir('di-extracts-once-json-');
    dirs.push(drop);
    mkdirSync(drop, { recursive: true });
    const main = Array.from({ length: N }, (_, i) => JSON.stringify({ UID: uid(i), profile: { age: i % 90 } })).join('\n') + '\n';
    writeFileSync(path.join(drop, 'acc_20251124T0200.jsonl.gz'), zlib.gzipSync(main));
    writeFileSync(path.join(drop, 'acc_20251124T0200.count'), String(N));
    const flat = [`"a","${uid(7)}","","Book","X"`, `"b","_gid_gone","","Book","Y"`];
    writeFileSync(path.join(drop, 'acc_20251124T0200.profile.likes.csv.gz'), zlib.gzipSync(flat.join('\n') + '\n'));
    writeFileSync(path.join(drop, 'acc_20251124T0200.profile.likes.count'), '2');

    const { made } = countingGzip();
    const r = await inspectDrop(drop);
    expect(made).toHaveLength(2);
    const t = Object.fromEntries(r.tables.map((x) => [x.name, x]));
    expect([t['acc'].rows, t['acc'].columns]).toEqual([N, ['UID', 'profile.age']]);
    expect(r.problems.map((p) => [p.kind, p.detail?.orphans, p.detail?.examples])).toEqual([['orphan-rows', 1, ['_gid_gone']]]);
  });

  it('a truncated main file: readable records told, no orphans judged against it', async () => {
    const drop = tempDir('di-extracts-once-trunc-');
    dirs.push(drop);
    mkdirSync(drop, { recursive: true });
    const main = 'UID,email\n' + Array.from({ length: N * 4 }, (_, i) => `${uid(i)},u${i}@x.org`).join('\n') + '\n';
    const gz = zlib.gzipSync(main);
    writeFileSync(path.join(drop, 'acc_20251124T0200.csv.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
    writeFileSync(path.join(drop, 'acc_20251124T0200.count'), String(N * 4));
    writeFileSync(path.join(drop, 'acc_20251124T0200.profile.likes.csv.gz'), zlib.gzipSync(`"a","${uid(N * 3)}","","Book","X"\n`));
    writeFileSync(path.join(drop, 'acc_20251124T0200.profile.likes.count'), '1');
    const r = await inspectDrop(drop);
    expect(r.problems.map((p) => p.kind)).toEqual(['archive-corrupt']);
    const readable = r.problems[0].detail?.readableRecords as number;
    expect(readable).toBeGreaterThan(0);
    expect(readable).toBeLessThan(N * 4);
    expect(r.tables.find((x) => x.name === 'acc')!.rows).toBeNull();
  });
});
