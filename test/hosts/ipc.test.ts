// Electron IPC without Electron: main's handlers (src/main/ipc.ts) and the preload's client
// (src/preload/client.ts, wired by src/preload/index.ts) over an in-memory ipcMain /
// ipcRenderer pair. The shared contract suite proves the preload's methods and main's
// handlers match; the rest proves the sender check refuses foreign frames and windows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createHandle,
  createSenderCheck,
  forwardEngineEvents,
  isRendererUrl,
  registerApiHandlers,
  type IpcSenderEvent,
} from '../../src/main/ipc';
import { createIpcClient } from '../../src/preload/client';
import { API_METHODS } from '../../src/shared/api';
import { IPC_CHANNELS } from '../../src/shared/ipc';
import { apiContractSuite } from './api-contract';
import { FakeApi } from './fake-api';
import { createFakeIpc } from './fake-ipc';

// The real 'electron' module cannot load in plain Node. Nothing here may reach it: the
// handlers get the fake ipcMain injected, and the preload's index is given a stand-in.
const electronStub = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoked: [] as { channel: string; args: unknown[] }[],
}));
vi.mock('electron', () => ({
  ipcMain: {
    handle: () => {
      throw new Error('the real ipcMain must not be used in tests');
    },
    removeHandler: () => undefined,
  },
  contextBridge: {
    exposeInMainWorld: (key: string, value: unknown) => electronStub.exposed.set(key, value),
  },
  ipcRenderer: {
    invoke: async (channel: string, ...args: unknown[]) => {
      electronStub.invoked.push({ channel, args });
      return { ok: true, value: `answer of ${channel}` };
    },
    on: () => undefined,
    removeListener: () => undefined,
  },
  webUtils: { getPathForFile: (file: { name: string }) => `/dropped/${file.name}` },
}));

const RENDERER_URL = pathToFileURL('/opt/drop-inspector/out/renderer/index.html').href;
const OUR_ID = 7;
const ours: IpcSenderEvent = { sender: { id: OUR_ID }, senderFrame: { url: RENDERER_URL, parent: null } };
const senderCheck = createSenderCheck({ rendererUrl: RENDERER_URL, isOwnWebContents: (id) => id === OUR_ID });

apiContractSuite('Electron IPC (preload client → fake ipc → main handlers)', async (fake) => {
  const ipc = createFakeIpc();
  const renderer = ipc.renderer(ours);
  const dispose = registerApiHandlers({ api: fake, isTrustedSender: senderCheck, ipcMain: ipc.ipcMain });
  const stopEvents = forwardEngineEvents(fake, () => [renderer.webContents]);
  return {
    client: createIpcClient(renderer.ipcRenderer),
    async close() {
      stopEvents();
      dispose();
      expect(ipc.handlers.size).toBe(0);
    },
  };
});

describe('IPC channels', () => {
  it('one distinct channel per API member, and main registers a handler for every method', () => {
    const channels = Object.values(IPC_CHANNELS);
    expect(new Set(channels).size).toBe(channels.length);
    expect(Object.keys(IPC_CHANNELS).sort()).toEqual([...API_METHODS, 'onEvent'].sort());
    const ipc = createFakeIpc();
    const dispose = registerApiHandlers({
      api: new FakeApi(),
      isTrustedSender: senderCheck,
      ipcMain: ipc.ipcMain,
    });
    expect([...ipc.handlers.keys()].sort()).toEqual(API_METHODS.map((m) => IPC_CHANNELS[m]).sort());
    expect(ipc.handlers.has(IPC_CHANNELS.onEvent)).toBe(false);
    dispose();
  });
});

