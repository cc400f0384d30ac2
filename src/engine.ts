/**
 * The conversation engine: one fixed pipeline per inbound message, readable top to bottom in
 * this file: receive() (steps 1-2), then process() (steps 3-8). Each step's work lives in a file
 * of its own under src/engine/, and following one message the engine enters each file once
 * (`npx tsx scripts/trace-message.ts` counts):
 *
 *   1. drop the bot's own and other bots' messages                       (here)
 *   2. record the message and dedupe on its platform message id           engine/intake.ts
 *      (persisted: a redelivery after restart is caught)
 *   3. order per user context (one user's messages in sequence, others    (here)
 *      in parallel)
 *   4. screen for risk (offline, sub-millisecond), record the             engine/triage.ts
 *      conversation's level, start the optional model judge
 *   5. at risk: the crisis step opens the case, writes its alert and      src/crisis/responder.ts
 *      sends verified resources
 *   6. rate-limit what is left (never a message at risk), a moderator's   engine/reply.ts
 *      hand-off
 *   7. ask the model, check its answer, send it (or the reviewed          engine/answer.ts
 *      fallback)
 *   8. persist the turns with their assessment                            engine/record.ts, turns.ts
 *
 * A failure anywhere ends in engine/failure.ts, which fails toward safety. What the steps are
 * given and hand each other is in engine/deps.ts.
 *
 * Steps 4-5 (triage) and 6-8 (reply) run in two per-user queues: triage never waits for the
 * model, so a crisis message gets its resources even while the same user's previous answer
 * is still being generated, and replies still go out in the order the messages came.
 *
 * No plug-in chain: a forgotten `next()` must never be able to skip the risk screen.
 */
import { type InboundMessage, riskRank, userContextKey } from './messages.js';
import type { ResourceMark } from './ports.js';
import { KeyedQueue } from './conversation/keyed-queue.js';
import { cleanText } from './conversation/text.js';
import type { EngineDeps, Outcome, Progress, Receipt, ReplyChannel, Triage } from './engine/deps.js';
import { failTowardSafety } from './engine/failure.js';
import { claimUnfinished, recordDelivery } from './engine/intake.js';
import { reply } from './engine/reply.js';
import { triage } from './engine/triage.js';

export type { EngineMetrics, ReplyChannel } from './engine/deps.js';

const activeKey = (platform: string, messageId: string) => `${platform} ${messageId}`;

export class Engine {
  /** Triage per user context: fast, never waits for the model's answer. */
  private readonly triageQueue = new KeyedQueue();
  /** Replies per user context, in the order their messages were triaged. */
  private readonly replyQueue = new KeyedQueue();
  /** Texts triaged but not yet stored, so the screen sees the whole recent conversation. */
  private readonly inFlight = new Map<string, string[]>();
  /** Messages received (or resumed) and not yet handled; idle() waits until none is left. */
  private working = 0;
  private readonly idleWaiters: Array<() => void> = [];
  /**
   * `${platform} ${message id}` of every message this process is handling. A message taken at
   * intake between the adapter's start and resume() is also an unfinished row in the store:
   * without this, resume() handled it a second time (answers and resources doubled).
   */
  private readonly active = new Set<string>();

  constructor(private readonly deps: EngineDeps) {}

  /**
   * Steps 1-2, intake: records the delivery and the message durably, then starts handling it.
   * Resolves once the message is safe (committed, or known as a duplicate): that is when the
   * adapter acknowledges the platform. `handled` settles when the bot is done with it; it never
   * rejects.
   */
  async receive(message: InboundMessage, channel: ReplyChannel): Promise<Receipt> {
    if (message.author.isSelf || message.author.isBot) return { handled: Promise.resolve({ status: 'ignored' }) };
    const platform = message.conversation.platform;
    const key = activeKey(platform, message.id);
    // Taken before the store is asked: resume() reads the store meanwhile and must see it as ours.
    if (this.active.has(key)) return this.duplicate(platform);
    this.active.add(key);
    let isNew: boolean;
    try {
      isNew = await recordDelivery(this.deps, message);
    } catch (error) {
      return { handled: this.settle(key, failTowardSafety(this.deps, error, message, channel, { responded: false })) };
    }
    if (!isNew) {
      this.active.delete(key);
      return this.duplicate(platform);
    }
    return { handled: this.settle(key, this.process(message, channel, undefined, false)) };
  }

  private duplicate(platform: string): Receipt {
    this.deps.metrics?.count('messages_duplicate_total', { platform });
    return { handled: Promise.resolve({ status: 'duplicate' }) };
  }

  /** Handles one inbound message end to end (receive, then wait for the handling). */
  async handle(message: InboundMessage, channel: ReplyChannel): Promise<Outcome> {
    return (await this.receive(message, channel)).handled;
  }

