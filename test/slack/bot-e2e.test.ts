/**
 * End to end: the real bolt App in HTTP mode, receiving correctly signed requests from "Slack",
 * through the real engine, crisis routing and SQLite store built by createBot, answering with
 * the fake model, and calling the fake Slack Web API on 127.0.0.1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../../adapters/slack/index.js';
import { ACTION_ACK, ACTION_RESOLVE } from '../../adapters/slack/moderator.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { createBot, type Bot } from '../../src/main.js';
import {
  BOT_USER_ID, blockActionForm, blockActionPayload, eventCallback, signedPost, startFakeSlack, type FakeSlack,
  type SignedPostOptions,
} from '../fakes/fake-slack.js';
import { startFakeModel, type FakeModel } from '../fakes/fake-model.js';
import { waitFor } from '../helpers/wait-for.js';
import { CHANNEL, channelEvent, DM, dmEvent, mentionEvent, nextTs, USER } from './fixtures.js';
import { SIGNING_SECRET, testConfig } from './harness.js';

const MODERATOR = 'U0MODERATOR';
let fake: FakeSlack;
let model: FakeModel;
let adapter: SlackAdapter;
let bot: Bot;
let dir: string;
let url: string;

const post = (body: object | string, extra: Partial<SignedPostOptions> = {}) => signedPost(url, body, { secret: SIGNING_SECRET, ...extra });
const postsIn = (channel: string) => fake.callsTo('chat.postMessage').filter((c) => c.args.channel === channel);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oyster-slack-'));
  fake = await startFakeSlack();
  fake.users.set(USER, { name: 'alice', displayName: 'Alice' });
  model = await startFakeModel();
  const config = loadConfig({
    OYSTER_DB_PATH: join(dir, 'bot.db'),
    // The judge is off here: this suite scripts and counts the model's chat answers (judge tests: test/risk/judge.test.ts).
    RISK_JUDGE: 'off',
    OYSTER_BASE_URL: model.url,
    OYSTER_MAX_RETRIES: '0',
    OYSTER_TIMEOUT_MS: '30000',
    MODERATOR_IDS: `slack:${MODERATOR}`,
    CRISIS_DEFAULT_COUNTRY: 'US',
    RATE_LIMIT_PER_MINUTE: '1000',
    RATE_LIMIT_BURST: '1000',
    LOG_LEVEL: 'silent',
    // Whole replies here; streamed replies have their own tests (test/streaming).
    STREAMING: 'off',
  });
  adapter = createSlackAdapter(testConfig(fake), { logger: silentLogger });
  bot = await createBot({ config, adapters: [adapter], logger: silentLogger });
  await bot.start();
  url = `http://127.0.0.1:${adapter.port}/slack/events`;
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
  await model?.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  fake.calls.length = 0;
  model.calls.length = 0;
});

describe('slack bot end to end', () => {
  it('answers a direct message in the DM', async () => {
    model.setReply(() => 'Happy to help you **plan** your week.');
    const res = await post(eventCallback(dmEvent('can you help me plan my week?')));
    expect(res.status).toBe(200);
    const [answer] = await waitFor(() => postsIn(DM).length > 0 && postsIn(DM));
    expect(answer!.args.text).toBe('Happy to help you *plan* your week.');
    expect(answer!.args.thread_ts).toBeUndefined();
    expect(model.calls).toHaveLength(1);
    expect(model.calls[0]!.messages.at(-1)!.content).toBe('can you help me plan my week?');
  });

  it('answers an app_mention in a thread under the mention', async () => {
    model.setReply(() => 'Cast on loosely and start with a scarf.');
    const at = nextTs();
    await post(eventCallback(mentionEvent('what is a good first step for learning to knit?', at)));
    // Slack also sends the same message as message.channels: it must not be answered twice.
    await post(eventCallback(channelEvent(`<@${BOT_USER_ID}> what is a good first step for learning to knit?`, at)));
    const [answer] = await waitFor(() => postsIn(CHANNEL).length > 0 && postsIn(CHANNEL));
    await bot.engine.idle();
    expect(answer!.args).toMatchObject({ thread_ts: at, text: 'Cast on loosely and start with a scarf.' });
    expect(postsIn(CHANNEL)).toHaveLength(1);
    expect(model.calls).toHaveLength(1);
  });

  it('refuses a badly signed request with 401 and answers nothing', async () => {
    const res = await post(eventCallback(dmEvent('forged')), { signature: 'v0=0000' });
    expect(res.status).toBe(401);
    await bot.engine.idle();
    expect(model.calls).toHaveLength(0);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('answers a redelivery with X-Slack-Retry-Num once', async () => {
    model.setReply((body) => `answer to: ${body.messages.at(-1)!.content}`);
    const body = eventCallback(dmEvent('are you there?'));
    const timestamp = Math.floor(Date.now() / 1000);
    await post(body, { timestamp });
    await waitFor(() => postsIn(DM).length === 1);
    // A retry is signed anew, at least 3 s later (an identical signed copy is refused as a replay).
    expect((await post(body, { timestamp: timestamp + 3, retryNum: 1, retryReason: 'http_timeout' })).status).toBe(200);
    await post(eventCallback(dmEvent('marker')));
    await waitFor(() => postsIn(DM).length === 2);
    await bot.engine.idle();
    expect(postsIn(DM).map((p) => p.args.text)).toEqual(['answer to: are you there?', 'answer to: marker']);
  });

  it('acks the event before a slow model answers', async () => {
    // The model holds its answer for 4 s; the ack comes within Slack's 3 s window and before the
    // answer, however loaded the machine (no answer posted yet when the ack arrives).
    model.setReply(() => ({ content: 'Sorry for the wait.', delayMs: 4_000 }));
    const res = await post(eventCallback(dmEvent('slow one')));
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(3_000);
    expect(postsIn(DM)).toHaveLength(0);
    const [answer] = await waitFor(() => postsIn(DM).length > 0 && postsIn(DM), { timeoutMs: 20_000 });
    expect(answer!.args.text).toBe('Sorry for the wait.');
  });

  it('splits a long answer into messages of at most 4000 characters, in order', async () => {
    const long = Array.from({ length: 4 }, (_, i) => `Step ${i + 1}. ${'Take it one small step at a time, and rest when you need to. '.repeat(28).trim()}`).join('\n\n');
    expect(long.length).toBeGreaterThan(6000);
    model.setReply(() => long);
    await post(eventCallback(dmEvent('give me a long pep talk please')));
    const parts = await waitFor(() => postsIn(DM).length >= 2 && postsIn(DM));
    await bot.engine.idle();
    expect(postsIn(DM).length).toBe(parts.length);
    for (const p of parts) expect(String(p.args.text).length).toBeLessThanOrEqual(4000);
    expect(parts.map((p) => p.args.text).join(' ').replace(/\s+/g, ' ')).toBe(long.replace(/\s+/g, ' '));
  });
});

describe('slack crisis path end to end', () => {
  it('sends resources by DM, a caring note in the thread and a Block Kit alert for a crisis mention', async () => {
    const CAROL = 'U0CAROL';
    model.setReply(() => 'I am really glad you told me. I am here with you.');
    const at = nextTs();
    await post(eventCallback({ ...mentionEvent('honestly I keep thinking I should kill myself', at), user: CAROL }));

    const [alert] = await waitFor(() => postsIn('C0MODS').length > 0 && postsIn('C0MODS'));
    const dm = await waitFor(() => postsIn('D0CAROL').length > 0 && postsIn('D0CAROL'));
    expect(fake.callsTo('conversations.open')[0]!.args.users).toBe(CAROL);
    expect(String(dm[0]!.args.text)).toContain('988');

    const note = await waitFor(() => postsIn(CHANNEL).length > 0 && postsIn(CHANNEL));
    expect(note[0]!.args.thread_ts).toBe(at);
    expect(String(note[0]!.args.text)).not.toContain('988');
    expect(String(note[0]!.args.text)).not.toContain('kill');

    const blocks = alert!.args.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>;
    expect(blocks[0]!.type).toBe('header');
    expect(String(alert!.args.text)).toMatch(/Case #\d+/);
    expect(blocks.find((b) => b.type === 'actions')!.elements!.map((a) => a.action_id)).toEqual([ACTION_ACK, ACTION_RESOLVE]);
    expect(JSON.stringify(blocks)).not.toContain(`<@${CAROL}>`);
    expect(JSON.stringify(blocks)).toContain(`<#${CHANNEL}>`);
  });

  it('refuses an alert button pressed by a non-moderator, and lets a moderator acknowledge in place', async () => {
    const DAVE = 'U0DAVE';
    model.setReply(() => 'I am here.');
    await post(eventCallback({ ...dmEvent('i want to end my life tonight'), channel: 'D0DAVE', user: DAVE }));
    const [alert] = await waitFor(() => postsIn('C0MODS').length > 0 && postsIn('C0MODS'));
    const blocks = alert!.args.blocks as Array<{ type: string; elements?: Array<{ value: string }> }>;
    const caseId = blocks.find((b) => b.type === 'actions')!.elements![0]!.value;
    const alertTs = String(alert!.result!.ts);
    const press = (user: string) => post(blockActionForm(blockActionPayload({
      user, channel: 'C0MODS', messageTs: alertTs, actionId: ACTION_ACK, value: caseId, responseUrl: fake.responseUrl(`press-${user}`),
    })));

    expect((await press(DAVE)).status).toBe(200);
    const [refusal] = await waitFor(() => fake.callsTo('chat.postEphemeral').length > 0 && fake.callsTo('chat.postEphemeral'));
    expect(refusal!.args).toMatchObject({ channel: 'C0MODS', user: DAVE });
    expect(fake.callsTo('chat.update')).toHaveLength(0);

    expect((await press(MODERATOR)).status).toBe(200);
    const [update] = await waitFor(() => fake.callsTo('chat.update').length > 0 && fake.callsTo('chat.update'));
    expect(update!.args).toMatchObject({ channel: 'C0MODS', ts: alertTs });
    expect(JSON.stringify(update!.args.blocks)).toContain(`acknowledged by`);
    expect(JSON.stringify(update!.args.blocks)).not.toContain(ACTION_ACK);
  });
});
