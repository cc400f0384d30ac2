/**
 * Settling a Telegram send that a crash (or a lost answer) cut short: did the message reach the
 * chat? Telegram has no idempotency key and a bot cannot read a chat's history, but it can try an
 * edit. editMessageReplyMarkup with the keyboard the message was sent with answers
 *   - "message is not modified" when a message of the bot with that keyboard is at that id,
 *   - "message to edit not found" when there is no message at that id in this chat,
 *   - "message can't be edited" when the message is someone else's.
 * Alone that says "a bot message is here", not "this message is here", and an edit with another
 * keyboard would change the message it hits. Two facts make it an answer:
 *   1. Every send is marked in the ledger before it leaves (sender.ts), so a bot message at an id
 *      the ledger does not know belongs to a mark still unsettled. When the send being settled is
 *      the only unsettled mark in its chat, before and after probing, an unknown bot message is
 *      that send, and the probe's keyboard is its own (the probe changes nothing).
 *   2. Ids grow: the message, if sent, is above the mark's floor (an id that existed when the mark
 *      was written), and below any id sent after the dead run died. Private chats and basic groups
 *      share the bot's one counter, so their window can hold other chats' messages; those answer
 *      "not found" here. A supergroup's ids are dense, so there the first id with no message ends it.
 * Anything short of a clear hit (no floor, another unsettled send in the chat, an error, nothing
 * within the window) answers "not found", and the caller sends again: a resource message twice
 * is better than none (fail toward the person's safety).
 *
 * How far to look. Above the floor, every message of the bot's account takes an id: other chats'
 * answers, people's messages, alerts. On a busy bot the send can land many ids up. A fixed window
 * of 40 ids missed it: in a 30-kill fault run (load 13-18) all 49 "not found" verdicts had probed
 * the whole window, the hits came at every depth up to its edge (34, 20, 5, 5 and 4 in the five
 * batches of 8), and 5 resource messages were sent twice. Now the window reaches up to the lowest
 * id this run has sent on the counter when there is one (a sound bound: nothing the dead run sent
 * is above it), at most MAX_PROBES ids; without that bound it is WINDOW_UNBOUNDED ids, and a miss
 * is reported as 'window' (unsure), not 'not-found' (sure).
 */
import { GrammyError, type Api } from 'grammy';
import type { Logger } from '../../src/logger.js';
import type { SendLedger, SendMark } from '../../src/ports.js';
import { SEND_MARK_TTL_MS, sharesAccountCounter } from '../../src/store/send-ledger.js';

/** Ids probed above the floor when no later send of this run bounds the window. */
export const WINDOW_UNBOUNDED = 120;
/** Ids probed at most when a later send bounds the window. */
export const MAX_PROBES = 240;
/**
 * Probes in flight at once (ascending batches, so the first hit is the lowest): fewer in a
 * supergroup, whose dense ids end the search at the first empty one.
 */
const BATCH_SHARED = 16;
const BATCH_DENSE = 8;

export type Probe = 'mine' | 'absent' | 'other' | 'error';

export interface ReadBackResult {
  /** The message id when the send is known to have arrived; undefined when not known. */
  messageId: number | undefined;
  /**
   * Why (for the log): 'found', 'edited'; or unsure, so sent again: 'no-floor', 'expired',
   * 'busy-chat', 'window' (nothing within the ids probed, and nothing bounds the window), 'error';
   * or 'not-found' (nothing up to the first id this run sent: surely not sent).
   */
  reason: string;
  probes: number;
}

/** What one edit probe says about one id. */
export async function probe(api: Api, chatId: string, messageId: number, markup: string | undefined): Promise<Probe | 'edited'> {
  try {
    await api.editMessageReplyMarkup(chatId, messageId, markup ? { reply_markup: JSON.parse(markup) } : {});
    // Applied: a bot message with another keyboard was here. Under the ledger's rule it can only be
    // the unsettled send (a moderator's button press changed its keyboard since); it is counted as
    // found, and the caller logs it.
    return 'edited';
  } catch (error) {
    if (!(error instanceof GrammyError) || error.error_code !== 400) return 'error';
    if (/message is not modified/i.test(error.description)) return 'mine';
    if (/message to edit not found/i.test(error.description)) return 'absent';
    if (/message can't be edited/i.test(error.description)) return 'other';
    return 'error';
  }
}

export interface ReadBackDeps {
  api: Api;
  ledger: SendLedger;
  logger: Logger;
  /** When this process started: sends marked since then were made after any dead run died. */
  runStartedAt: Date;
  now(): Date;
}

/** An unsettled send's fate. The caller holds the chat's send gate meanwhile (no sends from here). */
export async function readBack(deps: ReadBackDeps, mark: SendMark): Promise<ReadBackResult> {
  const { api, ledger } = deps;
  if (mark.floorId <= 0) return { messageId: undefined, reason: 'no-floor', probes: 0 };
  if (deps.now().getTime() - mark.createdAt.getTime() > SEND_MARK_TTL_MS) return { messageId: undefined, reason: 'expired', probes: 0 };
  const before = await ledger.inChat(mark.platform, mark.chatId);
  if (before.some((m) => m.key !== mark.key && m.messageId === undefined)) return { messageId: undefined, reason: 'busy-chat', probes: 0 };
  const known = new Set(before.map((m) => m.messageId));
  // A send marked by a run that has died is bounded by the lowest id sent since this run began.
  const upper = mark.createdAt < deps.runStartedAt
    ? await ledger.lowestSentSince(
      mark.platform, sharesAccountCounter(mark.chatId) ? { counter: 'account' } : { exact: mark.chatId }, deps.runStartedAt)
    : undefined;
  const last = upper === undefined ? mark.floorId + WINDOW_UNBOUNDED : Math.min(upper - 1, mark.floorId + MAX_PROBES);
  const bounded = upper !== undefined && last === upper - 1;
  const ids: number[] = [];
  for (let id = mark.floorId + 1; id <= last; id++) if (!known.has(id)) ids.push(id);
  let probes = 0;
  let failed = false;
  const size = sharesAccountCounter(mark.chatId) ? BATCH_SHARED : BATCH_DENSE;
  for (let i = 0; i < ids.length; i += size) {
    const batch = ids.slice(i, i + size);
    const answers = await Promise.all(batch.map((id) => probe(api, mark.chatId, id, mark.markup)));
    probes += batch.length;
    const hit = answers.findIndex((a) => a === 'mine' || a === 'edited');
    if (hit >= 0) {
      const messageId = batch[hit]!;
      // Another send into this chat marked while probing could be the message we hit.
      const after = await ledger.inChat(mark.platform, mark.chatId);
      if (after.some((m) => m.key !== mark.key && (m.messageId === undefined || m.messageId === messageId))) {
        return { messageId: undefined, reason: 'busy-chat', probes };
      }
      return { messageId, reason: answers[hit] === 'edited' ? 'edited' : 'found', probes };
    }
    if (answers.includes('error')) failed = true;
    // A supergroup's ids are dense (each message takes the chat's next id): an id above the floor
    // with no message means nothing was posted after it either. Stopping there keeps a send that
    // never left (the common case) at one batch of probes. A deleted message ends it early too,
    // which sends again (toward safety).
    if (!sharesAccountCounter(mark.chatId) && answers.includes('absent')) return { messageId: undefined, reason: failed ? 'error' : 'not-found', probes };
  }
  return { messageId: undefined, reason: failed ? 'error' : bounded ? 'not-found' : 'window', probes };
}
