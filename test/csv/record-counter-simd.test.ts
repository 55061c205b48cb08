import { describe, expect, it } from 'vitest';
import { itIsAFreshCompile } from '../wasm-freshness';
import { CsvRecordCounter, countCsvBuffer } from '../../src/engine/csv/record-counter';
import { CSV_SIMD_AVAILABLE } from '../../src/engine/csv/simd-scan';
import { SIMD_KERNEL_WASM_BASE64 } from '../../src/engine/csv/simd-kernel.wasm';
import { RFC4180 } from '../../src/shared/family';
import { dia, bytes, countChunks, splitAt, expectAllPaths, reference, rng } from './record-counter-helpers';

describe('SIMD kernel (simd-kernel.wat)', () => {
  it('is available on this Node.js (else every test above compared the JS path with itself)', () => {
    expect(CSV_SIMD_AVAILABLE).toBe(true);
  });

  itIsAFreshCompile('simd-kernel', SIMD_KERNEL_WASM_BASE64);

  // The kernel reads 64-byte blocks (four 16-byte vectors) from where it takes over: after the
  // header's terminator, at each chunk start, and one byte after a CR that ended a byte-loop
  // stretch. A special byte sequence at every offset mod 64 of such a block, in plain data,
  // hits every lane of every vector and both sides of every block boundary.
  const specials = [
    '"',
    '""',
    '"""',
    '\r',
    '\n',
    '\r\n',
    '\n\n',
    '\r\r\n',
    ',',
    ',,',
    ',"x,y"',
    ',"a""b"',
    ',"p\nq"',
    ',"p\r\nq"',
    ',"p\rq"',
    ',"',
    'x"y',
    ',"x"y"z',
    '\n"',
    '\n""\n',
    '"\r',
  ];

  it('a special sequence at every offset mod 64 (twice per input), in one push and split inside blocks', () => {
    const r = rng(64);
    const filler = 'abcdefg,hij,klmnop\n';
    for (const sp of specials) {
      for (let off = 0; off < 130; off++) {
        const head = 'h1,h2,h3\n';
        let body = '';
        while (body.length < off) body += filler;
        body = body.slice(0, off);
        const off2 = Math.floor(r() * 64);
        let tail = filler.repeat(4).slice(0, 64 + off2);
        tail += sp + filler.repeat(5);
        const buf = bytes(head + body + sp + tail);
        const want = reference(buf);
        const cut = Math.floor(r() * buf.length);
        expectAllPaths(
          buf,
          want,
          {},
          [[cut], [cut, cut + 1 + Math.floor(r() * 70)]],
          JSON.stringify(sp) + ` @${off}`,
        );
      }
    }
  });

  it('random inputs mixing plain 64-byte stretches with dense specials = reference, any chunking', () => {
    const r = rng(1664);
    const tokens = ['abc', 'defghij', ',', ',', '"', '""', '","', '\n', '\n', '\r\n', '\r', 'x', ' ', 'é'];
    const plain = ['abcdefgh,ij,', 'klmnopqrstu,', 'vw\n', 'xyz,12345678,90\n'];
    for (let iter = 0; iter < 1500; iter++) {
      const dense = r() * r(); // mostly plain
      let s = r() < 0.5 ? 'a,b,c\n' : r() < 0.5 ? '"a","b,c",d\r\n' : '';
      const len = Math.floor(r() * (iter % 10 === 0 ? 4000 : 600));
      while (s.length < len) {
        s += r() < dense ? tokens[Math.floor(r() * tokens.length)] : plain[Math.floor(r() * plain.length)];
      }
      const buf = bytes(s);
      const want = reference(buf);
      const cuts: number[] = [];
      for (let p = Math.floor(r() * 100); p < buf.length; p += 1 + Math.floor(r() * 150)) cuts.push(p);
      expectAllPaths(buf, want, {}, [cuts], JSON.stringify(s));
    }
  });

  it('malformed-record samples beyond what one kernel call can hold; odd sample limits', () => {
    // 150,000 one-field records under a two-field header: more than the kernel describes per call.
    const buf = bytes('a,b\n' + '1\n'.repeat(150_000));
    for (const max of [0, 1, 2.5, 20, 40_000, 1e9, Infinity]) {
      const want = countCsvBuffer(buf, { maxMalformedSamples: max, simd: false });
      expect(want.malformedRows).toBe(150_000);
      expect(want.firstMalformed).toHaveLength(Math.min(Math.ceil(max), 150_000));
      expect(countCsvBuffer(buf, { maxMalformedSamples: max }), `max ${max}`).toEqual(want);
      expect(
        countChunks(splitAt(buf, [5, 70_001, 200_000]), { maxMalformedSamples: max }),
        `max ${max}`,
      ).toEqual(want);
    }
  });

  it('counters sharing the thread-wide kernel, pushed alternately, keep their own state', () => {
    const r = rng(5);
    const inputs = [0, 1, 2].map((k) => {
      let s = ['a,b\n', 'x;y;z\r\n', '"q",r\n'][k];
      while (s.length < 20_000)
        s += ['1,2\n', '"3\n4",5\n', '6;7;8\r\n', '9\n', '"a""b",c\r\n'][Math.floor(r() * 5)];
      return bytes(s);
    });
    const dialects = [RFC4180, dia({ delimiter: ';', quote: null }), dia({ quote: "'", header: false })];
    const counters = inputs.map((_, k) => new CsvRecordCounter({ dialect: dialects[k] }));
    for (let o = 0; o < 20_000; o += 997) inputs.forEach((b, k) => counters[k].push(b.subarray(o, o + 997)));
    counters.forEach((c, k) => expect(c.finish()).toEqual(reference(inputs[k], dialects[k])));
  });
});

