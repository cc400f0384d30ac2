/**
 * Slack requests that a valid signature alone does not make acceptable (issue 17 item 6): one
 * dated more than 5 minutes ahead, and the exact same signed request a second time. The real
 * bolt App in HTTP mode, signed requests over 127.0.0.1.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { guardSlackRequests, type RequestListener } from '../../adapters/slack/request-guard.js';
import { eventCallback, signedPost, startFakeSlack, type FakeSlack } from '../fakes/fake-slack.js';
import { waitFor } from '../helpers/wait-for.js';
import { dmEvent } from './fixtures.js';
import { RecordingHandlers, SIGNING_SECRET, startAdapter, type Started } from './harness.js';

let fake: FakeSlack;
let bot: Started;
const handlers = new RecordingHandlers();
const nowSeconds = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  fake = await startFakeSlack();
  bot = await startAdapter(fake, handlers);
});
afterAll(async () => {
  await bot.adapter.stop();
  await fake.close();
});
beforeEach(() => handlers.reset());

describe('slack requests dated in the future', () => {
  it('refuses a correctly signed request dated 10 minutes ahead, and handles nothing', async () => {
    const res = await signedPost(bot.url, eventCallback(dmEvent('from the future')), { secret: SIGNING_SECRET, timestamp: nowSeconds() + 10 * 60 });
    expect(res.status).toBe(401);
    const ok = await signedPost(bot.url, eventCallback(dmEvent('marker after the refusal')), { secret: SIGNING_SECRET });
    expect(ok.status).toBe(200);
    await waitFor(() => handlers.messages.length === 1, { what: 'the marker message' });
    expect(handlers.messages.map((m) => m.text)).toEqual(['marker after the refusal']);
  });

  it('accepts one dated a few minutes ahead, as clocks drift', async () => {
    const res = await signedPost(bot.url, eventCallback(dmEvent('slightly ahead')), { secret: SIGNING_SECRET, timestamp: nowSeconds() + 4 * 60 });
    expect(res.status).toBe(200);
    await waitFor(() => handlers.messages.length === 1, { what: 'the message' });
  });
});

describe('exact replays of a signed slack request', () => {
  it('answers the first copy and refuses the second with 401', async () => {
    const body = eventCallback(dmEvent('say it once'));
    const timestamp = nowSeconds();
    const first = await signedPost(bot.url, body, { secret: SIGNING_SECRET, timestamp });
    expect(first.status).toBe(200);
    const replay = await signedPost(bot.url, body, { secret: SIGNING_SECRET, timestamp });
    expect(replay.status).toBe(401);
    const marker = await signedPost(bot.url, eventCallback(dmEvent('marker after the replay')), { secret: SIGNING_SECRET });
    expect(marker.status).toBe(200);
    await waitFor(() => handlers.messages.length === 2, { what: 'the first copy and the marker' });
    expect(handlers.messages.map((m) => m.text)).toEqual(['say it once', 'marker after the replay']);
  });

  it('still lets the same signed request through after a failed answer, as Slack retries it', async () => {
    // bolt answers 200 whatever the listener does, so the failure is played by the listener behind the guard.
    const statuses = [500, 200];
    const inner: RequestListener = (_req, res) => { res.writeHead(statuses.shift() ?? 200); res.end(); };
    const server = createServer(guardSlackRequests(inner, { paths: ['/slack/events'] }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
      const body = eventCallback(dmEvent('retried after a failure'));
      const timestamp = nowSeconds();
      expect((await signedPost(url, body, { secret: SIGNING_SECRET, timestamp })).status).toBe(500);
      expect((await signedPost(url, body, { secret: SIGNING_SECRET, timestamp })).status).toBe(200);
      expect((await signedPost(url, body, { secret: SIGNING_SECRET, timestamp })).status).toBe(401);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
