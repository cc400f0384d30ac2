/**
 * Intake: a message is recorded durably before the platform is acknowledged, a redelivery is
 * caught (in this process and in the store), and at start the messages a previous run left
 * unfinished are handled again. Intake also knows which messages are in hand, for idle().
 */
import { type InboundMessage, platformUserKey } from '../messages.js';
import type { ResourceMark } from '../ports.js';
import type { EngineDeps, Outcome, Receipt, ReplyChannel } from './deps.js';
import { failTowardSafety } from './failure.js';

/**
 * A message tried this many times after resumes without finishing is given up (logged), so a
 * message that crashes the process cannot keep every start in a crash loop. A try is counted when
 * the resumed message's handling begins (its turn in the person's triage line), not when a start
 * claims it: a bot killed again and again (the fault suite: 30 kills) claims the same waiting
 * messages at every start, and counting starts gave up messages that had never been tried.
 * Tries alone still gave up messages in a kill storm on a loaded machine (160 of 1,017 in one
 * 30-kill run): every waiting message begins its turn at each start, so ten quick restarts are ten
 * tries. A message is therefore given up only once it is also RESUME_GIVE_UP_AGE_MS old: a message
 * that really crashes the process is retried for that long, one that merely waited is not lost.
 */
const MAX_RESUMES = 10;
const RESUME_GIVE_UP_AGE_MS = 15 * 60_000;
/** Unfinished messages read per start and platform; more than this in flight at a crash is unlikely. */
const RESUME_BATCH = 10_000;

/** The InboundMessage stored at intake, with its date revived. */
function parseDelivery(payload: string): InboundMessage {
  const m = JSON.parse(payload) as InboundMessage & { receivedAt: string };
  return { ...m, receivedAt: new Date(m.receivedAt) };
}

const activeKey = (platform: string, messageId: string) => `${platform} ${messageId}`;

/** The pipeline after intake (src/engine.ts); it never rejects. */
export type Handling = (message: InboundMessage, channel: ReplyChannel, resources: ResourceMark | undefined, resumed: boolean) => Promise<Outcome>;

export class Intake {
  /** Messages received (or resumed) and not yet handled; idle() waits until none is left. */
  private working = 0;
  private readonly idleWaiters: Array<() => void> = [];
  /**
   * `${platform} ${message id}` of every message this process is handling. A message taken at
   * intake between the adapter's start and resume() is also an unfinished row in the store:
   * without this, resume() handled it a second time (answers and resources doubled).
   */
  private readonly active = new Set<string>();

  constructor(private readonly deps: EngineDeps, private readonly handling: Handling) {}

  /**
   * Records the delivery and the message durably, then starts handling it. Resolves once the
   * message is safe (committed, or known as a duplicate): that is when the adapter acknowledges
   * the platform. `handled` settles when the bot is done with it; it never rejects.
   */
  async receive(message: InboundMessage, channel: ReplyChannel): Promise<Receipt> {
    const { store, clock } = this.deps;
    if (message.author.isSelf || message.author.isBot) return { handled: Promise.resolve({ status: 'ignored' }) };
    const platform = message.conversation.platform;
    const key = activeKey(platform, message.id);
    // Taken before the store is asked: resume() reads the store meanwhile and must see it as ours.
    if (this.active.has(key)) return this.duplicate(platform);
    this.active.add(key);
    let isNew: boolean;
    try {
      const userKey = platformUserKey(platform, message.author.id);
      ({ isNew } = await store.recordInbound({ platform, messageId: message.id, userKey, payload: JSON.stringify(message) }, clock.now()));
    } catch (error) {
      return { handled: this.settle(key, failTowardSafety(this.deps, error, message, channel, { responded: false })) };
    }
    if (!isNew) {
      this.active.delete(key);
      return this.duplicate(platform);
    }
    return { handled: this.settle(key, this.handling(message, channel, undefined, false)) };
  }

  private duplicate(platform: string): Receipt {
    this.deps.metrics?.count('messages_duplicate_total', { platform });
    return { handled: Promise.resolve({ status: 'duplicate' }) };
  }

  /**
   * Every message of `platform` that a previous run recorded but never finished is handled again
   * at once, from the store, in the order received. Resources already confirmed sent for a
   * message are not sent again; resources decided but unconfirmed are. Resolves with the number
   * resumed once they are queued (not handled).
   */
  async resume(platform: string, channel: ReplyChannel): Promise<number> {
    const { store, logger } = this.deps;
    const { resume, abandoned } = await store.claimUnfinished(platform, MAX_RESUMES, RESUME_BATCH, RESUME_GIVE_UP_AGE_MS);
    if (abandoned > 0) logger.warn('unfinished messages given up after repeated resumes', { code: 'STORE_UNAVAILABLE', platform, abandoned });
    let resumed = 0;
    for (const d of resume) {
      const key = activeKey(d.platform, d.messageId);
      // Received by this process since the adapter started: already being handled.
      if (this.active.has(key)) continue;
      resumed++;
      this.active.add(key);
      const message = parseDelivery(d.payload);
      void this.settle(key, this.handling(message, channel, d.resources, true));
    }
    if (resumed > 0) {
      logger.info('resuming messages a previous run left unfinished', { platform, count: resumed });
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

  /** Resolves when no message received or resumed is still being handled. */
  async idle(): Promise<void> {
    while (this.working > 0) await new Promise<void>((wake) => this.idleWaiters.push(wake));
  }
}
