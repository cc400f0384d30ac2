/**
 * /healthz, /readyz and /metrics over real HTTP on 127.0.0.1, with readiness computed from
 * the real bot (SQLite store, adapter status) and a real probe of the fake model server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createModelProbe } from '../../src/llm/model-probe.js';
import { silentLogger } from '../../src/logger.js';
import { startOpsServer, type OpsServer } from '../../src/ops/http-server.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { readinessChecks } from '../../src/ops/readiness.js';
import { startFakeModel } from '../fakes/fake-model.js';
import { startHarness, type Harness } from '../helpers/bot-harness.js';
import { sample } from './exposition.js';

let h: Harness | undefined;
let ops: OpsServer | undefined;
afterEach(async () => {
  await ops?.close();
  await h?.close();
  ops = undefined;
  h = undefined;
});

interface Readiness {
  ready: boolean;
  checks: Array<{ name: string; ok: boolean; reason: string }>;
}

async function startAll(): Promise<{ h: Harness; ops: OpsServer; metrics: ReturnType<typeof createMetrics> }> {
  const metrics = createMetrics({ processMetrics: false });
  h = await startHarness({ metrics });
  const bot = h.bot;
  const model = createModelProbe({ baseURL: h.model.url, cacheMs: 0, timeoutMs: 1_000 });
  ops = await startOpsServer({
    host: '127.0.0.1', port: 0, metrics, logger: silentLogger,
    checks: readinessChecks({ database: bot.store, adapters: () => bot.adapterStatus(), model }),
  });
  return { h, ops, metrics };
}

const get = (port: number, path: string, init: RequestInit = {}) => fetch(`http://127.0.0.1:${port}${path}`, init);
const readiness = async (port: number) => {
  const res = await get(port, '/readyz');
  return { status: res.status, body: (await res.json()) as Readiness };
};

describe('the operations endpoint', () => {
  it('answers liveness with 200', async () => {
    const { ops } = await startAll();
    const res = await get(ops.port, '/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('is ready when the database takes a write, the adapter has started and the model answers', async () => {
    const { ops } = await startAll();
    const { status, body } = await readiness(ops.port);
    expect(status).toBe(200);
    expect(body).toEqual({
      ready: true,
      checks: [
        { name: 'database', ok: true, reason: 'ok' },
        { name: 'adapter:fake', ok: true, reason: 'started' },
        { name: 'model', ok: true, reason: 'ok' },
      ],
    });
  });

  it('answers 503 naming the model when the model server is down', async () => {
    const { h, ops } = await startAll();
    await h.model.close();
    const down = await readiness(ops.port);
    expect(down.status).toBe(503);
    expect(down.body.ready).toBe(false);
    expect(down.body.checks.find((c) => c.name === 'model')).toEqual({ name: 'model', ok: false, reason: 'unreachable' });
    expect(down.body.checks.find((c) => c.name === 'database')!.ok).toBe(true);
  });

  it('answers 503 when the database is closed and the adapters are stopped', async () => {
    const { h, ops } = await startAll();
    await h.bot.stop();
    const { status, body } = await readiness(ops.port);
    expect(status).toBe(503);
    expect(body.checks.find((c) => c.name === 'database')).toMatchObject({ ok: false, reason: 'STORE_UNAVAILABLE' });
    expect(body.checks.find((c) => c.name === 'adapter:fake')).toEqual({ name: 'adapter:fake', ok: false, reason: 'not_started' });
  });

  it('reports shutting_down once draining starts, while liveness stays 200', async () => {
    const { ops } = await startAll();
    ops.draining();
    const { status, body } = await readiness(ops.port);
    expect(status).toBe(503);
    expect(body.checks[0]).toEqual({ name: 'process', ok: false, reason: 'shutting_down' });
    expect((await get(ops.port, '/healthz')).status).toBe(200);
  });

  it('serves the Prometheus exposition with the conversation counted', async () => {
    const { h, ops } = await startAll();
    await h.adapter.receive({ text: 'What is a good first houseplant?' });
    const res = await get(ops.port, '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(await res.text(), 'oyster_messages_total', { platform: 'fake', level: 'none' })).toBe(1);
  });

  it('refuses other paths with 404 and other methods with 405', async () => {
    const { ops } = await startAll();
    expect((await get(ops.port, '/admin')).status).toBe(404);
    expect((await get(ops.port, '/metrics', { method: 'POST' })).status).toBe(405);
  });

  it('says which variable to change when the port is taken', async () => {
    const { ops } = await startAll();
    await expect(startOpsServer({
      host: '127.0.0.1', port: ops.port, metrics: createMetrics({ processMetrics: false }), logger: silentLogger, checks: [],
    })).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(/EADDRINUSE.*METRICS_PORT/) });
  });
});

describe('the model reachability probe', () => {
  it('reuses a result for the cache window, then probes again', async () => {
    const model = await startFakeModel();
    let now = 1_000;
    const probe = createModelProbe({ baseURL: model.url, cacheMs: 5_000, now: () => now });
    expect(await probe.check()).toMatchObject({ ok: true, models: ['OysterAI/Oyster_1_Qwen_14B'] });
    await model.close();
    now += 4_000;
    expect((await probe.check()).ok).toBe(true);
    now += 2_000;
    expect(await probe.check()).toMatchObject({ ok: false, reason: 'unreachable' });
  });

  it('reports a server that is not an OpenAI-compatible endpoint', async () => {
    const model = await startFakeModel();
    const probe = createModelProbe({ baseURL: model.url.replace(/\/v1$/, '/v2'), cacheMs: 0 });
    expect(await probe.check()).toMatchObject({ ok: false, reason: 'http_error', status: 404 });
    await model.close();
  });
});
