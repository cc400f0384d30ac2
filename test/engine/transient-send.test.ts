/**
 * A reply whose send hits a transient platform failure (a connection reset, a rate limit) is
 * sent again after a short backoff, instead of leaving the message unanswered until the next
 * restart. The fault suite found this: a burst of resets on the Bot API connection lost dozens
 * of answers at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/bot-harness.js';

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

describe('an answer whose send fails for a moment', () => {
  it('is sent on a later try, once, and the message is finished', async () => {
    h = await startHarness({ reply: () => 'Tea keeps well in a dry tin.' });
    h.adapter.failNextSends = 2;
    await h.adapter.receive({ id: 'tea-1', text: 'How should I store loose tea?' });
    expect(h.adapter.failedSends.map((m) => m.kind)).toEqual(['reply', 'reply']);
    expect(h.adapter.sent.map((m) => [m.kind, m.text])).toEqual([['reply', 'Tea keeps well in a dry tin.']]);
    // Finished: a redelivery is a duplicate, not a second answer.
    await h.adapter.receive({ id: 'tea-1', text: 'How should I store loose tea?' });
    expect(h.adapter.sent).toHaveLength(1);
  });

  it('gives up after three tries when the platform stays unreachable, leaving the message to be resumed', async () => {
    h = await startHarness({ reply: () => 'Tea keeps well in a dry tin.' });
    h.adapter.failNextSends = 3;
    await h.adapter.receive({ id: 'tea-2', text: 'How should I store loose tea?' });
    expect(h.adapter.failedSends).toHaveLength(3);
    expect(h.adapter.sent).toHaveLength(0);
    // Unfinished in the store: the next start (resume) answers it.
    expect(await h.bot.engine.resume('fake', h.adapter)).toBe(1);
    await h.bot.engine.idle();
    expect(h.adapter.sent.map((m) => m.kind)).toEqual(['reply']);
  });
});
