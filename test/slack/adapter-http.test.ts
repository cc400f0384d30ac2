/**
 * The real bolt App in HTTP mode against the fake Slack, with recording handlers in place of
 * the engine: signature checks, ack timing, normalization on the wire, sends, rate limits,
 * DMs, the slash command, alert delivery and the alert buttons.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withDedupe } from '../../src/crisis/sink-dedupe.js';
import { ACTION_ACK, ACTION_RESOLVE } from '../../adapters/slack/moderator.js';
import { BotError } from '../../src/errors.js';
import {
  BOT_USER_ID, blockActionForm, blockActionPayload, eventCallback, signedPost, slashCommandForm, startFakeSlack,
  type FakeSlack,
} from '../fakes/fake-slack.js';
import { waitFor } from '../helpers/wait-for.js';
import { CHANNEL, channelEvent, DM, dmEvent, mentionEvent, nextTs, sampleAlert, USER } from './fixtures.js';
import { RecordingHandlers, SIGNING_SECRET, startAdapter, type Started } from './harness.js';

let fake: FakeSlack;
let bot: Started;
const handlers = new RecordingHandlers();
const post = (body: object | string, extra: Partial<Parameters<typeof signedPost>[2]> = {}) =>
  signedPost(bot.url, body, { secret: SIGNING_SECRET, ...extra });

beforeAll(async () => {
  fake = await startFakeSlack();
  fake.users.set(USER, { name: 'alice', displayName: 'Alice' });
  fake.users.set('U0BOB', { name: 'bob' });
  bot = await startAdapter(fake, handlers, { commandInlineMs: 300 });
});
afterAll(async () => {
  await bot.adapter.stop();
  await fake.close();
});
beforeEach(() => {
  handlers.reset();
  fake.calls.length = 0;
  bot.sleeps.length = 0;
});

describe('slack adapter over HTTP', () => {
  it('checks the token with auth.test at start and answers url_verification', async () => {
    const res = await post({ type: 'url_verification', token: 'x', challenge: 'c-123' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ challenge: 'c-123' });
  });

  it('refuses a bad signature with 401 and processes nothing', async () => {
    const res = await post(eventCallback(dmEvent('hello')), { signature: 'v0=deadbeef' });
    expect(res.status).toBe(401);
    const wrongSecret = await signedPost(bot.url, eventCallback(dmEvent('hello')), { secret: '00000000000000000000000000000000' });
    expect(wrongSecret.status).toBe(401);
    // A correctly signed request after them is the marker: once it is handled, anything the
    // refused ones had passed on would be there too (no fixed wait).
    expect((await post(eventCallback(dmEvent('genuine')))).status).toBe(200);
    await waitFor(() => handlers.messages.length > 0, { what: 'the genuine event' });
    expect(handlers.messages.map((m) => m.text)).toEqual(['genuine']);
  });

  it('refuses a correctly signed but stale request (older than 5 minutes) with 401', async () => {
    const res = await post(eventCallback(dmEvent('hello')), { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(res.status).toBe(401);
    // A fresh request after it is the marker (no fixed wait): only the marker reaches the core.
    expect((await post(eventCallback(dmEvent('fresh')))).status).toBe(200);
    await waitFor(() => handlers.messages.length > 0, { what: 'the fresh event' });
    expect(handlers.messages.map((m) => m.text)).toEqual(['fresh']);
  });

  it('acks an event before a slow handler finishes', async () => {
    let release!: () => void;
    handlers.onMessageImpl = () => new Promise<void>((r) => { release = r; });
    const res = await post(eventCallback(dmEvent('take your time')));
    expect(res.status).toBe(200);
    // The handler is still held, so the ack did not wait for it; within Slack's 3 s window.
    expect(res.ms).toBeLessThan(3_000);
    await waitFor(() => handlers.messages.length === 1);
    release();
  });

  it('hands a DM to the core with the author name from users.info', async () => {
    const at = nextTs();
    await post(eventCallback(dmEvent('hi <@U0BOB>', at)));
    const [m] = await waitFor(() => handlers.messages.length === 1 && handlers.messages);
    expect(m).toMatchObject({ id: `${DM}:${at}`, isDirect: true, text: 'hi @bob', author: { id: USER, displayName: 'Alice' } });
    expect(fake.callsTo('users.info').every((c) => c.token === 'xoxb-test-token')).toBe(true);
  });

  it('asks users.info once for a person it cannot name, not on every message', async () => {
    const stranger = 'U0NOPROFILE';
    for (const text of ['first', 'second', 'third']) await post(eventCallback(dmEvent(text, nextTs(), stranger)));
    await waitFor(() => handlers.messages.length === 3, { what: 'three messages' });
    expect(handlers.messages.map((m) => m.author.displayName ?? m.author.id)).toEqual([stranger, stranger, stranger]);
    expect(fake.callsTo('users.info').filter((c) => c.args.user === stranger)).toHaveLength(1);
  });

  it('passes a redelivery on with the same dedupe id for the engine to drop', async () => {
    const body = eventCallback(dmEvent('once please'));
    const timestamp = Math.floor(Date.now() / 1000);
    expect((await post(body, { timestamp })).status).toBe(200);
    // Slack signs each retry anew (an identical signed copy is a replay: request-guard.test.ts).
    expect((await post(body, { timestamp: timestamp + 1, retryNum: 1, retryReason: 'http_timeout' })).status).toBe(200);
    await waitFor(() => handlers.messages.length === 2);
    expect(handlers.messages[0]!.id).toBe(handlers.messages[1]!.id);
  });

  it('follows a thread it answered in without a new mention', async () => {
    const root = nextTs();
    await post(eventCallback(mentionEvent('question', root)));
    const [m] = await waitFor(() => handlers.messages.length === 1 && handlers.messages);
    await bot.adapter.send({ conversation: m!.conversation, text: 'answer', kind: 'reply' });
    await post(eventCallback(channelEvent('follow-up', nextTs(), root)));
    await post(eventCallback(channelEvent('unrelated chatter')));
    await waitFor(() => handlers.messages.length === 3);
    const followUp = handlers.messages.find((x) => x.text === 'follow-up')!;
    expect(followUp.mentionsBot).toBe(true);
    expect(followUp.conversation.threadId).toBe(root);
    expect(handlers.messages.find((x) => x.text === 'unrelated chatter')!.mentionsBot).toBe(false);
  });
});

describe('slack sends', () => {
  it('posts into the thread, split under 4000 characters, without link_names or unfurls', async () => {
    const text = Array.from({ length: 12 }, (_, i) => `Part ${i}. ${'Slow breaths help. '.repeat(40)}`).join('\n\n');
    const root = nextTs();
    const sent = await bot.adapter.send({ conversation: { platform: 'slack', channelId: CHANNEL, threadId: root }, text, kind: 'reply' });
    const posts = fake.callsTo('chat.postMessage');
    expect(posts.length).toBeGreaterThan(1);
    for (const p of posts) {
      expect(String(p.args.text).length).toBeLessThanOrEqual(4000);
      expect(p.args).toMatchObject({ channel: CHANNEL, thread_ts: root, unfurl_links: 'false' });
      expect(p.args).not.toHaveProperty('link_names');
    }
    expect(sent.id).toMatch(new RegExp(`^${CHANNEL}:\\d+\\.\\d+$`));
  });

  it('waits out a 429 Retry-After and then posts once', async () => {
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    await bot.adapter.send({ conversation: { platform: 'slack', channelId: DM }, text: 'hello', kind: 'reply' });
    expect(bot.sleeps).toEqual([1000]);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it('fails fast with PLATFORM_RATE_LIMITED when Slack asks for a long wait', async () => {
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 120 });
    const error = await bot.adapter.send({ conversation: { platform: 'slack', channelId: DM }, text: 'hello', kind: 'reply' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BotError);
    expect(error).toMatchObject({ code: 'PLATFORM_RATE_LIMITED', retryAfterMs: 120_000 });
    expect(bot.sleeps).toEqual([]);
  });

  it('throws PLATFORM_PERMISSION when Slack refuses the channel', async () => {
    fake.failNext('chat.postMessage', { error: 'channel_not_found' });
    await expect(bot.adapter.send({ conversation: { platform: 'slack', channelId: 'D0GONE' }, text: 'hi', kind: 'resources' }))
      .rejects.toMatchObject({ code: 'PLATFORM_PERMISSION' });
  });

  it('opens a DM with conversations.open and answers undefined when a DM cannot exist', async () => {
    expect(await bot.adapter.openDirect(USER)).toEqual({ platform: 'slack', channelId: 'D0ALICE', communityId: 'T0TEAM' });
    expect(await bot.adapter.openDirect(BOT_USER_ID)).toBeUndefined();
    fake.failNext('conversations.open', { error: 'user_disabled' });
    expect(await bot.adapter.openDirect('U0GONE')).toBeUndefined();
  });
});

describe('slack slash command', () => {
  it('maps /oyster country de to the core and acks with an ephemeral answer', async () => {
    handlers.reply = () => ({ text: 'Your country is now **DE**.', ok: true, private: true });
    const res = await post(slashCommandForm({ text: 'country de', user: USER, channel: CHANNEL, responseUrl: fake.responseUrl('r1') }));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ response_type: 'ephemeral', text: 'Your country is now *DE*.' });
    expect(handlers.commands[0]).toMatchObject({
      name: 'country', args: ['de'], isDirect: false,
      actor: { id: USER }, conversation: { platform: 'slack', channelId: CHANNEL, communityId: 'T0TEAM' },
    });
  });

  it('acks at once and answers through response_url when the core is slow', async () => {
    // The core answers only when the test lets it: the ack must come back first.
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    let answered = false;
    handlers.reply = async () => {
      await held;
      answered = true;
      return { text: 'Here is the help.', ok: true, private: true };
    };
    const res = await post(slashCommandForm({ text: 'help', user: USER, channel: CHANNEL, responseUrl: fake.responseUrl('slow') }));
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(answered).toBe(false);
    release();
    const [r] = await waitFor(() => fake.responses.filter((x) => x.id === 'slow').length === 1 && fake.responses.filter((x) => x.id === 'slow'));
    expect(r!.body).toMatchObject({ response_type: 'ephemeral', text: 'Here is the help.' });
  });

  it('sends a long answer (an export) to the DM and says so', async () => {
    handlers.reply = () => ({ text: Array.from({ length: 3 }, () => 'x'.repeat(3000)).join('\n\n'), ok: true, private: true });
    const res = await post(slashCommandForm({ text: 'export', user: USER, channel: CHANNEL, responseUrl: fake.responseUrl('r2') }));
    expect(res.status).toBe(200);
    await waitFor(() => fake.responses.some((r) => r.id === 'r2'));
    expect(fake.callsTo('chat.postMessage').map((c) => c.args.channel)).toEqual(['D0ALICE', 'D0ALICE', 'D0ALICE']);
  });
});

describe('slack moderator alerts', () => {
  it('posts a Block Kit alert with a text fallback, once per alert id behind the core dedupe', async () => {
    const sink = withDedupe(bot.adapter.moderatorSink!);
    const alert = sampleAlert({ caseId: 501, alertId: 9001 });
    const first = await sink.deliver(alert);
    const again = await sink.deliver(alert);
    expect(again.ref).toBe(first.ref);
    const posts = fake.callsTo('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.args.channel).toBe('C0MODS');
    expect(String(posts[0]!.args.text)).toContain('Case #501');
    expect((posts[0]!.args.blocks as Array<{ type: string }>).map((b) => b.type)).toEqual(['header', 'section', 'section', 'context', 'actions']);
  });

  it('edits the alert message its ref names for a status update', async () => {
    const sink = bot.adapter.moderatorSink!;
    const first = await sink.deliver(sampleAlert({ caseId: 502, alertId: 9002 }));
    await sink.edit!(first.ref!, sampleAlert({ caseId: 502, alertId: 9003, kind: 'update', status: 'acknowledged', actedBy: 'Mo', actedAt: new Date().toISOString() }));
    const [update] = fake.callsTo('chat.update');
    expect(`${update!.args.channel}:${update!.args.ts}`).toBe(first.ref);
    expect(String(update!.args.text)).toContain('acknowledged by Mo');
  });

  it('refuses a button press the core refuses with an ephemeral message and leaves the alert alone', async () => {
    handlers.reply = () => ({ text: 'Only moderators can do that.', ok: false, private: true });
    const res = await post(blockActionForm(blockActionPayload({
      user: 'U0MALLORY', channel: 'C0MODS', messageTs: '1700000001.000001', actionId: ACTION_ACK, value: '42', responseUrl: fake.responseUrl('b1'),
    })));
    expect(res.status).toBe(200);
    const [eph] = await waitFor(() => fake.callsTo('chat.postEphemeral').length === 1 && fake.callsTo('chat.postEphemeral'));
    expect(eph!.args).toMatchObject({ channel: 'C0MODS', user: 'U0MALLORY', text: 'Only moderators can do that.' });
    expect(handlers.commands[0]).toMatchObject({ name: 'case', args: ['ack', '42'], actor: { id: 'U0MALLORY' } });
    expect(fake.callsTo('chat.update')).toHaveLength(0);
  });

  it('updates the alert in place with who resolved it when the core agrees', async () => {
    const actedAt = '2025-01-02T05:00:00.000Z';
    handlers.reply = () => ({ text: 'Resolved.', ok: true, private: true, updatedAlert: sampleAlert({ status: 'resolved', actedBy: 'Mo', actedAt }) });
    await post(blockActionForm(blockActionPayload({
      user: 'U0MO', channel: 'C0MODS', messageTs: '1700000002.000002', actionId: ACTION_RESOLVE, value: '42', responseUrl: fake.responseUrl('b2'),
    })));
    const [update] = await waitFor(() => fake.callsTo('chat.update').length === 1 && fake.callsTo('chat.update'));
    expect(update!.args).toMatchObject({ channel: 'C0MODS', ts: '1700000002.000002' });
    expect(JSON.stringify(update!.args.blocks)).toContain('resolved by Mo');
    expect(JSON.stringify(update!.args.blocks)).not.toContain(ACTION_RESOLVE);
  });
});
