/**
 * Contract for the send ledger (src/store/send-ledger.ts) on any store: marks written before a
 * send and settled after, what a read-back asks of them (every mark of a chat, the lowest id
 * sent since a moment on one id counter, the highest id of a chat), and retention.
 */
import { afterEach, expect, it } from 'vitest';
import { T0, at } from './case-store.contract.js';
import type { StoreFactory, StoreSet } from './stores.js';

const mark = (key: string, chatId: string, createdAt: Date, floorId = 10) =>
  ({ key, platform: 'telegram', chatId, floorId, markup: undefined, createdAt });

export function sendLedgerContract(make: StoreFactory): void {
  let s: StoreSet;
  afterEach(async () => s?.close());

  it('keeps a mark unsettled until its message id is recorded, and drops a refused one', async () => {
    s = await make();
    await s.ledger.mark({ ...mark('resources:1#0', '501', T0), markup: '{"inline_keyboard":[[]]}' });
    expect(await s.ledger.get('resources:1#0')).toEqual({
      key: 'resources:1#0', platform: 'telegram', chatId: '501', floorId: 10, markup: '{"inline_keyboard":[[]]}', messageId: undefined, createdAt: T0,
    });
    await s.ledger.sent('resources:1#0', 12);
    expect((await s.ledger.get('resources:1#0'))?.messageId).toBe(12);
    await s.ledger.mark(mark('reply:9#0', '501', T0));
    await s.ledger.drop('reply:9#0');
    expect(await s.ledger.get('reply:9#0')).toBeUndefined();
    // Marking again under a key (a send settled as not made, sent anew) starts it unsettled.
    await s.ledger.mark(mark('resources:1#0', '501', at(1), 13));
    expect(await s.ledger.get('resources:1#0')).toMatchObject({ floorId: 13, messageId: undefined });
  });

  it('answers per chat, per id counter and by age', async () => {
    s = await make();
    await s.ledger.mark(mark('a', '501', T0));
    await s.ledger.sent('a', 20);
    await s.ledger.mark(mark('b', '502', at(5)));
    await s.ledger.sent('b', 31);
    await s.ledger.mark(mark('c', '-5', at(6)));
    await s.ledger.sent('c', 30);
    await s.ledger.mark(mark('d', '-1001', at(7)));
    await s.ledger.sent('d', 4);
    await s.ledger.mark(mark('e', '501', at(8)));
    expect((await s.ledger.inChat('telegram', '501')).map((m) => [m.key, m.messageId]).sort()).toEqual([['a', 20], ['e', undefined]]);
    // Private chats and basic groups share one counter; a supergroup has its own.
    expect(await s.ledger.lowestSentSince('telegram', { counter: 'account' }, at(1))).toBe(30);
    expect(await s.ledger.lowestSentSince('telegram', { exact: '-1001' }, at(1))).toBe(4);
    expect(await s.ledger.lowestSentSince('telegram', { exact: '-1001' }, at(9))).toBeUndefined();
    expect(await s.ledger.highestSent('telegram', { exact: '501' })).toBe(20);
    expect(await s.ledger.highestSent('telegram', { exact: '777' })).toBeUndefined();
    expect(await s.ledger.highestSent('telegram', { counter: 'account' })).toBe(31);
    expect(await s.ledger.purge(at(6))).toBe(2);
    expect(await s.ledger.get('a')).toBeUndefined();
    expect(await s.ledger.get('c')).toBeDefined();
  });

  it('forgets the marks of a person\'s private chat with the person, and no other chat\'s', async () => {
    s = await make();
    await s.ledger.mark(mark('a', '501', T0));
    await s.ledger.mark(mark('b', '-1001', T0));
    await s.ledger.mark(mark('c', '502', T0));
    await s.messages.forgetUser('telegram:501');
    expect(await s.ledger.get('a')).toBeUndefined();
    expect(await s.ledger.get('b')).toBeDefined();
    expect(await s.ledger.get('c')).toBeDefined();
  });
}
