/**
 * Every bot message on Telegram is accounted for in the send ledger (adapters/telegram/sender.ts),
 * also the ones that come without a key and the ones sent while the store is down: an unsettled or
 * missing mark makes later read-backs in that chat unsure, or wrong. Real grammY Api, real sender,
 * real SQLite ledger, the Telegram fake.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Bot } from 'grammy';
import { createSender } from '../../adapters/telegram/sender.js';
import { renderChunks } from '../../adapters/telegram/outbound.js';
import { BotError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import type { SendLedger } from '../../src/ports.js';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { SqliteSendLedger } from '../../src/store/sqlite/sqlite-send-ledger.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/fake-telegram.js';

const PERSON = '700000001';
const OTHER = '700000002';

let fake: FakeTelegram;
let ledger: SqliteSendLedger;
let bot: Bot;

beforeEach(async () => {
  fake = await startFakeTelegram();
  fake.startedBy(Number(PERSON));
  fake.startedBy(Number(OTHER));
  ledger = new SqliteSendLedger(openDatabase(':memory:'));
  bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
});
afterEach(async () => {
  await fake.close();
});

/** The store's ledger, failing as a store outage does while `down` is set. */
function outage(real: SendLedger): { ledger: SendLedger; down: boolean } {
  const state = { down: false, ledger: undefined as unknown as SendLedger };
  const guard = <A extends unknown[], R>(f: (...a: A) => Promise<R>) => async (...a: A): Promise<R> => {
    if (state.down) throw new BotError('database unavailable (SQLITE_FULL)', 'STORE_UNAVAILABLE');
    return f(...a);
  };
  state.ledger = {
    mark: guard((m) => real.mark(m)), sent: guard((k, id) => real.sent(k, id)), drop: guard((k) => real.drop(k)),
    get: guard((k) => real.get(k)), inChat: guard((p, c) => real.inChat(p, c)),
    lowestSentSince: guard((p, c, s) => real.lowestSentSince(p, c, s)), highestSent: guard((p, c) => real.highestSent(p, c)),
    purge: guard((b) => real.purge(b)),
  };
  return state;
}

const run = (l: SendLedger = ledger) => createSender(bot.api, silentLogger, () => undefined, { ledger: () => l });
const sendsTo = (chatId: string) => fake.callsOf('sendMessage').filter((c) => String(c.payload.chat_id) === chatId && c.status === 200);
const idsIn = (chatId: string) => fake.sent.filter((m) => m.chatId === chatId).map((m) => m.messageId);
const notice = { conversation: { platform: 'telegram', channelId: PERSON }, kind: 'notice' as const, replyToId: `${PERSON}:5`, text: 'I cannot answer right now.' };

/** What a SIGKILL right after the sendMessage leaves: every mark in the chat without its message id. */
async function forgetIds(chatId: string): Promise<void> {
  for (const m of await ledger.inChat('telegram', chatId)) {
    await ledger.mark({ key: m.key, platform: m.platform, chatId: m.chatId, floorId: m.floorId, markup: m.markup, createdAt: new Date(Date.now() - 5_000) });
  }
}

describe('a notice without a key', () => {
  it('is settled when the resumed message sends it again, so it is not doubled and a later read-back in the chat is sure', async () => {
    await run().send({ conversation: notice.conversation, kind: 'reply', text: 'an earlier answer', sendKey: 'reply:4' }, undefined);
    await run().send(notice, undefined);
    await forgetIds(PERSON);
    await ledger.sent('reply:4#0', idsIn(PERSON)[0]!);
    // The resumed message's handling sends its notice again.
    await run().send(notice, undefined);
    expect(sendsTo(PERSON).map((c) => c.payload.text)).toEqual(['an earlier answer', 'I cannot answer right now.']);

    // Later a resources send into the chat is cut short after it reached Telegram.
    await ledger.mark({ key: 'resources:9#0', platform: 'telegram', chatId: PERSON, floorId: idsIn(PERSON).at(-1)!, markup: undefined, createdAt: new Date(Date.now() - 5_000) });
    await bot.api.sendMessage(PERSON, 'Resources: call or text 988');
    await run().sendChunk({ chatId: PERSON }, renderChunks('Resources: call or text 988')[0]!, 'resources:9#0');
    expect(sendsTo(PERSON).map((c) => c.payload.text)).toEqual(['an earlier answer', 'I cannot answer right now.', 'Resources: call or text 988']);
    expect((await ledger.inChat('telegram', PERSON)).every((m) => m.messageId !== undefined)).toBe(true);
  });

  it('is sent again when it answers another message, or says something else', async () => {
    await run().send(notice, undefined);
    await run().send({ ...notice, replyToId: `${PERSON}:6` }, undefined);
    await run().send({ ...notice, text: 'Something else.' }, undefined);
    expect(sendsTo(PERSON)).toHaveLength(3);
  });
});

describe('a send while the store is down', () => {
  it('goes out at once, and is marked with its message id by the first send after the store is back', async () => {
    const store = outage(ledger);
    const sender = run(store.ledger);
    store.down = true;
    await sender.sendChunk({ chatId: PERSON }, renderChunks('Resources: call or text 988')[0]!, 'resources:1#0');
    expect(sendsTo(PERSON)).toHaveLength(1);
    store.down = false;
    await sender.sendChunk({ chatId: OTHER }, renderChunks('an answer')[0]!, 'reply:2#0');
    const id = idsIn(PERSON)[0]!;
    await expect.poll(async () => (await ledger.get('resources:1#0'))?.messageId, { timeout: 15_000 }).toBe(id);
    // The next run, asked for the same send, knows it went out.
    await run().sendChunk({ chatId: PERSON }, renderChunks('Resources: call or text 988')[0]!, 'resources:1#0');
    expect(sendsTo(PERSON)).toHaveLength(1);
    expect(fake.callsOf('editMessageReplyMarkup')).toHaveLength(0);
  });
});
