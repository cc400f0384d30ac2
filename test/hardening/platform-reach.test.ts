/**
 * A platform API that cannot be reached at start (issue 17 item 6): the real Slack and Discord
 * adapters name it in the log within 10 s, keep retrying with backoff, and start normally once
 * the API answers. A gate in front of each fake plays the outage: it holds requests without
 * answering (a hung API), or resets connections (an API that refuses), until it is opened.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../adapters/discord/index.js';
import { createSlackAdapter } from '../../adapters/slack/index.js';
import type { PlatformAdapter } from '../../src/ports.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord.js';
import { startFakeSlack, type FakeSlack } from '../fakes/fake-slack.js';
import { captureLogs, RecordingHandlers as DiscordHandlers, testConfig as discordConfig } from '../discord/helpers.js';
import { RecordingHandlers as SlackHandlers, testConfig as slackConfig } from '../slack/harness.js';
import { listenLocal, type LocalListener } from '../helpers/local-http.js';
import { waitFor } from '../helpers/wait-for.js';

type Mode = 'hang' | 'reset' | 'open';

/** An HTTP gate on its own port: hangs or resets requests, or forwards them to `target` once open. */
async function startGate(target: URL, mode: Mode): Promise<{ url: string; open(): void; listener: LocalListener }> {
  const held: ServerResponse[] = [];
  const state = { mode };
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(upstream);
  };
  const server = createServer((req, res) => {
    if (state.mode === 'open') return forward(req, res);
    if (state.mode === 'reset') return void req.socket.destroy();
    held.push(res);
  });
  const listener = await listenLocal(server);
  return {
    url: `http://127.0.0.1:${listener.port}${target.pathname}`,
    open: () => {
      state.mode = 'open';
      // Held requests were given up by the client already (it timed out): drop them.
      for (const res of held.splice(0)) res.socket?.destroy();
    },
    listener,
  };
}

let cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  cleanup = [];
});

/** Starts `adapter` without waiting; returns when the unreachable-API line was logged, with the time it took. */
async function startAndAwaitComplaint(adapter: PlatformAdapter, handlers: Parameters<PlatformAdapter['start']>[0], logs: ReturnType<typeof captureLogs>, platform: string) {
  const began = performance.now();
  const started = adapter.start(handlers).then(() => performance.now());
  started.catch(() => undefined);
  const line = await waitFor(() => logs.entries().find((e) => e.msg === `${platform} API unreachable at start: retrying`), {
    what: `${platform} names its unreachable API`, timeoutMs: 20_000,
  });
  return { line, ms: performance.now() - began, started };
}

describe('a platform API unreachable at start', () => {
  it('Slack: a hung API is named within 10 s, retried, and the adapter starts once it answers', async () => {
    const fake: FakeSlack = await startFakeSlack();
    cleanup.push(() => fake.close());
    const gate = await startGate(new URL(fake.apiUrl), 'hang');
    cleanup.push(() => gate.listener.close());
    const logs = captureLogs();
    const adapter = createSlackAdapter(slackConfig(fake, { apiUrl: gate.url }), { logger: logs.logger });
    cleanup.push(() => adapter.stop());

    const { line, ms, started } = await startAndAwaitComplaint(adapter, new SlackHandlers(), logs, 'slack');
    expect(ms).toBeLessThan(10_000);
    expect(line).toMatchObject({ level: 50, api: gate.url, attempt: 1, code: 'PLATFORM_NETWORK' });
    gate.open();
    await started;
    expect(fake.callsTo('auth.test').length).toBeGreaterThanOrEqual(1);
    expect(adapter.port).toBeGreaterThan(0);
  }, 60_000);

  it('Discord: an API that resets connections is named within 10 s, retried with growing waits, and the gateway connects once it answers', async () => {
    const fake: FakeDiscord = await startFakeDiscord();
    cleanup.push(() => fake.close());
    const gate = await startGate(new URL(fake.apiUrl), 'reset');
    cleanup.push(() => gate.listener.close());
    const logs = captureLogs();
    const adapter = createDiscordAdapter(discordConfig(fake, { apiUrl: gate.url }), { logger: logs.logger });
    cleanup.push(() => adapter.stop());

    const { line, ms, started } = await startAndAwaitComplaint(adapter, new DiscordHandlers(), logs, 'discord');
    expect(ms).toBeLessThan(10_000);
    expect(line).toMatchObject({ level: 50, api: gate.url, attempt: 1 });
    const retries = await waitFor(() => {
      const r = logs.entries().filter((e) => e.msg === 'discord API unreachable at start: retrying');
      return r.length >= 2 && r;
    }, { what: 'a second attempt', timeoutMs: 20_000 });
    expect(Number(retries[1]!.retryInMs)).toBeGreaterThan(Number(retries[0]!.retryInMs));
    gate.open();
    await started;
    expect(logs.entries().some((e) => e.msg === 'discord ready')).toBe(true);
  }, 60_000);

  it('stops retrying when the adapter is stopped while still starting', async () => {
    const fake: FakeSlack = await startFakeSlack();
    cleanup.push(() => fake.close());
    const gate = await startGate(new URL(fake.apiUrl), 'reset');
    cleanup.push(() => gate.listener.close());
    const logs = captureLogs();
    const adapter = createSlackAdapter(slackConfig(fake, { apiUrl: gate.url }), { logger: logs.logger });
    const { started } = await startAndAwaitComplaint(adapter, new SlackHandlers(), logs, 'slack');
    await adapter.stop();
    await expect(started).rejects.toMatchObject({ message: 'slack stopped while starting' });
  }, 60_000);
});
