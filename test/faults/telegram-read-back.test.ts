/**
 * Telegram's read-back (adapters/telegram/read-back.ts) through the real grammY Api, the real
 * sender and a real SQLite send ledger, against the Telegram fake. A "dead run" is played the way
 * a SIGKILL leaves things: its mark is in the ledger, and its sendMessage reached Telegram (or not),
 * but no message id was recorded. The next run sends under the same key.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Bot } from 'grammy';
import { createSender, type Sender } from '../../adapters/telegram/sender.js';
import { probe } from '../../adapters/telegram/read-back.js';
import { renderChunks } from '../../adapters/telegram/outbound.js';
import { Writable } from 'node:stream';
import { createLogger, silentLogger } from '../../src/logger.js';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { SqliteSendLedger } from '../../src/store/sqlite/sqlite-send-ledger.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/fake-telegram.js';
import { startPlatform } from './fault-platforms.js';
import { createTelegramAdapter } from '../../adapters/telegram/index.js';
import type { AlertView } from '../../src/ports.js';
import { testConfig } from '../telegram/harness.js';

const PERSON = '700000001';
const OTHER = '700000002';
const MODS = '-1001777000111';
const KEYBOARD = { inline_keyboard: [[{ text: 'Acknowledge', callback_data: 'case:ack:7' }]] };

let fake: FakeTelegram;
let ledger: SqliteSendLedger;
let bot: Bot;

beforeEach(async () => {
  fake = await startFakeTelegram();
  ledger = new SqliteSendLedger(openDatabase(':memory:'));
  // Only the Api is used: no getMe, no polling.
  bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
});
afterEach(async () => {
  await fake.close();
});

/** What a dead run did: marked, and (when `reached`) its sendMessage reached Telegram; nothing recorded after. */
async function deadRun(key: string, chatId: string, floorId: number, reached: boolean, keyboard?: typeof KEYBOARD): Promise<void> {
  await ledger.mark({ key, platform: 'telegram', chatId, floorId, markup: keyboard ? JSON.stringify(keyboard) : undefined, createdAt: new Date(Date.now() - 5_000) });
  if (reached) await bot.api.sendMessage(chatId, 'Resources: call or text 988', keyboard ? { reply_markup: keyboard } : {});
}

/** A logger that keeps the read-back's verdicts (reason and probes). */
function captureLogs() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return {
    logger: createLogger({ destination, level: 'info' }),
    verdicts: () => lines.filter((l) => String(l.msg).startsWith('telegram read-back')).map((l) => ({ reason: l.reason, probes: l.probes })),
  };
}

const nextRun = (): Sender => createSender(bot.api, silentLogger, () => undefined, { ledger: () => ledger });
const chunk = (text: string) => renderChunks(text)[0]!;
const sendsTo = (chatId: string) => fake.callsOf('sendMessage').filter((c) => String(c.payload.chat_id) === chatId && c.status === 200);

