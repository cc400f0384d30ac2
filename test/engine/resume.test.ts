/**
 * Crash-safe intake, in process: a previous run recorded messages at intake (the platform was
 * acknowledged) and died before finishing them. The next start resumes them at once from the
 * store, without a redelivery, and sends a message's crisis resources exactly once: what was
 * confirmed sent is not sent again, what was decided but unconfirmed is sent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../src/messages.js';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { SqliteMessageStore } from '../../src/store/sqlite/sqlite-store.js';
import type { ResourceMark } from '../../src/store/store.js';
import { startHarness, tempDbPath, type Harness } from '../helpers/bot-harness.js';
import { waitFor } from '../helpers/wait-for.js';

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

const HIGH = 'I keep thinking about killing myself and I do not know how to stop.';
const SUPPORTIVE = 'I am really glad you told me. You matter, and you do not have to face this alone.';

function dm(id: string, userId: string, text: string): InboundMessage {
  return {
    id, text, isDirect: true, mentionsBot: true, receivedAt: new Date('2026-03-02T09:59:00Z'),
    conversation: { platform: 'fake', channelId: `dm-${userId}` },
    author: { id: userId, displayName: `user ${userId}`, isBot: false, isSelf: false },
  };
}

/** What a killed run leaves behind: intake rows, some with a resource decision. */
async function leftUnfinished(dbPath: string, rows: Array<{ message: InboundMessage; resources?: ResourceMark }>): Promise<void> {
  const store = new SqliteMessageStore(openDatabase(dbPath));
  for (const { message, resources } of rows) {
    const d = { platform: 'fake', messageId: message.id, userKey: `fake:${message.author.id}`, payload: JSON.stringify(message) };
    await store.recordInbound(d, new Date('2026-03-02T09:59:00Z'));
    if (resources) await store.markResources('fake', message.id, resources);
  }
  await store.close();
}

describe('a start after a crash', () => {
  it('answers every message the last run recorded but never finished, at once and without a redelivery', async () => {
    const dbPath = tempDbPath('oyster-resume-');
    await leftUnfinished(dbPath, [{ message: dm('m1', 'u1', 'first question') }, { message: dm('m2', 'u2', 'second question') }]);
    h = await startHarness({ dbPath, env: { CRISIS_DEFAULT_COUNTRY: 'US' }, reply: (b) => `answer to: ${b.messages.at(-1)!.content}` });
    await waitFor(() => h!.adapter.sent.length === 2, { what: 'both resumed messages answered' });
    await h.bot.engine.idle();
    expect(h.adapter.sent.map((m) => [m.conversation.channelId, m.text]).sort()).toEqual([
      ['dm-u1', 'answer to: first question'], ['dm-u2', 'answer to: second question'],
    ]);
    // Handled means finished: a further redelivery is a duplicate, and nothing is resumed twice.
    await h.adapter.receive({ id: 'm1', userId: 'u1', text: 'first question' });
    expect(h.adapter.sent).toHaveLength(2);
  });

  it('sends the resources of a crisis message that was cut short before they went out, and opens its case and alert once', async () => {
    const dbPath = tempDbPath('oyster-resume-');
    await leftUnfinished(dbPath, [{ message: dm('c1', 'u1', HIGH), resources: 'due' }]);
    h = await startHarness({ dbPath, env: { CRISIS_DEFAULT_COUNTRY: 'US' }, reply: () => SUPPORTIVE });
    await waitFor(() => h!.adapter.sent.length === 2, { what: 'resources and reply' });
    expect(h.adapter.sent.map((m) => m.kind)).toEqual(['resources', 'reply']);
    expect(h.adapter.sent[0]!.text).toContain('988');
    await h.bot.drainAlerts();
    expect(h.sink.alerts.map((a) => [a.kind, a.level])).toEqual([['new', 'high']]);
  });

  it('does not send again resources the platform already confirmed for the message', async () => {
    const dbPath = tempDbPath('oyster-resume-');
    await leftUnfinished(dbPath, [{ message: dm('c2', 'u1', HIGH), resources: 'sent' }]);
    h = await startHarness({ dbPath, env: { CRISIS_DEFAULT_COUNTRY: 'US' }, reply: () => SUPPORTIVE });
    await waitFor(() => h!.adapter.sent.length === 1, { what: 'the reply' });
    await h.bot.engine.idle();
    expect(h.adapter.sent.map((m) => m.kind)).toEqual(['reply']);
    // The case and its alert are still written (raise is idempotent per message id).
    await h.bot.drainAlerts();
    expect(h.sink.alerts).toHaveLength(1);
  });
});
