/**
 * Malformed and forged webhook requests against the real bot (createBot with the real
 * Telegram webhook server and the real bolt HTTP receiver): each gets a 4xx, and neither the
 * database, the model nor the platform sees anything. A valid request at the end proves the
 * same path does process real traffic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../../adapters/slack/index.js';
import { createTelegramAdapter, type TelegramAdapter } from '../../adapters/telegram/index.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { createBot, type Bot } from '../../src/main.js';
import { startFakeModel, type FakeModel } from '../fakes/fake-model.js';
import { eventCallback, signedPost, slackSignature, startFakeSlack, type FakeSlack } from '../fakes/fake-slack.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/fake-telegram.js';
import { waitFor } from '../helpers/wait-for.js';
import { dmEvent } from '../slack/fixtures.js';
import { SIGNING_SECRET, testConfig as slackConfig } from '../slack/harness.js';
import { alice, BOT, privateText } from '../telegram/fixtures.js';
import { webhookConfig, WEBHOOK_SECRET } from '../telegram/harness.js';
import { IMMINENT, stateCounts, SUPPORTIVE, tempDbPath } from './world.js';

const EMPTY = { processed_messages: 0, turns: 0, risk_state: 0, cases: 0, alerts: 0, alert_outbox: 0, case_events: 0 };
let model: FakeModel;
let tg: FakeTelegram;
let slack: FakeSlack;
let telegram: TelegramAdapter;
let slackAdapter: SlackAdapter;
let bot: Bot;
let dbPath: string;
let tgUrl: string;
let slackUrl: string;

beforeAll(async () => {
  model = await startFakeModel({ reply: () => SUPPORTIVE });
  tg = await startFakeTelegram({ bot: BOT });
  slack = await startFakeSlack();
  dbPath = tempDbPath();
  telegram = createTelegramAdapter(webhookConfig(tg), { logger: silentLogger });
  slackAdapter = createSlackAdapter(slackConfig(slack), { logger: silentLogger });
  const config = loadConfig({
    OYSTER_DB_PATH: dbPath, OYSTER_BASE_URL: model.url, OYSTER_MAX_RETRIES: '0', CRISIS_DEFAULT_COUNTRY: 'US',
    OYSTER_CONSOLE: 'off', LOG_LEVEL: 'silent',
  });
  // Both adapters in one process, as a deployment with several platforms runs.
  bot = await createBot({ config, adapters: [telegram, slackAdapter], logger: silentLogger });
  await bot.start();
  tgUrl = `http://127.0.0.1:${telegram.webhookPort}/telegram`;
  slackUrl = `http://127.0.0.1:${slackAdapter.port}/slack/events`;
});
afterAll(async () => {
  await bot.stop();
  await model.close();
  await tg.close();
  await slack.close();
});

async function post(url: string, body: string, headers: Record<string, string>, method = 'POST'): Promise<number> {
  const res = await fetch(url, { method, headers, ...(method === 'POST' ? { body } : {}) });
  await res.arrayBuffer();
  return res.status;
}

const crisisUpdate = JSON.stringify(privateText(alice, IMMINENT, { messageId: 7100 }));
const json = { 'content-type': 'application/json' };

describe('forged and malformed Telegram webhook requests', () => {
  it.each([
    ['no secret header', crisisUpdate, json, 401],
    ['a wrong secret', crisisUpdate, { ...json, 'x-telegram-bot-api-secret-token': 'guess_123' }, 401],
    ['the secret with different case', crisisUpdate, { ...json, 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET.toUpperCase() }, 401],
    ['a body that is not JSON', '{"update_id": 1, "message": ', { ...json, 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET }, 400],
    ['JSON without an update_id', '{"message":{"text":"hi"}}', { ...json, 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET }, 400],
    ['a JSON array', '[1,2,3]', { ...json, 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET }, 400],
    ['a 1 MB body', `{"update_id":1,"pad":"${'x'.repeat(1_000_000)}"}`, { ...json, 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET }, 413],
  ])('refuses %s with a 4xx and touches no state', async (_name, body, headers, status) => {
    expect(await post(tgUrl, body, headers)).toBe(status);
    expect(stateCounts(dbPath)).toMatchObject(EMPTY);
  });

  it('refuses other methods and paths', async () => {
    expect(await post(tgUrl, '', { 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET }, 'GET')).toBe(405);
    expect(await post(`${tgUrl}/../admin`, crisisUpdate, { ...json, 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET })).toBe(404);
    expect(stateCounts(dbPath)).toMatchObject(EMPTY);
  });
});

describe('forged and malformed Slack HTTP requests', () => {
  const raw = JSON.stringify(eventCallback(dmEvent(IMMINENT)));
  const now = () => Math.floor(Date.now() / 1000);
  const signed = (body: string, ts = now(), signature?: string) => ({
    ...json, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature ?? slackSignature(SIGNING_SECRET, ts, body),
  });

  it.each([
    ['no signature headers', raw, json],
    ['a signature made with another secret', raw, signed(raw, now(), slackSignature('not-the-signing-secret', now(), raw))],
    ['a signature over a different body', raw, signed(raw, now(), slackSignature(SIGNING_SECRET, now(), raw.replace('pills', 'books')))],
    ['a correctly signed request six minutes old (replay)', raw, signed(raw, now() - 360)],
    ['a non-numeric timestamp', raw, { ...json, 'x-slack-request-timestamp': 'yesterday', 'x-slack-signature': 'v0=00' }],
  ])('refuses %s with 401 and touches no state', async (_name, body, headers) => {
    expect(await post(slackUrl, body, headers)).toBe(401);
    expect(stateCounts(dbPath)).toMatchObject(EMPTY);
  });

  it('refuses an unsigned 5 MB body with a 4xx (bolt caps bodies at 4 MB) and touches no state', async () => {
    const huge = JSON.stringify(eventCallback(dmEvent('x'.repeat(5 * 1024 * 1024))));
    const status = await post(slackUrl, huge, json);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    expect(stateCounts(dbPath)).toMatchObject(EMPTY);
  });

  it('refuses a correctly signed body that is not JSON with a 4xx and touches no state', async () => {
    const bad = '{"type":"event_callback","event":';
    const status = await post(slackUrl, bad, signed(bad));
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    expect(stateCounts(dbPath)).toMatchObject(EMPTY);
  });
});

describe('after all the forgeries', () => {
  it('the platforms and the model were never called for them, and genuine requests still work', async () => {
    expect(tg.callsOf('sendMessage')).toHaveLength(0);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
    expect(model.calls).toHaveLength(0);

    tg.observe(JSON.parse(crisisUpdate) as Record<string, unknown>);
    expect(await post(tgUrl, crisisUpdate, { ...json, 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET })).toBe(200);
    expect((await signedPost(slackUrl, JSON.parse(raw()) as object, { secret: SIGNING_SECRET })).status).toBe(200);
    await waitFor(() => tg.sent.length >= 2 && slack.callsTo('chat.postMessage').length >= 2, { what: 'both genuine crisis messages answered' });
    await bot.engine.idle();
    expect(stateCounts(dbPath)).toMatchObject({ processed_messages: 2, cases: 2 });
  });
});

function raw(): string {
  return JSON.stringify(eventCallback(dmEvent(IMMINENT)));
}