describe('the Telegram fake answers as the Bot API does', () => {
  it('numbers private chats from one counter and supergroups per chat, and answers edit probes three ways', async () => {
    fake.startedBy(Number(PERSON));
    fake.startedBy(Number(OTHER));
    const a = await bot.api.sendMessage(PERSON, 'one');
    const b = await bot.api.sendMessage(OTHER, 'two');
    const m = await bot.api.sendMessage(MODS, 'alert', { reply_markup: KEYBOARD });
    const n = await bot.api.sendMessage(MODS, 'alert 2');
    expect(b.message_id).toBe(a.message_id + 1);
    expect(n.message_id).toBe(m.message_id + 1);
    fake.pushUpdate({ message: { date: 0, text: 'hi', chat: { id: Number(PERSON), type: 'private', first_name: 'P' }, from: { id: Number(PERSON), is_bot: false, first_name: 'P' } } });
    const personsId = b.message_id + 1;
    expect(await probe(bot.api, PERSON, a.message_id, undefined)).toBe('mine');
    expect(await probe(bot.api, PERSON, b.message_id, undefined)).toBe('absent'); // another chat's id
    expect(await probe(bot.api, PERSON, personsId, undefined)).toBe('other');
    expect(await probe(bot.api, MODS, m.message_id, JSON.stringify(KEYBOARD))).toBe('mine');
    expect(fake.sent.find((s) => s.messageId === m.message_id && s.chatId === MODS)!.edits).toBe(0);
    // A different keyboard is applied, as Telegram applies it: the reason probes use the sent one.
    expect(await probe(bot.api, MODS, n.message_id, JSON.stringify(KEYBOARD))).toBe('edited');
  });

  it('counts only the sendMessage calls Telegram accepted in the fault tally', async () => {
    const driver = await startPlatform('telegram');
    try {
      const root = driver.env.TELEGRAM_API_ROOT!;
      const token = driver.env.TELEGRAM_BOT_TOKEN!;
      const call = (body: object) => fetch(`${root}/bot${token}/sendMessage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      // Never started the bot (403), broken HTML (400), then the plain resend that is accepted.
      expect((await call({ chat_id: 700000009, text: 'x' })).status).toBe(403);
      expect((await call({ chat_id: MODS, text: '<b>case #1', parse_mode: 'HTML' })).status).toBe(400);
      expect((await call({ chat_id: MODS, text: 'case #1' })).status).toBe(200);
      expect(driver.outbound().map((o) => o.text)).toEqual(['case #1']);
    } finally {
      await driver.close();
    }
  });
});

describe('a send a crash cut short', () => {
  beforeEach(() => {
    fake.startedBy(Number(PERSON));
    fake.startedBy(Number(OTHER));
  });

  it('is found in the chat and not sent again, past other chats\' messages and the person\'s own', async () => {
    const floor = (await bot.api.sendMessage(PERSON, 'earlier answer')).message_id;
    await bot.api.sendMessage(OTHER, 'someone else, same counter');
    await deadRun('resources:1#0', PERSON, floor, true);
    fake.pushUpdate({ message: { date: 0, text: 'are you there?', chat: { id: Number(PERSON), type: 'private', first_name: 'P' }, from: { id: Number(PERSON), is_bot: false, first_name: 'P' } } });
    const before = sendsTo(PERSON).length;
    const sent = await nextRun().sendChunk({ chatId: PERSON }, chunk('Resources: call or text 988'), 'resources:1#0');
    expect(sendsTo(PERSON).length).toBe(before);
    expect(sent.messageId).toBe(fake.sent.filter((s) => s.chatId === PERSON).at(-1)!.messageId);
    expect((await ledger.get('resources:1#0'))?.messageId).toBe(sent.messageId);
    // Settled now: a third run returns the recorded id without asking Telegram.
    const probes = fake.callsOf('editMessageReplyMarkup').length;
    expect((await nextRun().sendChunk({ chatId: PERSON }, chunk('x'), 'resources:1#0')).messageId).toBe(sent.messageId);
    expect(fake.callsOf('editMessageReplyMarkup').length).toBe(probes);
  });

  it('is found after a restart when the answer went out long after the message, past many other chats\' messages', async () => {
    fake.pushUpdate({ message: { date: 0, text: 'hello', chat: { id: Number(PERSON), type: 'private', first_name: 'P' }, from: { id: Number(PERSON), is_bot: false, first_name: 'P' } } });
    const before = nextRun();
    for (let i = 0; i < 60; i++) await before.sendChunk({ chatId: OTHER }, chunk(`other ${i}`));
    // The run that answers starts fresh (nothing in memory), sends, and dies before recording the id.
    const dead = nextRun();
    const personsMessage = (await ledger.inChat('telegram', OTHER)).reduce((m, x) => Math.min(m, x.messageId!), Infinity) - 1;
    await dead.sendChunk({ chatId: PERSON, replyToMessageId: personsMessage }, chunk('the answer'), 'reply:p#0');
    const mark = (await ledger.get('reply:p#0'))!;
    await ledger.mark({ ...mark, createdAt: new Date(Date.now() - 5_000) });
    await nextRun().sendChunk({ chatId: PERSON, replyToMessageId: personsMessage }, chunk('the answer'), 'reply:p#0');
    expect(sendsTo(PERSON).map((c) => c.payload.text)).toEqual(['the answer']);
  });

  it('is found far above its floor when many of the bot\'s other messages took ids between the mark and the send', async () => {
    const floor = (await bot.api.sendMessage(PERSON, 'earlier answer')).message_id;
    await ledger.mark({ key: 'resources:5#0', platform: 'telegram', chatId: PERSON, floorId: floor, markup: undefined, createdAt: new Date(Date.now() - 5_000) });
    // A busy bot: 70 answers to other chats on the same account counter leave before this one does.
    for (let i = 0; i < 70; i++) await bot.api.sendMessage(OTHER, `other ${i}`);
    const landed = (await bot.api.sendMessage(PERSON, 'Resources: call or text 988')).message_id;
    expect(landed - floor).toBeGreaterThan(70);
    const sent = await nextRun().sendChunk({ chatId: PERSON }, chunk('Resources: call or text 988'), 'resources:5#0');
    expect(sent.messageId).toBe(landed);
    expect(sendsTo(PERSON).filter((c) => String(c.payload.text).includes('988'))).toHaveLength(1);
  });

  it('is sent as surely absent after probing only up to the first id the new run sent, and as unsure without that bound', async () => {
    const floor = (await bot.api.sendMessage(PERSON, 'earlier answer')).message_id;
    await deadRun('resources:6#0', PERSON, floor, false);
    for (let i = 0; i < 3; i++) await bot.api.sendMessage(OTHER, `other ${i}`);
    const logs = captureLogs();
    const run = createSender(bot.api, logs.logger, () => undefined, { ledger: () => ledger });
    // The new run's first send bounds the dead run's: nothing the dead run sent is above its id.
    await run.sendChunk({ chatId: OTHER }, chunk('an answer elsewhere'), 'reply:o#0');
    await run.sendChunk({ chatId: PERSON }, chunk('Resources: call or text 988'), 'resources:6#0');
    expect(sendsTo(PERSON).map((c) => c.payload.text)).toEqual(['earlier answer', 'Resources: call or text 988']);
    expect(fake.callsOf('editMessageReplyMarkup')).toHaveLength(3);
    expect(logs.verdicts()).toEqual([{ reason: 'not-found', probes: 3 }]);

    // No send of the new run on the counter yet: the window ends at a fixed depth, and says so.
    const third = '700000003';
    fake.startedBy(Number(third));
    await deadRun('resources:7#0', third, floor, false);
    const fresh = captureLogs();
    await createSender(bot.api, fresh.logger, () => undefined, { ledger: () => ledger }).sendChunk({ chatId: third }, chunk('Resources: call or text 988'), 'resources:7#0');
    expect(fresh.verdicts()).toEqual([{ reason: 'window', probes: expect.any(Number) }]);
  });

  it('is sent when it never reached Telegram', async () => {
    const floor = (await bot.api.sendMessage(PERSON, 'earlier answer')).message_id;
    await deadRun('resources:2#0', PERSON, floor, false);
    await nextRun().sendChunk({ chatId: PERSON }, chunk('Resources: call or text 988'), 'resources:2#0');
    expect(sendsTo(PERSON).map((c) => c.payload.text)).toEqual(['earlier answer', 'Resources: call or text 988']);
  });

  it('is sent again when another send into the same chat is also unsettled (unsure: toward safety)', async () => {
    const floor = (await bot.api.sendMessage(PERSON, 'earlier answer')).message_id;
    await deadRun('resources:3#0', PERSON, floor, true);
    await deadRun('reply:x#0', PERSON, floor, false);
    await nextRun().sendChunk({ chatId: PERSON }, chunk('Resources: call or text 988'), 'resources:3#0');
    expect(sendsTo(PERSON).filter((c) => String(c.payload.text).includes('988'))).toHaveLength(2);
    expect(fake.callsOf('editMessageReplyMarkup')).toHaveLength(0);
  });

  it('is sent again when nothing bounds it from below (no floor)', async () => {
    await deadRun('resources:4#0', PERSON, 0, true);
    await nextRun().sendChunk({ chatId: PERSON }, chunk('Resources: call or text 988'), 'resources:4#0');
    expect(sendsTo(PERSON)).toHaveLength(2);
  });

  it('finds a moderator alert by its own keyboard without changing it or the alerts around it', async () => {
    const run = nextRun();
    const first = await run.sendChunk({ chatId: MODS, keyboard: KEYBOARD }, chunk('case #6'), 'a6#0');
    await deadRun('a7#0', MODS, first.messageId, true, KEYBOARD);
    const other = { inline_keyboard: [[{ text: 'Acknowledge', callback_data: 'case:ack:8' }]] };
    const later = nextRun();
    await later.sendChunk({ chatId: MODS, keyboard: other }, chunk('case #8'), 'a8#0');
    const found = await later.sendChunk({ chatId: MODS, keyboard: KEYBOARD }, chunk('case #7'), 'a7#0');
    expect(sendsTo(MODS)).toHaveLength(3);
    expect(found.messageId).toBe(first.messageId + 1);
    expect(fake.sent.filter((s) => s.chatId === MODS).map((s) => s.edits)).toEqual([0, 0, 0]);
  });

  it('settles an alert that never reached the moderators\' supergroup with one batch of probes (ids there are dense)', async () => {
    const first = await nextRun().sendChunk({ chatId: MODS, keyboard: KEYBOARD }, chunk('case #6'), 'a6');
    await deadRun('a9', MODS, first.messageId, false, KEYBOARD);
    await nextRun().sendChunk({ chatId: MODS, keyboard: KEYBOARD }, chunk('case #9'), 'a9');
    expect(sendsTo(MODS)).toHaveLength(2);
    expect(fake.callsOf('editMessageReplyMarkup').length).toBeLessThanOrEqual(8);
  });

  it('marks every send and drops the mark of one Telegram refused', async () => {
    const run = nextRun();
    await run.sendChunk({ chatId: PERSON }, chunk('hello'));
    await expect(run.sendChunk({ chatId: '700000099' }, chunk('hello'), 'reply:r#0')).rejects.toThrow();
    expect((await ledger.inChat('telegram', PERSON)).map((m) => m.messageId)).toEqual([fake.sent.at(-1)!.messageId]);
    expect(await ledger.get('reply:r#0')).toBeUndefined();
  });
});

describe('the adapter', () => {
  const alert: AlertView = {
    caseId: 16, alertId: 40, kind: 'new', level: 'high', priority: 'high', status: 'open', reasons: ['ideation:active'], platform: 'telegram',
    conversation: { platform: 'telegram', channelId: PERSON }, isDirect: true, user: { id: PERSON, displayName: 'P' }, excerpt: 'x',
    country: 'US', resourcesSent: [], reachedPrivately: true, policyVersion: 'p', createdAt: '2026-12-07T21:00:00.000Z', messageId: `${PERSON}:600`,
  };

  it('posts an alert once across a crash even when the outbox delivers it before the adapter started', async () => {
    // The first run posted the alert (Telegram has it) and was killed before recording its id.
    const first = createTelegramAdapter(testConfig(fake, { moderatorChatId: MODS }), { logger: silentLogger });
    first.useSendLedger!(ledger);
    await bot.api.sendMessage(MODS, 'an earlier alert'); // the chat's history: ids below the floor
    await ledger.mark({ key: 'seed', platform: 'telegram', chatId: MODS, floorId: 1, markup: undefined, createdAt: new Date() });
    await ledger.sent('seed', fake.sent.at(-1)!.messageId);
    await first.moderatorSink!.deliver(alert);
    await ledger.mark({ ...(await ledger.get('a40'))!, createdAt: new Date(Date.now() - 5_000) }); // its id never recorded
    // The next run: the outbox re-delivers the row at start, before any adapter.start().
    const next = createTelegramAdapter(testConfig(fake, { moderatorChatId: MODS }), { logger: silentLogger });
    next.useSendLedger!(ledger);
    const { ref } = await next.moderatorSink!.deliver(alert);
    expect(sendsTo(MODS).filter((c) => String(c.payload.text).includes('#16'))).toHaveLength(1);
    expect(ref).toBe(`${MODS}:${fake.sent.at(-1)!.messageId}`);
  });
});

