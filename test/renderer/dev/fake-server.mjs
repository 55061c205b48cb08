// Serves a built renderer (vite build of src/renderer) over the browser host's protocol,
// backed by the fake API — to look at the UI without the engine. Run with tsx:
//   npx tsx test/renderer/dev/fake-server.mjs <builtDir> [port]
// Env: FAKE_TOKEN (default "devtoken"), FAKE_INITIAL (drop opened at start, "" for none),
//      FAKE_STEP_MS (scan speed, default 150), FAKE_BIG (also serve /drops/big with N chunks).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { createFakeApi, makeBigReport, makeSampleReport, FAKE_DROP } from '../fake-api.ts';

const dir = process.argv[2] ?? '/tmp/r-out';
const port = Number(process.argv[3] ?? 5199);
const token = process.env.FAKE_TOKEN ?? 'devtoken';
const big = Number(process.env.FAKE_BIG ?? 0);
const reports = { [FAKE_DROP]: makeSampleReport() };
if (big > 0) reports['/drops/big'] = makeBigReport(big);
const api = createFakeApi({
  reports,
  initialDrop: process.env.FAKE_INITIAL === undefined ? FAKE_DROP : process.env.FAKE_INITIAL || null,
  stepMs: Number(process.env.FAKE_STEP_MS ?? 150),
  dropErrors: {
    '/drops/mystery': { code: 'unknown-format', message: 'No known drop family matches /drops/mystery (looked for GIM exports, bulk exports, daily drops)' },
    '/drops/newer': { code: 'catalog-too-new', message: 'The catalog in /drops/newer was written by drop-inspector 2.3; this is 0.1.0' },
    '/root/secret': { code: 'unreadable', message: "EACCES: permission denied, scandir '/root/secret'" },
  },
});
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };
const sse = new Set();
api.onEvent((e) => {
  for (const res of sse) res.write(`data: ${JSON.stringify(e)}\n\n`);
});

createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
  try {
    if (url.pathname.startsWith('/api/call/')) {
      if (req.headers['x-drop-inspector-token'] !== token) {
        res.writeHead(401).end('unauthorised');
        return;
      }
      let body = '';
      for await (const chunk of req) body += chunk;
      const method = url.pathname.slice('/api/call/'.length);
      const { args } = JSON.parse(body || '{"args":[]}');
      try {
        const value = await api[method](...args);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, value: value ?? null }));
      } catch (e) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: { code: e.code ?? 'internal', message: e.message } }));
      }
      return;
    }
    if (url.pathname === '/api/events') {
      if (url.searchParams.get('token') !== token) {
        res.writeHead(401).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write(': hi\n\n');
      sse.add(res);
      req.on('close', () => sse.delete(res));
      return;
    }
    const rel = url.pathname === '/' ? 'index.html' : normalize(url.pathname).replace(/^[/\\]+/, '');
    if (rel.includes('..')) {
      res.writeHead(403).end();
      return;
    }
    const data = await readFile(join(dir, rel));
    res.writeHead(200, { 'content-type': TYPES[extname(rel)] ?? 'application/octet-stream' }).end(data);
  } catch {
    res.writeHead(404).end('not found');
  }
}).listen(port, '127.0.0.1', () => console.log(`fake host on http://127.0.0.1:${port}/?token=${token}`));
