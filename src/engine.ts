/**
 * The conversation engine: one fixed pipeline per inbound message, readable top to bottom.
 *
 *   1. drop the bot's own and other bots' messages
 *   2. dedupe on the platform message id (persisted: a redelivery after restart is caught)
 *   3. order per user context (one user's messages in sequence, other users in parallel)
 *   4. screen for risk (offline, sub-millisecond) and record the conversation's level,
 *      then the optional model judge
 *   5. at risk: open the case and write its alert, then send verified resources
 *   6. rate-limit what is left (never a message at risk)
 *   7. ask the model, check its answer, send it (or the reviewed fallback)
 *   8. persist the turns with their assessment
 *
 * Steps 4-5 (triage) and 6-8 (reply) run in two per-user queues: triage never waits for the
 * model, so a crisis message gets its resources even while the same user's previous answer
 * is still being generated, and replies still go out in the order the messages came.
 *
 * No plug-in chain: a forgotten `next()` must never be able to skip the risk screen.
 */
import { ReplyStream } from './conversation/stream-reply.js';
import { asBotError } from './errors.js';
import { communityKey } from './crisis/country.js';
import type { LocaleChooser } from './crisis/locale.js';
import type { Logger } from './logger.js';
import {
  type ConversationRef,
  type InboundMessage,
  type OutboundMessage,
  type RiskLevel,
  platformUserKey,
  riskRank,
  userContextKey,
} from './messages.js';
import type { Clock, CrisisOutcome, CrisisResponder, LlmClient, PlatformAdapter, ResourceMark, RiskAssessment, RiskAssessor, RiskInput } from './ports.js';
import type { ModelPolicy } from './policy/model-policy.js';
import type { TokenCounter } from './llm/tokens.js';
import type { MessageStore, NewTurn, StoredTurn } from './store/store.js';
import { KeyedQueue } from './conversation/keyed-queue.js';
import { buildPrompt } from './conversation/prompt.js';
import type { RateLimit } from './conversation/rate-limit.js';
import { cleanText, cutText, isBlank } from './conversation/text.js';
import { RISK_RESET_PREFERENCE } from './crisis/escalation.js';

/** The part of an adapter the engine talks back through. */
export type ReplyChannel = Pick<PlatformAdapter, 'send' | 'openDirect' | 'startTyping' | 'edit' | 'editIntervalMs'>;

export interface EngineMetrics {
  count(name: string, labels?: Record<string, string>): void;
  observe(name: string, seconds: number, labels?: Record<string, string>): void;
}

export interface EngineDeps {
  store: MessageStore;
  risk: RiskAssessor;
  llm: LlmClient;
  tokens: TokenCounter;
  /** The crisis step (src/ports.ts, CrisisResponder): everything that follows from a message at risk. */
  crisis: CrisisResponder;
  /** Lowest level that shows resources and alerts moderators (escalation.yaml, moderate by default). */
  threshold: RiskLevel;
  /** The language to write to this person in (src/crisis/locale.ts); English when absent. */
  locale?: LocaleChooser;
  policy: ModelPolicy;
  /** The model's context window (prompt + answer). */
  contextTokens: number;
  /** Deadline for one model answer, including its reasoning. */
  llmTimeoutMs: number;
  /**
   * In a conversation at risk the bot answers within this time of the message, whatever the
   * model does: past it, the reviewed safe reply goes out instead (policies/escalation.yaml
   * reply_deadline_seconds, issue 12 item 4). Unset: only llmTimeoutMs bounds the wait.
   */
  replyDeadlineMs?: number;
  /** Stream answers at risk levels none and low into platforms that can edit (STREAMING=on). */
  streaming?: boolean;
  /** Unaddressed group messages are screened too; at this level or above the bot steps in. */
  unaddressedThreshold?: RiskLevel;
  /** Per-person token buckets, kept in the store so every instance shares them. */
  limiter?: RateLimit;
  /**
   * Several instances on one database (PostgreSQL): waits until the person's earlier messages,
   * wherever they were received, are handled. One process needs none: its queues keep the order.
   */
  turnOrder?: {
    waitTurn(platform: string, messageId: string): Promise<{ waitedMs: number; timedOut: boolean }>;
    /** After a failed handling: lets any instance's next takeover pass handle the message again. */
    release(platform: string, messageId: string): Promise<void>;
  };
  metrics?: EngineMetrics;
  clock: Clock;
  logger: Logger;
}

