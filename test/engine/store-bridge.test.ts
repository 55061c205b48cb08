// The store bridge: a worker's BridgedStore reads through the coordinator's store over a
// real MessageChannel (as a worker's port does): stat, ranged reads, streams with flow
// control and early cancellation, and errors keep their kind (ObjectChanged, EngineError).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/model';
import { BridgedStore, StoreServer, type StoreReply, type StoreRequest } from '../../src/engine/storage/bridge';
import { LocalStore } from '../../src/engine/storage/local-store';
import { ObjectChanged, type DropStore } from '../../src/engine/storage/types';

describe('store bridge', () => {
  let dir: string;
  let channel: MessageChannel;
  let bridged: BridgedStore;
  let store: DropStore;
  const big = Buffer.from(Array.from({ length: 12 << 20 }, (_, i) => (i * 7) % 256));

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'di-bridge-'));
    writeFileSync(path.join(dir, 'a.bin'), big);
    writeFileSync(path.join(dir, 'b.txt'), 'hello bridge\n');
    const local = new LocalStore(dir);
    // The coordinator's store, with one object that was "replaced" and one that fails.
    store = {
      kind: 'local',
      location: local.location,
      stats: local.stats,
      list: () => local.list(),
      stat: (rel) => local.stat(rel),
      read: (rel, s, e) => (rel === 'changed.bin' ? Promise.reject(new ObjectChanged(rel)) : rel === 'denied.bin' ? Promise.reject(new EngineError('unreadable', 'access denied: denied.bin')) : local.read(rel, s, e)),
      stream: (rel, o) => local.stream(rel, o),
      localPath: () => null,
      close: () => local.close(),
    };
    channel = new MessageChannel();
    const server = new StoreServer((m) => channel.port1.postMessage(m));
    channel.port1.on('message', (m: StoreRequest) => server.handle(store, m));
    bridged = new BridgedStore('local', dir, (m) => channel.port2.postMessage(m));
    channel.port2.on('message', (m: StoreReply) => bridged.receive(m));
  });
  afterAll(() => {
    channel.port1.close();
    channel.port2.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stats and reads byte ranges', async () => {
    expect((await bridged.stat('b.txt'))?.size).toBe(13);
    expect(await bridged.stat('nope.txt')).toBeNull();
    expect((await bridged.read('b.txt', 6, 12)).toString()).toBe('bridge');
    const r = await bridged.read('a.bin', 1_000_000, 1_000_100);
    expect(r.equals(big.subarray(1_000_000, 1_000_100))).toBe(true);
    expect(bridged.stats.bytesRead).toBeGreaterThanOrEqual(106);
  });

  it('streams a whole object in order, with back-pressure', async () => {
    const parts: Buffer[] = [];
    for await (const chunk of bridged.stream('a.bin') as AsyncIterable<Buffer>) {
      parts.push(chunk);
      // A slow consumer: the server is asked to pause and resume.
      if (parts.length % 8 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    expect(Buffer.concat(parts).equals(big)).toBe(true);
  });

  it('stops a stream the consumer abandons', async () => {
    let got = 0;
    for await (const chunk of bridged.stream('a.bin', { start: 10, end: 9 << 20 }) as AsyncIterable<Buffer>) {
      got += chunk.length;
      if (got > 1 << 20) break;
    }
    expect(got).toBeGreaterThan(1 << 20);
    // The bridge still serves afterwards.
    expect((await bridged.read('b.txt', 0, 5)).toString()).toBe('hello');
  });

  it('keeps the kind of an error', async () => {
    await expect(bridged.read('changed.bin', 0, 4)).rejects.toBeInstanceOf(ObjectChanged);
    const e = await bridged.read('denied.bin', 0, 4).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(EngineError);
    expect((e as EngineError).code).toBe('unreadable');
    expect((e as Error).message).toBe('access denied: denied.bin');
    const s = await (async () => {
      for await (const _ of bridged.stream('missing.bin') as AsyncIterable<Buffer>) void _;
    })().catch((x: unknown) => x);
    expect(s).toBeInstanceOf(Error);
  });
});
