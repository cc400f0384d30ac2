/**
 * Telegram answers are at least once (no idempotency key, no read-back): an answer the Bot API
 * took in the instant before a crash is sent again after the restart. The adapter keeps few
 * answers in that state at once, so one crash can double only a few; crisis resources never
 * wait for that. Through the real grammY client against the fake Bot API, which here records
 * each sendMessage (the message is Telegram's) and holds its answer, as a slow link would.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../src/messages.js';
import { waitFor } from '../helpers/wait-for.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  if (h) h.fake.sendGate = undefined;
  await h?.close();
  h = undefined;
});

const to = (chat: number, text: string, kind: OutboundMessage['kind']): OutboundMessage =>
  ({ conversation: { platform: 'telegram', channelId: String(chat) }, text, kind });

describe('answers in flight to Telegram', () => {
  it('keeps at most six answers with an unknown outcome at once, and never holds crisis resources behind them', async () => {
    h = await startHarness();
    const fake = h.fake;
    for (let i = 0; i < 9; i++) fake.startedBy(5_000 + i);
    let answer!: () => void;
    fake.sendGate = new Promise<void>((resolve) => (answer = resolve));
    const replies = Array.from({ length: 8 }, (_, i) => h!.adapter.send(to(5_000 + i, `answer number ${i}`, 'reply')));
    const resources = h.adapter.send(to(5_008, 'Please call or text 988 now.', 'resources'));
    const recorded = () => fake.callsOf('sendMessage').map((c) => String(c.payload.text));
    await waitFor(() => recorded().includes('Please call or text 988 now.') && recorded().length >= 7, { what: 'the resources and the first answers at the Bot API' });
    expect(recorded().filter((t) => t.startsWith('answer number'))).toHaveLength(6);

    answer();
    await Promise.all([...replies, resources]);
    expect(recorded().filter((t) => t.startsWith('answer number')).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `answer number ${i}`));
  });
});
