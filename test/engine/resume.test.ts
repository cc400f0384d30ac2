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
import { SqliteResourceDeliveries } from '../../src/store/sqlite/sqlite-resource-deliveries.js';
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
    // Each resumed message counted one try toward the resume limit, when its handling began.
    const db = openDatabase(dbPath);
    expect(db.prepare("SELECT message_id, resumes FROM processed_messages WHERE platform = 'fake' ORDER BY message_id").all())
      .toEqual([{ message_id: 'm1', resumes: 1 }, { message_id: 'm2', resumes: 1 }]);
    db.close();
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

  it('does not handle a second time a message this process took at intake after the adapter started (resume runs after the start)', async () => {
    const dbPath = tempDbPath('oyster-resume-');
    // The model is slower than the bot's 3 s timeout, so the message is unfinished in the store for a while.
    h = await startHarness({ dbPath, env: { CRISIS_DEFAULT_COUNTRY: 'US' }, reply: () => ({ content: SUPPORTIVE, delayMs: 60_000 }) });
    const handled = h.adapter.receive({ id: 'live1', userId: 'u9', text: HIGH });
    await waitFor(() => h!.adapter.sent.some((m) => m.kind === 'resources'), { what: 'the resources of the live message' });
    // What lifecycle does once an adapter is up: resume the store's unfinished rows. The live
    // message is one of them, and must be left to the handling already under way.
    expect(await h.bot.engine.resume('fake', h.adapter)).toBe(0);
    await handled;
    await h.bot.engine.idle();
    expect(h.adapter.sent.filter((m) => m.kind === 'resources')).toHaveLength(1);
    // One answer (the safe reply standing in for the slow model), not one per handling.
    expect(h.adapter.sent.filter((m) => m.kind !== 'resources')).toHaveLength(1);
  });

  it('sends resources once when the killed run had already queued them: the queue re-sends its row, the resumed message does not add another', async () => {
    const dbPath = tempDbPath('oyster-resume-');
    const message = dm('c3', 'u3', HIGH);
    await leftUnfinished(dbPath, [{ message, resources: 'due' }]);
    // The dead run queued the resources and claimed the row for its send, then died.
    const db = openDatabase(dbPath);
    const queue = new SqliteResourceDeliveries(db);
    const { id } = await queue.enqueue({
      caseId: undefined, userKey: 'fake:u3', conversation: message.conversation, place: 'private', level: 'high', country: 'US',
      locale: 'en', about: 'self', resourceIds: [], at: new Date('2026-03-02T09:59:01Z'),
    });
    expect(await queue.claim(id, new Date('2026-03-02T09:59:01Z'), 60_000)).toBeDefined();
    db.close();
    h = await startHarness({ dbPath, env: { CRISIS_DEFAULT_COUNTRY: 'US' }, reply: () => SUPPORTIVE });
    await waitFor(() => h!.adapter.sent.some((m) => m.kind === 'reply'), { what: 'the reply' });
    await waitFor(() => h!.adapter.sent.some((m) => m.kind === 'resources'), { what: 'the queued resources re-sent by the queue' });
    await h.bot.engine.idle();
    await h.bot.drainAlerts();
    expect(h.adapter.sent.filter((m) => m.kind === 'resources')).toHaveLength(1);
    expect(h.adapter.sent.filter((m) => m.kind === 'reply')).toHaveLength(1);
  });

  it('never sends twice the resources of a message taken while the bot was still starting', async () => {
    // The platform delivers a crisis message before the bot has finished starting, and its
    // resources are still on their way to the platform when the start completes. Releasing the
    // dead run's claims then released this live one too, and the queue sent the row again.
    let held = true;
    let inFlight!: () => void;
    const sending = new Promise<void>((resolve) => (inFlight = resolve));
    let release!: () => void;
    const platformAnswers = new Promise<void>((resolve) => (release = resolve));
    let handled: Promise<void> | undefined;
    h = await startHarness({
      env: { CRISIS_DEFAULT_COUNTRY: 'US' },
      reply: () => SUPPORTIVE,
      adapter: {
        whileStarting: async (handlers, adapter) => {
          adapter.beforeSend = async (m) => {
            if (m.kind !== 'resources' || !held) return;
            held = false;
            inFlight();
            await platformAnswers;
          };
          handled = handlers.onMessage(dm('early1', 'u5', HIGH)).then((receipt) => receipt.handled);
          await sending;
        },
      },
    });
    // A pass of the queue while that first send is still in flight.
    await h.bot.drainResources();
    release();
    await handled;
    await h.bot.engine.idle();
    await h.bot.drainResources();
    expect(h.adapter.sent.filter((m) => m.kind === 'resources')).toHaveLength(1);
  });
});