/** What intake answers an adapter: the message is recorded (or known); `handled` settles later. */
export interface Receipt {
  handled: Promise<Outcome>;
}

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

/** A reply gets this many tries when the platform's failure is transient (network, rate limit). */
const REPLY_SEND_ATTEMPTS = 3;

/**
 * Sends an answer, retrying a transient failure after a short backoff (250 ms, then 1 s, or the
 * platform's retry-after up to 5 s). Without it a connection reset on one send left the message
 * unanswered until the next restart (the fault suite saw dozens at once). A network failure whose
 * request did reach the platform can post the answer twice; losing it is worse.
 */
async function sendPatiently(channel: ReplyChannel, message: OutboundMessage): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await channel.send(message);
      return;
    } catch (error) {
      const e = asBotError(error);
      if ((e.code !== 'PLATFORM_NETWORK' && e.code !== 'PLATFORM_RATE_LIMITED') || attempt >= REPLY_SEND_ATTEMPTS) throw error;
      await new Promise((r) => setTimeout(r, Math.min(e.retryAfterMs ?? 250 * 4 ** (attempt - 1), 5_000)));
    }
  }
}

const activeKey = (platform: string, messageId: string) => `${platform} ${messageId}`;

export type Outcome =
  | { status: 'ignored' | 'duplicate' | 'limited' }
  | { status: 'answered' | 'fallback' | 'paused'; level: RiskLevel; caseId?: number };

/** How far one message's handling got; read when it fails or ends. */
interface Progress {
  responded: boolean;
  completed: boolean;
  /** The judge reading an unaddressed group message, awaited after triage (never in its queue). */
  judging?: Promise<RiskAssessment>;
}

