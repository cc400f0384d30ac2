/**
 * The lean fetch the model client and Slack's WebClient share, against a real node:http server
 * on 127.0.0.1: what it sends, what its whole-read answers give back, and the bodies it leaves
 * to Node's own fetch.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLeanFetch } from '../../src/llm/lean-fetch.js';
import { listenLocal, readBody, refusedPort, type LocalListener } from '../helpers/local-http.js';

interface Seen { method: string; url: string; headers: IncomingMessage['headers']; body: string }

let server: LocalListener;
let base = '';
const seen: Seen[] = [];
beforeAll(async () => {
  server = await listenLocal(createServer((req, res) => {
    void readBody(req).then((body) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url === '/empty') {
        res.writeHead(204).end();
        return;
      }
      res.writeHead(req.url === '/limited' ? 429 : 200, { 'content-type': 'application/json', 'retry-after': '3', 'x-request-id': 'req-1' });
      res.end(JSON.stringify({ ok: true, echo: body }));
    });
  }));
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.close());

const leanFetch = createLeanFetch();

describe('the lean fetch', () => {
  it('sends method, headers and body, and answers with status, headers, url and JSON', async () => {
    const res = await leanFetch(`${base}/chat`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: 'Bearer t' }, body: 'a=1&b=2' });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/chat', body: 'a=1&b=2', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Bearer t', 'content-length': '7' } });
    expect([res.status, res.ok, res.url, res.headers.get('retry-after'), res.headers.get('X-Request-Id')]).toEqual([200, true, `${base}/chat`, '3', 'req-1']);
    expect(await res.json()).toEqual({ ok: true, echo: 'a=1&b=2' });
  });

  it('reads a body once, as fetch does, and gives text and bytes', async () => {
    const res = await leanFetch(`${base}/x`, { method: 'POST', body: 'hi' });
    const copy = res.clone();
    expect(await res.text()).toBe('{"ok":true,"echo":"hi"}');
    await expect(res.json()).rejects.toThrow(TypeError);
    expect(Buffer.from(await copy.arrayBuffer()).toString()).toBe('{"ok":true,"echo":"hi"}');
  });

  it('reports a refusal status as not ok, and an empty 204 as empty text', async () => {
    const limited = await leanFetch(`${base}/limited`, { method: 'POST', headers: new Headers({ 'x-a': '1' }), body: '' });
    expect([limited.status, limited.ok]).toEqual([429, false]);
    expect(seen.at(-1)!.headers['x-a']).toBe('1');
    const empty = await leanFetch(`${base}/empty`);
    expect([empty.status, await empty.text()]).toEqual([204, '']);
  });

  it('leaves a multipart form (a file upload) to Node\'s fetch, which sends it whole', async () => {
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('file bytes')]), 'notes.txt');
    const res = await leanFetch(`${base}/upload`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    expect(seen.at(-1)!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(seen.at(-1)!.body).toContain('file bytes');
  });

  it('rejects with an AbortError when the signal fires, and a TypeError when nothing listens', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(leanFetch(`${base}/x`, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(leanFetch(`http://127.0.0.1:${await refusedPort()}/x`)).rejects.toBeInstanceOf(TypeError);
  });
});
