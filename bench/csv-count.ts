// Micro-benchmark of the CSV record counter: node --import tsx bench/csv-count.ts [MiB]
//
// Generates two tables in memory (typical rows ~150 bytes with few quotes; quote-heavy rows
// with every text field quoted, doubled quotes and quoted line breaks), and, when the bench
// drop exists (npm run bench makes it), inflates the members of its first REAL_ZIPS (default
// 4) chunks into memory: real Info Mart tables (~100-byte rows, ~10 columns, a few quotes).
// Feeds each in 1 MiB chunks like the zip inflater does (every real member with its own
// counter) and prints MB/s (10^6 bytes per second): median and best of RUNS (default 7) runs,
// by wall clock and by process CPU time (steadier on a busy machine), and the load average.
// Variants, each in its own process:
//   S   CsvRecordCounter as shipped: the WebAssembly SIMD kernel after the header
//   A   CsvRecordCounter with simd: false (the JS word-at-a-time SWAR loop + byte loop)
//   A'  CsvRecordCounter with wordSkip: false (the JS byte loop only: the plain state machine)
//   B   timing sketch: Buffer.indexOf for LF and '"', a one-compare loop for delimiters in
//       quote-free rows (records and mismatches only; sloppy with quotes across chunks)
//   C   timing sketch: one byte loop dispatching on a state variable per byte (switch)
//   Z   zlib: raw inflate alone, and inflate + CsvRecordCounter (S, A), streamed in 1 MiB chunks
// Usage: node --import tsx bench/csv-count.ts [MiB per table, default 64]
//        BENCH_ONLY=1 (variants S and A only), RUNS=n (default 7), REAL_ZIPS=n (0: none),
//        BENCH_DROP=dir (default bench/.data/gim-60x6-500MB)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import yauzl from 'yauzl';
import type { CsvCountOptions } from '../src/engine/csv/count-types';
import { CsvRecordCounter } from '../src/engine/csv/record-counter';
import { CSV_SIMD_AVAILABLE } from '../src/engine/csv/simd-scan';

const MiB = 1024 * 1024;
const totalMiB = Number(process.argv[2] ?? 64);
const RUNS = Number(process.env.RUNS ?? 7);
const REAL_ZIPS = Number(process.env.REAL_ZIPS ?? 4);
const DROP = process.env.BENCH_DROP ?? fileURLToPath(new URL('./.data/gim-60x6-500MB', import.meta.url));

/** The CSV members of the drop's first REAL_ZIPS chunk archives, inflated. */
async function realMembers(): Promise<Buffer[]> {
  if (REAL_ZIPS <= 0 || !existsSync(DROP)) return [];
  const zips = readdirSync(DROP, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .slice(0, REAL_ZIPS)
    .map((d) => path.join(DROP, d, `${d}.zip`))
    .filter((z) => existsSync(z));
  const out: Buffer[] = [];
  for (const zip of zips) {
    const zf = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(zip, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))),
    );
    await new Promise<void>((resolve, reject) => {
      zf.on('entry', (entry: yauzl.Entry) => {
        if (!entry.fileName.endsWith('.csv')) return zf.readEntry();
        zf.openReadStream(entry, (err, stream) => {
          if (err) return reject(err);
          const parts: Buffer[] = [];
          stream.on('data', (c: Buffer) => parts.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            out.push(Buffer.concat(parts));
            zf.readEntry();
          });
        });
      });
      zf.on('end', resolve);
      zf.on('error', reject);
      zf.readEntry();
    });
  }
  return out;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const words = [
  'alpha',
  'Bravo',
  'charlie',
  'délta',
  'echo',
  'foxtrot',
  'Golf',
  'hotel',
  'India',
  'juliett',
  'kilo',
  'Лима',
  'mike',
  'november',
  '東京',
];