describe('the sender check', () => {
  const cases: [string, IpcSenderEvent, boolean][] = [
    ['our window showing our renderer', ours, true],
    [
      'our renderer with a hash and query',
      { ...ours, senderFrame: { url: `${RENDERER_URL}?x=1#/report`, parent: null } },
      true,
    ],
    [
      'a foreign site in our window',
      { ...ours, senderFrame: { url: 'https://evil.example/', parent: null } },
      false,
    ],
    [
      'another local file in our window',
      { ...ours, senderFrame: { url: pathToFileURL('/tmp/evil.html').href, parent: null } },
      false,
    ],
    [
      'a file next to our renderer',
      { ...ours, senderFrame: { url: RENDERER_URL.replace('index.html', 'evil.html'), parent: null } },
      false,
    ],
    [
      'a UNC-style file URL',
      {
        ...ours,
        senderFrame: { url: 'file://evil-host/opt/drop-inspector/out/renderer/index.html', parent: null },
      },
      false,
    ],
    [
      'our renderer in a webContents that is not ours',
      { sender: { id: 99 }, senderFrame: { url: RENDERER_URL, parent: null } },
      false,
    ],
    [
      'a subframe of our window',
      { ...ours, senderFrame: { url: RENDERER_URL, parent: { url: RENDERER_URL } } },
      false,
    ],
    ['a frame already gone', { ...ours, senderFrame: null }, false],
    ['a junk URL', { ...ours, senderFrame: { url: 'not a url', parent: null } }, false],
    ['about:blank', { ...ours, senderFrame: { url: 'about:blank', parent: null } }, false],
  ];
  for (const [name, event, expected] of cases) {
    it(`${expected ? 'accepts' : 'refuses'} ${name}`, () => {
      expect(senderCheck(event)).toBe(expected);
    });
  }

  it('accepts the dev server origin only', () => {
    expect(isRendererUrl('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
    expect(isRendererUrl('http://localhost:5173/index.html?x#y', 'http://localhost:5173/')).toBe(true);
    expect(isRendererUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
    expect(isRendererUrl('http://evil.example/', 'http://localhost:5173/')).toBe(false);
    expect(isRendererUrl(RENDERER_URL, 'http://localhost:5173/')).toBe(false);
    expect(isRendererUrl('http://localhost:5173/', RENDERER_URL)).toBe(false);
  });
});

describe('the handle() wrapper rejects foreign senders without calling the handler', () => {
  let drop: string;
  beforeEach(() => {
    drop = mkdtempSync(join(tmpdir(), 'di-ipc-drop-'));
  });
  afterEach(() => rmSync(drop, { recursive: true, force: true }));

  it('createHandle: the predicate says no, the handler never runs', async () => {
    const ipc = createFakeIpc();
    const handler = vi.fn(() => 'secret');
    const { handle } = createHandle(ipc.ipcMain, () => false);
    handle(IPC_CHANNELS.recentDrops, handler);
    await expect(ipc.renderer(ours).ipcRenderer.invoke(IPC_CHANNELS.recentDrops)).rejects.toThrow(
      /not one of this app/,
    );
    expect(handler).not.toHaveBeenCalled();
  });

  it('createHandle: a throwing predicate counts as no', async () => {
    const ipc = createFakeIpc();
    const handler = vi.fn();
    const { handle } = createHandle(ipc.ipcMain, () => {
      throw new Error('boom');
    });
    handle(IPC_CHANNELS.recentDrops, handler);
    await expect(ipc.renderer(ours).ipcRenderer.invoke(IPC_CHANNELS.recentDrops)).rejects.toThrow();
    expect(handler).not.toHaveBeenCalled();
  });

  it('createHandle refuses a channel registered twice', () => {
    const ipc = createFakeIpc();
    const { handle } = createHandle(ipc.ipcMain, () => true);
    handle(IPC_CHANNELS.recentDrops, () => 1);
    expect(() => handle(IPC_CHANNELS.recentDrops, () => 2)).toThrow(/twice/);
  });

  const foreign: [string, IpcSenderEvent][] = [
    [
      'a frame at https://evil.example',
      { sender: { id: OUR_ID }, senderFrame: { url: 'https://evil.example/', parent: null } },
    ],
    [
      'a webContents that is not ours',
      { sender: { id: 1234 }, senderFrame: { url: RENDERER_URL, parent: null } },
    ],
  ];
  for (const [name, sender] of foreign) {
    it(`every API method refuses ${name}; the engine is never called`, async () => {
      const fake = new FakeApi();
      fake.picked = '/secret/folder';
      const ipc = createFakeIpc();
      registerApiHandlers({ api: fake, isTrustedSender: senderCheck, ipcMain: ipc.ipcMain });
      const client = createIpcClient(ipc.renderer(sender).ipcRenderer);
      const attempts: Promise<unknown>[] = [
        client.recentDrops(),
        client.initialDrop(),
        client.startScan(drop),
        client.cancelScan('job-1'),
        client.getReport(drop),
        client.openDrop(drop),
        client.exportReport(drop, 'json'),
        client.watchDrop(drop, true),
        client.pickFolder(),
        client.browseFolder(null),
        client.getJudgement(drop),
        client.setJudgement(drop, { cadenceSeconds: 3600, graceSeconds: null, asOf: null }),
        client.saveView('h1', {}),
        client.listTables(drop),
        client.openTable(drop, { table: 't', scope: 'all' }),
        client.tableInfo('h1'),
        client.getRows('h1', { offset: 0, limit: 10 }),
        client.columnStats('h1', 'A'),
        client.cancel('h1'),
        client.closeTable('h1'),
      ];
      expect(attempts).toHaveLength(API_METHODS.length);
      for (const attempt of attempts) await expect(attempt).rejects.toThrow(/Refused IPC/);
      expect(fake.calls).toEqual([]);
      // The same client from our own frame works: the refusal was about the sender.
      const good = createIpcClient(ipc.renderer(ours).ipcRenderer);
      expect(await good.pickFolder()).toBe('/secret/folder');
    });
  }
});

describe('events', () => {
  it('go only to live targets, and stop when unsubscribed', () => {
    const fake = new FakeApi();
    const got: unknown[] = [];
    const live = { send: (_c: string, e: unknown) => got.push(e), isDestroyed: () => false };
    const dead = {
      send: () => {
        throw new Error('sent to a destroyed window');
      },
      isDestroyed: () => true,
    };
    const stop = forwardEngineEvents(fake, () => [live, dead]);
    fake.emit({ type: 'report-updated', drop: '/x' });
    expect(got).toEqual([{ type: 'report-updated', drop: '/x' }]);
    stop();
    fake.emit({ type: 'report-updated', drop: '/y' });
    expect(got).toHaveLength(1);
    expect(fake.listeners.size).toBe(0);
  });
});

describe('the preload entry (src/preload/index.ts)', () => {
  it('exposes window.dropInspector with exactly the API members (plus getPathForFile) over IPC_CHANNELS', async () => {
    await import('../../src/preload/index');
    expect([...electronStub.exposed.keys()]).toEqual(['dropInspector']);
    const exposed = electronStub.exposed.get('dropInspector') as Record<string, unknown>;
    expect(Object.keys(exposed).sort()).toEqual([...API_METHODS, 'onEvent', 'getPathForFile'].sort());
    for (const key of Object.keys(exposed)) expect(typeof exposed[key], key).toBe('function');
    const api = exposed as unknown as import('../../src/shared/api').DropInspectorApi;
    expect(await api.recentDrops()).toBe(`answer of ${IPC_CHANNELS.recentDrops}`);
    await api.exportReport('/d', 'csv');
    expect(electronStub.invoked.at(-1)).toEqual({
      channel: IPC_CHANNELS.exportReport,
      args: ['/d', 'csv'],
    });
    expect((exposed.getPathForFile as (f: { name: string }) => string)({ name: 'a' })).toBe('/dropped/a');
  });
});