  /**
   * At start: every message of `platform` that a previous run recorded but never finished is
   * handled again at once, from the store, in the order received. Resources already confirmed
   * sent for a message are not sent again; resources decided but unconfirmed are. Resolves
   * with the number resumed once they are queued (not handled).
   */
  async resume(platform: string, channel: ReplyChannel): Promise<number> {
    let resumed = 0;
    for (const d of await claimUnfinished(this.deps, platform)) {
      const key = activeKey(d.platform, d.messageId);
      // Received by this process since the adapter started: already being handled.
      if (this.active.has(key)) continue;
      resumed++;
      this.active.add(key);
      void this.settle(key, this.process(d.message, channel, d.resources, true));
    }
    if (resumed > 0) {
      this.deps.logger.info('resuming messages a previous run left unfinished', { platform, count: resumed });
      this.deps.metrics?.count('messages_resumed_total', { platform });
    }
    return resumed;
  }

  /**
   * Waits for one message's handling (which never rejects) and then lets go of it: the message
   * is no longer this process's, and idle() stops waiting for it. Counted from the call, so a
   * message is counted as soon as its handling starts.
   */
  private async settle(key: string, work: Promise<Outcome>): Promise<Outcome> {
    this.working++;
    try {
      return await work;
    } finally {
      this.active.delete(key);
      this.working--;
      if (this.working === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  /** True while a message is being handled. */
  get busy(): boolean {
    return this.working > 0;
  }

  /** Resolves when no message is being handled (graceful shutdown, tests). */
  async idle(): Promise<void> {
    while (this.working > 0) await new Promise<void>((wake) => this.idleWaiters.push(wake));
    await this.triageQueue.idle();
    await this.replyQueue.idle();
  }

  /** The pipeline after intake (steps 3-8); never rejects. */
  private async process(message: InboundMessage, channel: ReplyChannel, resources: ResourceMark | undefined, resumed: boolean): Promise<Outcome> {
    const { store, clock } = this.deps;
    const platform = message.conversation.platform;
    const key = userContextKey(message.conversation, message.author.id);
    const text = cleanText(message.text);
    let tracked = false;
    const progress: Progress = { responded: false, completed: false };
    try {
      // 3. Order: several instances wait for the person's earlier messages wherever they arrived.
      if (this.deps.turnOrder) {
        const { timedOut } = await this.deps.turnOrder.waitTurn(platform, message.id);
        if (timedOut) this.deps.logger.warn('handled out of order: an earlier message of this person is still unfinished', { platform });
      }
      // 4-5. Triage takes its turn in a per-user triage line, so a crisis message is screened and
      // its resources sent while the same user's previous answer may still be with the model.
      let triaged: Triage | undefined;
      let replyTurn: Promise<() => void> | undefined;
      const releaseTriage = await this.triageQueue.turn(key);
      try {
        tracked = true;
        // The try counts now that it begins; a store that cannot count it does not stop the message.
        if (resumed) await store.markResumeTry(platform, message.id).catch(() => undefined);
        triaged = await triage(this.deps, this.inFlight, message, channel, text, progress, resources);
        // The reply's place in line is taken before this person's next message may triage.
        if (triaged) replyTurn = this.replyQueue.turn(key);
      } finally {
        releaseTriage();
      }
      // 6-8. The reply, in the person's reply line.
      let outcome: Outcome = { status: 'ignored' };
      if (triaged && replyTurn) {
        const releaseReply = await replyTurn;
        try {
          outcome = await reply(this.deps, message, channel, triaged, progress);
        } finally {
          releaseReply();
        }
      }
      // An unaddressed group message the judge found at risk: the quiet crisis response.
      const judged = await progress.judging;
      if (judged && riskRank(judged.level) >= riskRank(this.deps.threshold)) {
        // Back in the person's triage line for the response only, so it cannot open a second
        // case beside one their next message is opening.
        progress.responded = true;
        const releaseJudged = await this.triageQueue.turn(key);
        try {
          await this.deps.crisis.respond({ message, channel, assessment: judged, locale: 'en', text, quiet: true });
        } finally {
          releaseJudged();
        }
      }
      if (!progress.completed) await store.completeInbound(platform, message.id, clock.now());
      return outcome;
    } catch (error) {
      const outcome = await failTowardSafety(this.deps, error, message, channel, progress);
      // Several instances: this instance is alive, so no takeover would ever retry the message,
      // and the person's later messages would wait behind it. Hand it back to be tried again.
      if (!progress.completed) await this.deps.turnOrder?.release(platform, message.id).catch(() => undefined);
      return outcome;
    } finally {
      if (tracked) this.forgetInFlight(key, text);
    }
  }

  private forgetInFlight(key: string, text: string): void {
    const list = this.inFlight.get(key);
    if (!list) return;
    const i = list.indexOf(text);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.inFlight.delete(key);
  }
}