function typicalTable(bytes: number): Buffer {
  const r = rng(1);
  const lines: string[] = [
    'id,created_at,customer_id,first_name,last_name,city,country,amount,currency,status,score,notes,email,phone',
  ];
  let size = lines[0].length + 1;
  let id = 1;
  while (size < bytes) {
    const w = () => words[Math.floor(r() * words.length)];
    const notes = r() < 0.05 ? `"${w()}, ${w()} ${w()}"` : `${w()} ${w()} ${w()}`;
    const line = [
      id++,
      `2024-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 10)}T12:${10 + Math.floor(r() * 50)}:00Z`,
      Math.floor(r() * 1e9),
      w(),
      w() + 'son',
      w() + ' City',
      'DE',
      (r() * 10000).toFixed(2),
      'EUR',
      r() < 0.5 ? 'shipped' : 'pending',
      Math.floor(r() * 100),
      notes,
      `${w().toLowerCase()}.${Math.floor(r() * 1000)}@example.com`,
      `+49 30 ${Math.floor(r() * 1e7)}`,
    ].join(',');
    lines.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  return Buffer.from(lines.join('\n') + '\n');
}

function quoteHeavyTable(bytes: number): Buffer {
  const r = rng(2);
  const lines: string[] = ['"id","name","comment","tags","amount"'];
  let size = lines[0].length + 2;
  let id = 1;
  while (size < bytes) {
    const w = () => words[Math.floor(r() * words.length)];
    const comment =
      r() < 0.3
        ? `He said ""${w()}"", then ${w()}`
        : r() < 0.2
          ? `line one\r\nline ${w()}`
          : `${w()}, ${w()}, ${w()}`;
    const line = `"${id++}","${w()} ${w()}","${comment}","${w()};${w()}","${(r() * 100).toFixed(2)}"`;
    lines.push(line);
    size += Buffer.byteLength(line) + 2;
  }
  return Buffer.from(lines.join('\r\n') + '\r\n');
}

// ---- alternative B: indexOf-based ----------------------------------------------------------
function countIndexOf(data: Buffer, chunkSize: number): { records: number; bad: number } {
  // Simplified: only handles rows whose quotes do not span chunks correctly enough for timing;
  // falls back to a byte state machine for any row containing a quote.
  let records = 0;
  let bad = 0;
  let hdr = -1;
  let delims = 0;
  let inQ = false;
  let atFieldStart = true;
  for (let off = 0; off < data.length; off += chunkSize) {
    const b = data.subarray(off, Math.min(off + chunkSize, data.length));
    const n = b.length;
    let i = 0;
    let nextQuote = inQ ? 0 : b.indexOf(0x22, 0);
    if (nextQuote < 0) nextQuote = n;
    while (i < n) {
      if (!inQ) {
        let nl = b.indexOf(0x0a, i);
        if (nl < 0) nl = n;
        if (nextQuote >= nl) {
          // quote-free stretch up to the LF: count delimiters with one compare per byte
          for (let j = i; j < nl; j++) if (b[j] === 0x2c) delims++;
          if (nl < n) {
            if (hdr < 0) hdr = delims + 1;
            else {
              records++;
              if (delims + 1 !== hdr) bad++;
            }
            delims = 0;
            atFieldStart = true;
          }
          i = nl + 1;
          continue;
        }
        // a quote before the LF: byte-wise up to the quote
        for (let j = i; j < nextQuote; j++) {
          if (b[j] === 0x2c) {
            delims++;
            atFieldStart = true;
          } else atFieldStart = false;
        }
        i = nextQuote;
        if (atFieldStart || (i > 0 && b[i - 1] === 0x2c)) inQ = true;
        i++;
        if (!inQ) {
          nextQuote = b.indexOf(0x22, i);
          if (nextQuote < 0) nextQuote = n;
        }
      } else {
        // find the closing quote
        let q = b.indexOf(0x22, i);
        while (q >= 0 && q + 1 < n && b[q + 1] === 0x22) q = b.indexOf(0x22, q + 2);
        if (q < 0) break;
        inQ = false;
        atFieldStart = false;
        i = q + 1;
        nextQuote = b.indexOf(0x22, i);
        if (nextQuote < 0) nextQuote = n;
      }
    }
  }
  return { records, bad };
}

// ---- alternative C: one loop, switch on state per byte --------------------------------------
function countSwitch(data: Buffer, chunkSize: number): { records: number; bad: number } {
  let records = 0;
  let bad = 0;
  let hdr = -1;
  let delims = 0;
  let state = 4; // 0 field start, 1 unquoted, 2 quoted, 3 quote in quoted, 4 record start
  for (let off = 0; off < data.length; off += chunkSize) {
    const b = data.subarray(off, Math.min(off + chunkSize, data.length));
    const n = b.length;
    for (let i = 0; i < n; i++) {
      const c = b[i];
      switch (state) {
        case 4:
        case 0:
        case 1:
          if (c === 0x22 && state !== 1) state = 2;
          else if (c === 0x2c) {
            delims++;
            state = 0;
          } else if (c === 0x0a || c === 0x0d) {
            if (state !== 4) {
              if (hdr < 0) hdr = delims + 1;
              else {
                records++;
                if (delims + 1 !== hdr) bad++;
              }
              delims = 0;
              state = 4;
            }
          } else state = 1;
          break;
        case 2:
          if (c === 0x22) state = 3;
          break;
        case 3:
          if (c === 0x22) state = 2;
          else if (c === 0x2c) {
            delims++;
            state = 0;
          } else if (c === 0x0a || c === 0x0d) {
            if (hdr < 0) hdr = delims + 1;
            else {
              records++;
              if (delims + 1 !== hdr) bad++;
            }
            delims = 0;
            state = 4;
          } else state = 1;
          break;
      }
    }
  }
  return { records, bad };
}

function feed(data: Buffer, chunkSize: number, options: CsvCountOptions): { records: number; bad: number } {
  const c = new CsvRecordCounter(options);
  for (let off = 0; off < data.length; off += chunkSize)
    c.push(data.subarray(off, Math.min(off + chunkSize, data.length)));
  const r = c.finish();
  return { records: r.records, bad: r.malformedRows };
}

/** Every member with its own counter, as the scan does. */
function feedAll(
  members: Buffer[],
  chunkSize: number,
  options: CsvCountOptions,
): { records: number; bad: number } {
  let records = 0;
  let bad = 0;
  for (const m of members) {
    const r = feed(m, chunkSize, options);
    records += r.records;
    bad += r.bad;
  }
  return { records, bad };
}

function time(label: string, data: { length: number }, fn: () => { records: number; bad: number }): void {
  fn(); // warm up
  const wall: number[] = [];
  const cpu: number[] = [];
  let last = { records: 0, bad: 0 };
  for (let k = 0; k < RUNS; k++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    last = fn();
    const t1 = process.hrtime.bigint();
    const c1 = process.cpuUsage(c0);
    wall.push(data.length / 1e6 / (Number(t1 - t0) / 1e9));
    cpu.push(data.length / (c1.user + c1.system)); // bytes per microsecond = MB/s
  }
  const sorted = (a: number[]) => [...a].sort((x, y) => x - y);
  const w = sorted(wall);
  const c = sorted(cpu);
  const med = (a: number[]) => a[a.length >> 1].toFixed(0).padStart(5);
  console.log(
    `${label.padEnd(40)} wall ${med(w)} MB/s (best ${w[w.length - 1].toFixed(0)})  cpu ${med(c)} MB/s (best ${c[c.length - 1].toFixed(0)})  records=${last.records} bad=${last.bad}`,
  );
}

async function timeInflate(
  label: string,
  packed: Buffer,
  size: number,
  count: CsvCountOptions | null,
): Promise<void> {
  const once = async (): Promise<number> => {
    const c = new CsvRecordCounter(count ?? {});
    const t0 = process.hrtime.bigint();
    await pipeline(
      Readable.from([packed]),
      zlib.createInflateRaw({ chunkSize: MiB }),
      async (src: AsyncIterable<Buffer>) => {
        for await (const chunk of src) if (count) c.push(chunk);
      },
    );
    c.finish();
    return size / 1e6 / (Number(process.hrtime.bigint() - t0) / 1e9);
  };
  await once();
  const runs: number[] = [];
  for (let k = 0; k < RUNS; k++) runs.push(await once());
  runs.sort((x, y) => x - y);
  console.log(
    `${label.padEnd(40)} wall ${runs[runs.length >> 1].toFixed(0).padStart(5)} MB/s (best ${runs[runs.length - 1].toFixed(0)}) of inflated bytes`,
  );
}

// Each variant runs in its own process: they would otherwise share (and spoil) V8's type
// feedback and optimized code, and the numbers would depend on the order of the runs.
const variant = process.env.CSV_BENCH_VARIANT;
if (!variant) {
  const load = () =>
    os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
  console.log(
    `${totalMiB} MiB per table, 1 MiB chunks, node ${process.version}, MB/s = 10^6 bytes/s, median and best of ${RUNS} runs; wall clock and process CPU time`,
  );
  console.log(
    `${os.cpus()[0]?.model ?? '?'}, ${os.cpus().length} CPUs, load average ${load()}; Wasm SIMD kernel ${CSV_SIMD_AVAILABLE ? 'available' : 'UNAVAILABLE (S = A)'}`,
  );
  const variants = process.env.BENCH_ONLY ? ['S', 'A'] : ['S', 'A', "A'", 'B', 'C', 'Z'];
  for (const v of variants) {
    const r = spawnSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), String(totalMiB)],
      {
        env: { ...process.env, CSV_BENCH_VARIANT: v },
        stdio: 'inherit',
      },
    );
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  console.log(`load average ${load()}`);
} else {
  const typical = typicalTable(totalMiB * MiB);
  const heavy = quoteHeavyTable(totalMiB * MiB);
  const real = variant === 'S' || variant === 'A' || variant === "A'" ? await realMembers() : [];
  const lineLen = (t: Buffer) => (t.length / (t.filter((x) => x === 0x0a).length || 1)).toFixed(0);
  if (variant === 'S') {
    console.log(`typical rows ~${lineLen(typical)} B; quote-heavy ~${lineLen(heavy)} B per line`);
    if (real.length > 0) {
      const bytes = real.reduce((n, m) => n + m.length, 0);
      const lines = real.reduce((n, m) => n + m.filter((x) => x === 0x0a).length, 0);
      console.log(
        `real: ${real.length} members of the first ${REAL_ZIPS} chunks of ${path.basename(DROP)}, ${(bytes / 1e6).toFixed(1)} MB, ~${(bytes / lines).toFixed(0)} B per line`,
      );
    } else console.log(`real: no bench drop at ${DROP} (npm run bench makes it); skipped`);
  }
  const sets: [string, Buffer[]][] = [
    ['typical', [typical]],
    ['quote-heavy', [heavy]],
  ];
  if (real.length > 0) sets.push(['real', real]);
  for (const [name, members] of sets) {
    const data = members[0];
    const size = { length: members.reduce((n, m) => n + m.length, 0) };
    if (variant === 'S') time(`S  CsvRecordCounter (SIMD) ${name}`, size, () => feedAll(members, MiB, {}));
    if (variant === 'A')
      time(`A  same, simd: false (SWAR) ${name}`, size, () => feedAll(members, MiB, { simd: false }));
    if (variant === "A'")
      time(`A' same, JS byte loop only ${name}`, size, () => feedAll(members, MiB, { wordSkip: false }));
    if (variant === 'B') time(`B  indexOf + comma loop    ${name}`, data, () => countIndexOf(data, MiB));
    if (variant === 'C') time(`C  switch per byte         ${name}`, data, () => countSwitch(data, MiB));
    if (variant === 'Z') {
      const packed = zlib.deflateRawSync(data, { level: 6 });
      await timeInflate(`Z  inflate only            ${name}`, packed, data.length, null);
      await timeInflate(`Z  inflate + count (S)     ${name}`, packed, data.length, {});
      await timeInflate(`Z  inflate + count (A)     ${name}`, packed, data.length, { simd: false });
    }
  }
}