// ---------------------------------------------------------------------------------------------

describe('large input', () => {
  it('a 100 MB single line: streamed in 1 MiB chunks, nothing near 100 MB retained', () => {
    const MiB = 1024 * 1024;
    const chunk = new Uint8Array(MiB);
    for (let i = 0; i < MiB; i++) chunk[i] = i % 10 === 9 ? 0x2c : 0x61 + (i % 26); // "abcdefghi,..."
    const total = 100 * 1000 * 1000;
    for (const [withHeader, simd] of [
      [false, true],
      [true, true],
      [true, false],
    ]) {
      const c = new CsvRecordCounter({ simd });
      if (withHeader) c.push(bytes('h1,h2\n'));
      global.gc?.();
      const before = process.memoryUsage();
      let maxGrowth = 0;
      for (let sent = 0; sent < total; sent += MiB) {
        c.push(chunk.subarray(0, Math.min(MiB, total - sent)));
        if ((sent / MiB) % 10 === 0) {
          const m = process.memoryUsage();
          maxGrowth = Math.max(maxGrowth, m.arrayBuffers - before.arrayBuffers, m.heapUsed - before.heapUsed);
        }
      }
      const r = c.finish();
      expect(maxGrowth).toBeLessThan(40 * MiB);
      expect(r.bytes).toBe(total + (withHeader ? 6 : 0));
      if (withHeader) {
        expect(r).toMatchObject({ header: ['h1', 'h2'], records: 1, malformedRows: 1, headerTooLong: false });
        // fields: a comma every 10 bytes of each 1 MiB chunk
        const perChunk = Math.floor(MiB / 10);
        const full = Math.floor(total / MiB);
        const rest = total - full * MiB;
        expect(r.firstMalformed).toEqual([
          { record: 1, fields: full * perChunk + Math.floor(rest / 10) + 1, line: 2 },
        ]);
      } else {
        expect(r).toMatchObject({ header: null, headerTooLong: true, records: 0, lineEnding: null });
      }
    }
  }, 60_000);
});
