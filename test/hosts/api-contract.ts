// The API contract both hosts must honour, as ONE suite: run against the HTTP host (through
// a Node HTTP client) and against Electron IPC (main's handlers + the preload's client over
// an in-memory ipcMain/ipcRenderer pair). Same calls, same answers, same error codes.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { API_METHODS, type DropInspectorApi, type EngineEvent } from '../../src/shared/api';
import { BOOM, FakeApi, fakeReport, TOO_NEW } from './fake-api';

export interface ContractHarness {
  /** The client under test, talking to a host that serves `fake`. */
  client: DropInspectorApi;
  close(): Promise<void>;
}

export type HarnessFactory = (fake: FakeApi) => Promise<ContractHarness>;

export function apiContractSuite(hostName: string, factory: HarnessFactory): void {
  describe(`DropInspectorApi contract over ${hostName}`, () => {
    let dir: string;
    let drop: string;
    let fake: FakeApi;
    let harness: ContractHarness;
    let api: DropInspectorApi;

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'di-contract-'));
      drop = join(dir, 'drop one');
      mkdirSync(drop);
      mkdirSync(join(dir, BOOM));
      mkdirSync(join(dir, TOO_NEW));
      writeFileSync(join(dir, 'a-file.txt'), 'not a folder');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    beforeEach(async () => {
      fake = new FakeApi();
      harness = await factory(fake);
      api = harness.client;
    });
    afterEach(async () => {
      await harness.close();
    });

    it('offers exactly the API methods plus onEvent', () => {
      const own = Object.keys(api).filter(
        (k) => typeof (api as unknown as Record<string, unknown>)[k] === 'function',
      );
      expect(own.filter((k) => k !== 'close').sort()).toEqual([...API_METHODS, 'onEvent'].sort());
    });

    it('carries the table browser: a page of rows with nasty cells, and the view checked', async () => {
      const page = await api.getRows('h1', { offset: 5, limit: 2, sort: { column: 'SUBJECT', desc: true }, filter: [{ op: 'contains', value: 'x' }] });
      expect(page.rows).toEqual([
        ['5', 'a,"b"\nc', ''],
        ['6', 'a,"b"\nc', ''],
      ]);
      expect(fake.callsOf('getRows')[0].args).toEqual(['h1', { offset: 5, limit: 2, sort: { column: 'SUBJECT', desc: true }, filter: [{ op: 'contains', value: 'x' }] }]);
      expect((await api.openTable(drop, { table: 'interaction_fact', scope: { chunk: 'export_1' } })).handle).toBe('h1');
      await expect(api.getRows('h1', { offset: -1, limit: 2 })).rejects.toMatchObject({ code: 'bad-request' });
      await expect(api.getRows('h1', { offset: 0, limit: 1e9 })).rejects.toMatchObject({ code: 'bad-request' });
      await expect(api.getRows('h1', { offset: 0, limit: 1, filter: [{ op: 'drop-table' as 'equals' }] })).rejects.toMatchObject({ code: 'bad-request' });
      await expect(api.openTable(drop, { table: 't', scope: 'everything' as 'all' })).rejects.toMatchObject({ code: 'bad-request' });
      expect(fake.callsOf('openTable')).toHaveLength(1);
    });

    it('carries a table\'s dialect override to the engine, checked', async () => {
      await api.openTable(drop, { table: 'accounts', scope: 'all', dialect: { delimiter: '\t', quote: null, header: false } });
      expect(fake.callsOf('openTable')[0].args).toEqual([drop, { table: 'accounts', scope: 'all', dialect: { delimiter: '\t', quote: null, header: false } }]);
      for (const dialect of [{ delimiter: ';;' }, { delimiter: '\n' }, { quote: 'xy' }, { header: 'no' }, { delimiter: '"' }, { delimiter: "'", quote: "'" }, 'tab'])
        await expect(api.openTable(drop, { table: 't', scope: 'all', dialect: dialect as never })).rejects.toMatchObject({ code: 'bad-request' });
      expect(fake.callsOf('openTable')).toHaveLength(1);
    });

    it('recentDrops answers the engine’s list unchanged', async () => {
      expect(await api.recentDrops()).toEqual(fake.recent);
      expect(fake.callsOf('recentDrops')).toHaveLength(1);
    });

    it('initialDrop answers the engine’s value, null included', async () => {
      expect(await api.initialDrop()).toBe('/data/drops/alpha');
      fake.initial = null;
      expect(await api.initialDrop()).toBeNull();
    });

    it('pickFolder answers the host’s value', async () => {
      expect(await api.pickFolder()).toBeNull();
      fake.picked = drop;
      expect(await api.pickFolder()).toBe(drop);
    });

    it('startScan passes the checked drop and options and answers the job id', async () => {
      expect(await api.startScan(drop)).toEqual({ jobId: 'job-1' });
      expect(await api.startScan(drop + '/', { verify: true, cadenceSeconds: 3600 })).toEqual({
        jobId: 'job-2',
      });
      expect(fake.callsOf('startScan')).toEqual([
        { method: 'startScan', args: [drop] },
        // Normalized: no trailing slash.
        { method: 'startScan', args: [drop, { verify: true, cadenceSeconds: 3600 }] },
      ]);
    });

    it('getReport round-trips the report (nested values, unicode)', async () => {
      const options = { asOf: '2024-05-02T00:00:00.000Z', cadenceSeconds: 7200 };
      expect(await api.getReport(drop, options)).toEqual(fakeReport(drop, options));
    });

    it('exportReport answers each format', async () => {
      for (const format of ['json', 'md', 'csv', 'html'] as const) {
        const exported = await api.exportReport(drop, format);
        expect(exported.fileName).toBe(`report.${format}`);
        expect(exported.content).toContain('✓ "quoted" \n line2');
      }
    });

    it('cancelScan and watchDrop resolve to undefined', async () => {
      await expect(api.cancelScan('job-1')).resolves.toBeUndefined();
      await expect(api.watchDrop(drop, true)).resolves.toBeUndefined();
      expect(fake.callsOf('watchDrop')).toEqual([{ method: 'watchDrop', args: [drop, true] }]);
    });

    describe('rejects bad arguments before the engine sees them', () => {
      const cases: [string, (api: DropInspectorApi, dir: string) => Promise<unknown>, string][] = [
        ['a relative path', (a) => a.getReport('relative/drop'), 'bad-request'],
        ['a missing folder', (a, d) => a.startScan(join(d, 'nope')), 'not-found'],
        ['a file', (a, d) => a.watchDrop(join(d, 'a-file.txt'), true), 'not-a-directory'],
        ['a path with NUL', (a, d) => a.getReport(join(d, 'drop one') + '\0x'), 'bad-request'],
        ['a non-string drop', (a) => a.getReport(42 as unknown as string), 'bad-request'],
        ['an unknown format', (a, d) => a.exportReport(join(d, 'drop one'), 'pdf' as 'md'), 'bad-request'],
        [
          'an unknown option',
          (a, d) => a.startScan(join(d, 'drop one'), { bogus: 1 } as never),
          'bad-request',
        ],
        [
          'a wrong option type',
          (a, d) => a.startScan(join(d, 'drop one'), { verify: 'yes' } as never),
          'bad-request',
        ],
        [
          'a non-boolean watch flag',
          (a, d) => a.watchDrop(join(d, 'drop one'), 'on' as unknown as boolean),
          'bad-request',
        ],
        ['a non-string job id', (a) => a.cancelScan(7 as unknown as string), 'bad-request'],
      ];
      for (const [name, run, code] of cases) {
        it(name, async () => {
          await expect(run(api, dir)).rejects.toMatchObject({ code });
          expect(fake.calls).toEqual([]);
        });
      }
    });

    it('keeps the code of an engine error that has one', async () => {
      await expect(api.cancelScan('missing')).rejects.toMatchObject({
        code: 'not-found',
        message: 'No scan job missing',
      });
      await expect(api.getReport(join(dir, TOO_NEW))).rejects.toMatchObject({
        code: 'catalog-too-new',
        message: 'The catalog was written by a newer version.',
      });
    });

    it('turns any other engine error into internal, with its message', async () => {
      await expect(api.getReport(join(dir, BOOM))).rejects.toMatchObject({
        code: 'internal',
        message: 'kaboom: the fake engine failed',
      });
    });

    it('delivers engine events until unsubscribed', async () => {
      const received: EngineEvent[] = [];
      const unsubscribe = api.onEvent((e) => received.push(e));
      const event: EngineEvent = {
        type: 'scan-progress',
        progress: {
          jobId: 'job-1',
          drop,
          phase: 'scanning',
          chunksDone: 1,
          chunksTotal: 3,
          bytesDone: 10,
          bytesTotal: 30,
          chunksReused: 0,
          elapsedMs: 5,
          etaMs: null,
        },
      };
      // The HTTP stream connects asynchronously: emit until the first one arrives.
      await vi.waitFor(
        () => {
          if (received.length === 0) fake.emit(event);
          expect(received.length).toBeGreaterThan(0);
        },
        { timeout: 5000, interval: 50 },
      );
      expect(received[0]).toEqual(event);
      const second: EngineEvent = { type: 'report-updated', drop };
      const before = received.length;
      fake.emit(second);
      await vi.waitFor(() => expect(received.length).toBe(before + 1));
      expect(received.at(-1)).toEqual(second);

      unsubscribe();
      await new Promise((r) => setTimeout(r, 100));
      const after = received.length;
      fake.emit(second);
      await new Promise((r) => setTimeout(r, 100));
      expect(received.length).toBe(after);
    });
  });
}