/** What triage decided about one message, handed to the reply phase. */
interface Triage {
  text: string;
  now: Date;
  started: number;
  assessment: RiskAssessment;
  /** The judge's verdict still on its way (the screen already called for action). */
  judging: Promise<RiskAssessment> | undefined;
  /** Triage's crisis response, settled once it acted on the judge's verdict; undefined when triage did not respond. */
  responded: Promise<CrisisOutcome> | undefined;
  locale: string;
  caseId: number | undefined;
  /** The private conversation reached during the crisis response, if any. */
  direct: ConversationRef | undefined;
  /** The person's country as the crisis response resolved it: the reply may show only its numbers. */
  country: string | undefined;
  /** The history read for the screen, still current when no other message of this user was in flight. */
  history: StoredTurn[] | undefined;
}

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
   * Intake: records the delivery and the message durably, then starts handling it. Resolves
   * once the message is safe (committed, or known as a duplicate): that is when the adapter
   * acknowledges the platform. `handled` settles when the bot is done with it; it never rejects.
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
      return { handled: this.settle(key, this.failed(error, message, channel, { responded: false })) };
    }
    if (!isNew) {
      this.active.delete(key);
      return this.duplicate(platform);
    }
    return { handled: this.settle(key, this.process(message, channel, undefined)) };
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
      void this.settle(key, this.process(message, channel, d.resources, true));
    }
    if (resumed > 0) {
      logger.info('resuming messages a previous run left unfinished', { platform, count: resumed });
      this.deps.metrics?.count('messages_resumed_total', { platform });
    }
    return resumed;
  }

  /** The pipeline after intake; never rejects. */
  private async process(message: InboundMessage, channel: ReplyChannel, resources: ResourceMark | undefined, resumed = false): Promise<Outcome> {
    const { store, clock } = this.deps;
    const platform = message.conversation.platform;
    const key = userContextKey(message.conversation, message.author.id);
    const text = cleanText(message.text);
    let tracked = false;
    const progress: Progress = { responded: false, completed: false };
    try {
      if (this.deps.turnOrder) {
        const { timedOut } = await this.deps.turnOrder.waitTurn(platform, message.id);
        if (timedOut) this.deps.logger.warn('handled out of order: an earlier message of this person is still unfinished', { platform });
      }
      // Steps 4-5 take their turn in a per-user triage line, so a crisis message is screened and
      // its resources sent while the same user's previous answer may still be with the model.
      let triage: Triage | undefined;
      let replyTurn: Promise<() => void> | undefined;
      const releaseTriage = await this.triageQueue.turn(key);
      try {
        tracked = true;
        // The try counts now that it begins; a store that cannot count it does not stop the message.
        if (resumed) await store.markResumeTry(platform, message.id).catch(() => undefined);
        triage = await this.triage(message, channel, text, progress, resources);
        // The reply's place in line is taken before this person's next message may triage.
        if (triage) replyTurn = this.replyQueue.turn(key);
      } finally {
        releaseTriage();
      }
      let outcome: Outcome = { status: 'ignored' };
      if (triage && replyTurn) {
        const releaseReply = await replyTurn;
        try {
          outcome = await this.reply(message, channel, triage, progress);
        } finally {
          releaseReply();
        }
      }
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
      const outcome = await this.failed(error, message, channel, progress);
      // Several instances: this instance is alive, so no takeover would ever retry the message,
      // and the person's later messages would wait behind it. Hand it back to be tried again.
      if (!progress.completed) await this.deps.turnOrder?.release(platform, message.id).catch(() => undefined);
      return outcome;
    } finally {
      if (tracked) this.forgetInFlight(key, text);
    }
  }

  /** Logs a failed message with its code and fails toward safety; never rejects. */
  private async failed(error: unknown, message: InboundMessage, channel: ReplyChannel, progress: { responded: boolean }): Promise<Outcome> {
    const e = asBotError(error);
    const platform = message.conversation.platform;
    this.deps.logger.error('message handling failed', { code: e.code, platform });
    this.deps.metrics?.count('engine_errors_total', { code: e.code });
    // Fail toward safety: with the database unavailable the message cannot be stored, deduped
    // or opened as a case, but the screen needs none of that and resources need no state.
    if (e.code === 'STORE_UNAVAILABLE' && !progress.responded) {
      const atRisk = await this.deps.crisis.respondWithoutStore(message, channel, cleanText(message.text));
      // Anyone else who spoke to the bot hears that it cannot answer now, rather than silence.
      if (!atRisk && (message.isDirect || message.mentionsBot)) {
        // In the message's own language: with the store down no stored choice can be read.
        const text = cleanText(message.text);
        const detected = this.deps.risk.screen({ text, recent: [], now: this.deps.clock.now() }).language;
        const locale = this.deps.locale ? await this.deps.locale({ detected, text }).catch(() => 'en') : 'en';
        const notice = this.deps.policy.texts(locale).store_unavailable;
        await channel.send({ conversation: message.conversation, text: notice, kind: 'notice', replyToId: message.id }).catch(() => undefined);
      }
    }
    return { status: 'ignored' };
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

  /**
   * Steps 4-5: screen the message in the context of the user's recent turns, and when it is
   * at risk open the case and send the verified resources at once. Resolves undefined for a
   * message the bot neither answers nor acts on.
   */
  private async triage(
    message: InboundMessage,
    channel: ReplyChannel,
    text: string,
    progress: Progress,
    resources: ResourceMark | undefined,
  ): Promise<Triage | undefined> {
    const { store, clock, crisis, policy } = this.deps;
    const started = performance.now();
    const now = clock.now();
    const contextKey = userContextKey(message.conversation, message.author.id);
    const addressed = message.isDirect || message.mentionsBot;

    // First the country answer and the resources that never reached the person (issue 12 items 2, 3).
    await crisis.followUp(message, channel);
    const history = await store.recentTurns(contextKey, policy.maxHistoryTurns);
    const prior = await store.riskState(contextKey);
    // A moderator's false_positive resolve resets the carried level: earlier turns no longer count.
    const resetAt = Date.parse((await store.preference(platformUserKey(message.conversation.platform, message.author.id), RISK_RESET_PREFERENCE)) ?? '');
    const counts = (at: Date) => Number.isNaN(resetAt) || at.getTime() > resetAt;
    const pending = (this.inFlight.get(contextKey) ?? []).map((t) => ({ role: 'user' as const, text: t, at: now }));
    const input: RiskInput = {
      text,
      recent: [...history.filter((t) => t.role === 'user' && counts(t.at)), ...pending],
      now,
      ...(prior && counts(prior.at) ? { prior } : {}),
    };
    const screened = this.deps.risk.screen(input);
    this.inFlight.set(contextKey, [...(this.inFlight.get(contextKey) ?? []), text]);
    const actNow = riskRank(screened.level) >= riskRank(this.deps.threshold);
    this.deps.metrics?.count('risk_assessments_total', { level: screened.level, stage: 'screen' });

    if (!addressed) {
      // Unaddressed group messages are screened but never answered or stored, and judged only
      // in the judge's uncertain band, unless the screen alone calls for stepping in.
      const bar = this.deps.unaddressedThreshold ?? this.deps.threshold;
      if (riskRank(screened.level) < riskRank(bar)) {
        // Below the bar but at risk: no public reply, a normal-priority alert (CRISIS.md §3).
        if (actNow) await crisis.respond({ message, channel, assessment: screened, locale: 'en', text, quiet: true });
        // In the judge's uncertain band (judge.yaml) the judge reads it too; a risk it finds gets
        // the same quiet response, within the judge's timeout (issue 11 item 5). It is awaited
        // after triage, off this person's queue: awaited here, a hung model held their next
        // message, a crisis one too, for the judge's whole timeout.
        else if (this.deps.risk.judge) progress.judging = this.deps.risk.judge({ ...input, addressed: false }, screened);
        return undefined;
      }
    }

    // The judge runs beside triage and is awaited only in the reply phase: awaited here, a hung
    // model held this person's triage queue for the judge's whole timeout, so a crisis message
    // they sent next waited seconds for its resources (load run, model hung: p99 3.4 s).
    const judging = this.deps.risk.judge && addressed ? this.deps.risk.judge(input, screened) : undefined;
    const assessment: RiskAssessment = screened;
    const locale = this.deps.locale ? await this.deps.locale({
      userKey: platformUserKey(message.conversation.platform, message.author.id),
      communityKey: communityKey(message.conversation),
      detected: assessment.language,
      text,
    }) : 'en';
    // The conversation's standing level is the screen's business: record it now, so the next
    // message is read in its light even before this one is answered. A level of none over no
    // level (or none) changes nothing the screen reads, so it costs no write.
    if (assessment.level !== 'none' || (prior !== undefined && prior.level !== 'none')) {
      await store.setRiskState(contextKey, assessment.level, now);
    }

    let caseId: number | undefined;
    let country: string | undefined;
    let direct = message.isDirect ? message.conversation : undefined;
    let responded: Promise<CrisisOutcome> | undefined;
    if (riskRank(assessment.level) >= riskRank(this.deps.threshold)) {
      progress.responded = true;
      // The judge's pending verdict goes with the message: the responder raises this message's
      // case if the judge finds more, and the engine never calls respond for it again.
      const acted = await crisis.respond({
        message, channel, assessment, locale, text, resources: resources ?? 'decide', ...(judging ? { judging } : {}),
      });
      caseId = acted.caseId;
      direct = acted.direct;
      country = acted.country;
      responded = acted.settled;
    }
    return {
      text, now, started, assessment, judging, responded, locale, caseId, direct, country,
      history: pending.length === 0 ? history : undefined,
    };
  }

  /** Steps 6-8: rate limit, the model's checked answer, and persistence. */
  private async reply(message: InboundMessage, channel: ReplyChannel, t: Triage, progress: { responded: boolean; completed: boolean }): Promise<Outcome> {
    const { store, crisis, policy } = this.deps;
    const { text, now, started, locale } = t;
    let { assessment, caseId, direct, country } = t;
    const contextKey = userContextKey(message.conversation, message.author.id);
    const userKey = platformUserKey(message.conversation.platform, message.author.id);
    const addressed = message.isDirect || message.mentionsBot;

    if (t.judging) {
      // Before the answer: a risk the judge finds gets its crisis response ahead of the reply.
      const judged = await t.judging;
      if (riskRank(judged.level) > riskRank(assessment.level)) {
        if (t.responded) {
          // Triage already responded to this message: its responder raised the case itself.
          caseId = (await t.responded).caseId ?? caseId;
        } else if (riskRank(judged.level) >= riskRank(this.deps.threshold)) {
          progress.responded = true;
          const acted = await crisis.respond({ message, channel, assessment: judged, locale, text });
          caseId = acted.caseId ?? caseId;
          direct = acted.direct;
          country = acted.country ?? country;
        }
        assessment = judged;
        await store.setRiskState(contextKey, assessment.level, now);
      }
    }
    const withCase = caseId === undefined ? {} : { caseId };
    if (!addressed) {
      return this.finish(progress, message, text, assessment, started, { status: 'answered', level: assessment.level, ...withCase }, false);
    }

    const atRisk = riskRank(assessment.level) >= riskRank(this.deps.threshold);
    const texts = policy.texts(locale);
    // At risk in a public channel, the conversation continues privately; with DMs closed the
    // in-place resources already sent are all that is said publicly.
    const replyTo = atRisk && !message.isDirect ? direct : message.conversation;
    if (!replyTo) return this.finish(progress, message, text, assessment, started, { status: 'answered', level: assessment.level, ...withCase });

    // 6. Rate limit: only messages that are not at risk can be limited.
    if (!atRisk && this.deps.limiter) {
      const { allowed, notify } = await this.deps.limiter.take(userKey, now.getTime());
      if (!allowed) {
        if (notify) await channel.send({ conversation: replyTo, text: texts.rate_limited, kind: 'notice', replyToId: message.id });
        this.deps.metrics?.count('messages_limited_total', { platform: message.conversation.platform });
        return { status: 'limited' };
      }
    }

    if (await crisis.handOff(message, replyTo, locale, channel)) {
      return this.finish(progress, message, text, assessment, started, { status: 'paused', level: assessment.level, ...withCase });
    }

    if (isBlank(text)) {
      await channel.send({ conversation: replyTo, text: texts.empty_message, kind: 'notice', replyToId: message.id });
      return this.finish(progress, message, text, assessment, started, { status: 'answered', level: assessment.level });
    }

    // 7. The model's answer, checked before it is sent. When another message of this user was
    // in flight at triage, it has been answered and stored by now: read the history again.
    const history = t.history ?? (await store.recentTurns(contextKey, policy.maxHistoryTurns));
    const forModel = cutText(text, policy.maxInputChars);
    // What the person just wrote goes to the output check: after "which is more reliable, pills or
    // jumping?", "that option is very reliable" rates a way to die though it names none.
    const previous = history.findLast((turn) => turn.role === 'user')?.text;
    const asked = { asked: previous === undefined ? [text] : [previous, text], atRisk };
    if (forModel.length < text.length) {
      await channel.send({ conversation: replyTo, text: texts.shortened, kind: 'notice' });
    }
    const replyToId = replyTo === message.conversation ? { replyToId: message.id } : {};
    const stream = this.streamFor(assessment.level, channel, { conversation: replyTo, kind: 'reply', ...replyToId }, locale, texts.model_unavailable, country, asked);
    const answer = await this.answer(message, forModel, history, assessment, atRisk, replyTo, channel, started, locale, country, asked, stream);
    // The turns (their token counts) are made before the answer goes out, so that nothing but
    // one SQLite transaction sits between the platform taking the answer and the message being
    // marked finished: a crash in that gap answers the message again after the restart.
    const turns = this.turnsFor(message, text, assessment, answer.ok ? answer.text : undefined, forModel);
    const streamed = await stream?.settle(answer.ok ? { answer: answer.text } : { fallback: answer.fallback ?? texts.model_unavailable });
    if (streamed !== undefined) {
      // Already on screen through the stream's edits.
    } else if (answer.ok) {
      // One answer per message, whichever run sends it: a resumed message finds the answer a
      // killed run sent (Telegram's read-back) instead of answering twice.
      await sendPatiently(channel, { conversation: replyTo, text: answer.text, kind: 'reply', ...replyToId, sendKey: `reply:${message.id}` });
    } else {
      // Quoting the message it stands in for, as a reply does: the person sees which message it answers.
      await sendPatiently(channel, {
        conversation: replyTo, text: answer.fallback ?? texts.model_unavailable, kind: 'fallback', ...replyToId, sendKey: `reply:${message.id}`,
      });
    }
    const outcome: Outcome = { status: answer.ok ? 'answered' : 'fallback', level: assessment.level, ...withCase };
    return this.finish(progress, message, text, assessment, started, outcome, true, answer.ok ? answer.text : undefined, forModel, turns);
  }

  /**
   * A streamed reply when it is allowed: STREAMING=on, risk level none or low (never in a
   * conversation at moderate or above), and a platform that can edit a sent message.
   */
  private streamFor(
    level: RiskAssessment['level'], channel: ReplyChannel, message: Omit<OutboundMessage, 'text'>, locale: string, fallback: string,
    country: string | undefined,
    asked: { asked: readonly string[]; atRisk: boolean },
  ): ReplyStream | undefined {
    if (!this.deps.streaming || (level !== 'none' && level !== 'low') || !channel.edit) return undefined;
    const { crisis, logger } = this.deps;
    const edit = channel.edit.bind(channel);
    return new ReplyStream({
      channel: { send: (m) => channel.send(m), edit, ...(channel.editIntervalMs !== undefined ? { editIntervalMs: channel.editIntervalMs } : {}) },
      message, fallback,
      check: (text) => {
        // The person's country, as for a whole answer: "call 911" is wrong in GB while streaming too.
        const verdict = crisis.checkReply(text, level, locale, country, asked);
        return verdict.ok ? { ok: true } : { ok: false, fallback: verdict.fallback };
      },
      onBlocked: () => {
        logger.warn('streamed answer failed the output check; replaced by the safe reply', { code: 'OUTPUT_CHECK_FAILED', level });
        this.deps.metrics?.count('output_check_failures_total', { level });
      },
      onError: (error) => logger.warn('streamed edit failed', { code: asBotError(error).code, platform: message.conversation.platform }),
    });
  }

  private forgetInFlight(key: string, text: string): void {
    const list = this.inFlight.get(key);
    if (!list) return;
    const i = list.indexOf(text);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.inFlight.delete(key);
  }

  private async answer(
    message: InboundMessage,
    text: string,
    history: Awaited<ReturnType<MessageStore['recentTurns']>>,
    assessment: RiskAssessment,
    atRisk: boolean,
    replyTo: InboundMessage['conversation'],
    channel: ReplyChannel,
    started: number,
    locale: string,
    country: string | undefined,
    asked: { asked: readonly string[]; atRisk: boolean },
    stream?: ReplyStream,
  ): Promise<{ ok: true; text: string } | { ok: false; fallback: string | undefined }> {
    const { policy, tokens, logger, crisis } = this.deps;
    const promptFor = (turns: typeof history) => buildPrompt(
      {
        system: atRisk ? policy.crisisPrompt : policy.systemPrompt,
        history: turns,
        userText: text,
        userTokens: tokens.countMessage('user', text),
        contextTokens: this.deps.contextTokens,
        answerTokens: policy.answerMaxTokens,
      },
      tokens,
    );
    let prompt = promptFor(history);
    // Counts (and stored turn counts) are byte-length upper bounds until the tokenizer is needed:
    // only when they would drop turns are they made exact, so no turn is dropped that fits.
    if (prompt.trimmedTurns > 0 && tokens.exact && (await tokens.exact())) {
      prompt = promptFor(history.map((t) => ({ ...t, tokens: tokens.countMessage(t.role, t.text) })));
    }
    if (prompt.trimmedTurns > 0) logger.debug('history trimmed to fit the context', { turns: prompt.trimmedTurns });
    const stopTyping = channel.startTyping?.(replyTo);
    // At risk, the deadline counts from when the message arrived, so a follow-up queued behind
    // a slow answer is not kept waiting for a second full model timeout.
    const deadline = atRisk && this.deps.replyDeadlineMs !== undefined
      ? Math.max(1, Math.round(this.deps.replyDeadlineMs - (performance.now() - started))) : Infinity;
    const abort = AbortSignal.timeout(Math.min(this.deps.llmTimeoutMs, deadline));
    const modelStarted = performance.now();
    this.deps.metrics?.observe('engine_overhead_seconds', (modelStarted - started) / 1000);
    try {
      const completion = await this.deps.llm.complete({
        messages: prompt.messages, maxTokens: policy.answerMaxTokens, signal: abort,
        userKey: platformUserKey(message.conversation.platform, message.author.id),
        ...(stream ? { onDelta: (delta: string) => stream.push(delta) } : {}),
      });
      // A partial already failed the check and was replaced: the rest of this answer is not shown.
      if (stream?.blocked !== undefined) return { ok: false, fallback: stream.blocked };
      this.deps.metrics?.observe('model_latency_seconds', (performance.now() - modelStarted) / 1000, { outcome: 'ok' });
      const verdict = crisis.checkReply(completion.text, assessment.level, locale, country, asked);
      if (!verdict.ok) {
        logger.warn('model answer failed the output check', { code: 'OUTPUT_CHECK_FAILED', reasons: verdict.reasons, level: assessment.level });
        this.deps.metrics?.count('output_check_failures_total', { level: assessment.level });
        return { ok: false, fallback: verdict.fallback };
      }
      return { ok: true, text: completion.text };
    } catch (error) {
      const e = asBotError(error);
      // status, host and model from the client's context: enough to tell a wrong model name
      // (404) from a wrong key (401) or a down server; never the key, never the prompt.
      logger.error('model call failed', { code: e.code, platform: message.conversation.platform, ...e.context });
      this.deps.metrics?.observe('model_latency_seconds', (performance.now() - modelStarted) / 1000, { outcome: 'error' });
      this.deps.metrics?.count('model_errors_total', { code: e.code });
      const verdict = crisis.checkReply(undefined, assessment.level, locale);
      return { ok: false, fallback: verdict.ok ? undefined : verdict.fallback };
    } finally {
      stopTyping?.();
    }
  }

  /** The user's turn with its assessment, and the answer when there is one, with their token counts. */
  private turnsFor(message: InboundMessage, text: string, assessment: RiskAssessment, answer?: string, modelText?: string): NewTurn[] {
    const { clock, tokens } = this.deps;
    const now = clock.now();
    const contextKey = userContextKey(message.conversation, message.author.id);
    const userKey = platformUserKey(message.conversation.platform, message.author.id);
    const crisisTurn = riskRank(assessment.level) >= riskRank(this.deps.threshold);
    const userText = modelText ?? text;
    const turns: NewTurn[] = [{
      contextKey, userKey, role: 'user', text: userText, at: now, crisis: crisisTurn,
      tokens: tokens.countMessage('user', userText),
      assessment: { level: assessment.level, reasons: assessment.reasons, policyVersion: assessment.policyVersion },
    }];
    if (answer !== undefined) {
      turns.push({ contextKey, userKey, role: 'assistant', text: answer, at: now, crisis: crisisTurn, tokens: tokens.countMessage('assistant', answer) });
    }
    return turns;
  }

  /** 8. Persist the user's turn with its assessment and the answer; log and count the outcome. */
  private async finish(
    progress: { completed: boolean },
    message: InboundMessage,
    text: string,
    assessment: RiskAssessment,
    started: number,
    outcome: Outcome,
    persistTurns = true,
    answer?: string,
    modelText?: string,
    prepared?: NewTurn[],
  ): Promise<Outcome> {
    const { store: db, clock } = this.deps;
    const now = clock.now();
    const turns = !persistTurns ? [] : prepared ?? this.turnsFor(message, text, assessment, answer, modelText);
    // The delivery is marked complete in the same transaction as its turns.
    await db.recordExchange(turns, { platform: message.conversation.platform, messageId: message.id, at: now });
    progress.completed = true;
    this.deps.metrics?.count('messages_total', { platform: message.conversation.platform, level: assessment.level });
    // A level is logged beside the case id, never beside the conversation: a private chat's id
    // is the user's id on some platforms, and /forget cannot reach into log files.
    this.deps.logger.info('message handled', {
      platform: message.conversation.platform,
      ...('caseId' in outcome && outcome.caseId !== undefined ? { caseId: outcome.caseId } : {}),
      status: outcome.status,
      level: assessment.level,
      reasons: assessment.reasons,
      policyVersion: assessment.policyVersion,
      ms: Math.round(performance.now() - started),
    });
    return outcome;
  }
}
