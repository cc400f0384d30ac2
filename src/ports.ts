/**
 * The seams the core owns. Adapters, the model client, the risk assessor and the store
 * implement these; the engine depends only on them. Each seam stays small on purpose.
 * Seams the engine never sees live beside this file and are re-exported here, so every seam is
 * still imported from src/ports.ts: the moderator alert sinks (ports/alerts.ts), the send ledger
 * (ports/send-ledger.ts), and the state adapters keep in the store (ports/adapter-state.ts).
 */
import type {
  ConversationRef,
  InboundMessage,
  OutboundMessage,
  RiskLevel,
  Turn,
} from './messages.js';
import type { AlertView, ModeratorSink } from './ports/alerts.js';
import type { DirectReachBook, GatewayBook, Leadership } from './ports/adapter-state.js';
import type { SendLedger } from './ports/send-ledger.js';

export type { AlertDigest, AlertPriority, AlertView, CaseStatus, ModeratorSink } from './ports/alerts.js';
export type { SendLedger, SendMark } from './ports/send-ledger.js';
export type { ChannelMark, DirectReach, DirectReachBook, GatewayBook, GatewaySession, Leadership } from './ports/adapter-state.js';

// ─── platform adapters ───────────────────────────────────────────────────────

/** A person acting through a command or a button (moderator or user). */
export interface Actor {
  id: string;
  displayName: string;
  /** Platform role ids (Discord roles); empty where the platform has none. */
  roleIds: string[];
}

/**
 * A command typed by a user (/help, /forget, /country DE, /case ack 12) or a button press
 * mapped to one (an "Acknowledge" button is `case ack <caseId>`).
 */
export interface CommandRequest {
  name: string;
  args: string[];
  actor: Actor;
  conversation: ConversationRef;
  isDirect: boolean;
  /** Where the command came from when not a chat (the moderator dashboard): recorded on audit rows. */
  via?: 'web';
}

export interface CommandReply {
  /** Text in the core markdown subset. */
  text: string;
  /** False for refusals and usage errors. */
  ok: boolean;
  /** Show only to the actor where the platform can (ephemeral reply, DM). */
  private: boolean;
  /** After a case action: the alert as it should now read, for editing it in place. */
  updatedAlert?: AlertView;
  /** The language the reply is written in: an adapter's own words around it (handlers.notes) follow it. */
  locale?: string;
}

/** The few sentences an adapter writes itself, in one language (policies/texts/). */
export interface AdapterNotes {
  unknown_command: string;
  command_failed: string;
  button_expired: string;
  sent_as_file: string;
  sent_privately: string;
  /** The label of the button that confirms a /forget. */
  forget_button: string;
  /** Asks the person to open a private chat; `{link}` is the platform's link to it. */
  invite_private: string;
}

/** What intake answers an adapter about one message. */
export interface MessageReceipt {
  /** Settles (never rejects) when the bot is done with the message: answered, or given up. */
  handled: Promise<void>;
}

/** What an adapter calls into. Built by the composition root around the engine. */
export interface BotHandlers {
  /**
   * Takes one platform delivery. Resolves once the message is durably recorded as received
   * (or known as a duplicate): acknowledge the platform then, never before. The handling goes
   * on in the background; a crash after this point is resumed from the store at next start.
   */
  onMessage(message: InboundMessage): Promise<MessageReceipt>;
  onCommand(command: CommandRequest): Promise<CommandReply>;
  /**
   * The adapter's own sentences in a language (a reply's locale, or the platform's locale tag when
   * the core has not seen the person yet); English for an unknown or absent tag. Absent in tests
   * that pass bare handlers: the adapter's English then.
   */
  notes?(locale: string | undefined): AdapterNotes;
  /**
   * Several instances on one database (PostgreSQL): a named lease for work only one instance may
   * do at a time (Telegram long polling). Absent with one instance, which simply does the work.
   */
  leadership?(name: string): Leadership;
  /**
   * With leadership: how many instances are alive now (their heartbeat leases), counting this
   * one, so work split in shares (Discord shards) can be split evenly.
   */
  liveInstances?(): Promise<number>;
  /**
   * What is known, on every instance and across restarts, about messaging a user of this
   * platform privately (the store's direct_reach rows). Absent in tests that pass no store.
   */
  directReach?: DirectReachBook;
  /**
   * Gateway sessions and IDENTIFY slots in the store (Discord shards), so a shard's session can
   * be resumed by whichever instance runs it next, and identifies stay within the platform's
   * limit across instances. Absent in tests that pass no store.
   */
  gateway?: GatewayBook;
}


export interface PlatformAdapter {
  readonly platform: string;
  start(handlers: BotHandlers): Promise<void>;
  /** Renders, escapes and splits for the platform; resolves with the id of the last part sent. */
  send(message: OutboundMessage): Promise<{ id: string }>;
  /** The user's private conversation with the bot, or undefined when DMs are closed. */
  openDirect(userId: string): Promise<ConversationRef | undefined>;
  /** Shows "typing…" until the returned function is called. Optional: not every platform has it. */
  startTyping?(conversation: ConversationRef): () => void;
  /**
   * Replaces the text of a message this adapter sent (streamed replies, src/conversation/
   * stream-reply.ts); `final` on the last edit, which may need more parts than one message.
   */
  edit?(message: OutboundMessage, id: string, final: boolean): Promise<void>;
  /** The shortest gap between two edits of one message, so flood control never triggers. */
  readonly editIntervalMs?: number;
  /** Where this platform's moderator alerts go (a moderator channel), when one is configured. */
  readonly moderatorSink?: ModeratorSink;
  /**
   * Hands over the store's send ledger (src/store/send-ledger.ts), so an adapter whose platform
   * has no idempotency key (Telegram) can settle a send a crash cut short. Given once the store is
   * open, before anything is sent: the outbox posts a dead run's alerts before adapters start.
   */
  useSendLedger?(ledger: SendLedger): void;
  stop(): Promise<void>;
}

// ─── model ───────────────────────────────────────────────────────────────────

export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface CompletionRequest {
  messages: ChatTurn[];
  maxTokens: number;
  signal?: AbortSignal;
  /** Called with answer text as it streams (reasoning never). Omit to buffer. */
  onDelta?: (text: string) => void;
  /** Whose conversation this is: salts the server's prefix cache per user (cache_salt). */
  userKey?: string;
}

export interface Completion {
  /** The final answer only: reasoning stripped. */
  text: string;
  finishReason: string;
}

export interface LlmClient {
  complete(request: CompletionRequest): Promise<Completion>;
}

// ─── risk ────────────────────────────────────────────────────────────────────

export interface RiskInput {
  text: string;
  /** The same user's earlier messages in this conversation, oldest first. */
  recent: Turn[];
  /** The conversation's standing level and when it was set, for decay. */
  prior?: { level: RiskLevel; at: Date };
  now: Date;
  /**
   * false for a group message not addressed to the bot: the judge sees it only when the
   * screen's result falls in the judge's uncertain band (policies/detection/judge.yaml).
   */
  addressed?: boolean;
}

export interface RiskAssessment {
  level: RiskLevel;
  /** Reason codes (rule ids, "trajectory:farewell+giveaway", "judge:high"), never message text. */
  reasons: string[];
  source: 'screen' | 'judge' | 'both' | 'fallback';
  /** A floor the judge may not lower (explicit method-seeking, for example). */
  pinned?: RiskLevel;
  policyVersion: string;
  /** Language of the message as the screen read it ("en", "zh", ...), for choosing templates. */
  language?: string;
  /** "other" when the only risk in the message is concern for someone else (help-a-friend resources). */
  about?: 'self' | 'other';
}

export interface RiskAssessor {
  /** Offline, synchronous, well under a millisecond. Runs on every message first. */
  screen(input: RiskInput): RiskAssessment;
  /**
   * Optional model judge combined with the screen result. Must resolve (never reject) with
   * the screen's result on timeout or error: it fails toward safety.
   */
  judge?(input: RiskInput, screen: RiskAssessment, signal?: AbortSignal): Promise<RiskAssessment>;
}

// ─── crisis ──────────────────────────────────────────────────────────────────

/** The part of an adapter the crisis step talks through. */
export type CrisisChannel = Pick<PlatformAdapter, 'send' | 'openDirect'>;

/**
 * What became of one message's crisis resources, recorded on the message so a resumed message
 * knows: 'due' decided but not confirmed sent, 'sent' confirmed, 'none' not due.
 */
export type ResourceMark = 'due' | 'sent' | 'none';

/** One at-risk message for the crisis step. */
export interface CrisisRequest {
  message: InboundMessage;
  channel: CrisisChannel;
  assessment: RiskAssessment;
  /** Template locale ("en", "zh"). */
  locale: string;
  /** The message text as the engine cleaned it (the case's excerpt is cut from it). */
  text: string;
  /**
   * 'decide': decide whether resources are due and record that on the message before anything
   * is sent; a ResourceMark: a resumed message's recorded decision ('due' is sent now, 'sent'
   * and 'none' are not sent again); omitted: decide without recording (a later escalation).
   */
  resources?: ResourceMark | 'decide';
  /**
   * An unaddressed group message below the step-in bar: the case and its alert only, with no
   * reply and no resources in the channel (CRISIS.md §3).
   */
  quiet?: boolean;
  /**
   * The model judge's verdict on this message, still on its way. The response goes out now on
   * the screen's level; a higher verdict later raises the same case (moderators hear of it at
   * the new level's priority) without a second crisis text for the same message.
   */
  judging?: Promise<RiskAssessment>;
}

export interface CrisisOutcome {
  /** The case opened or updated; undefined when the store refused. */
  caseId: number | undefined;
  /** The person's country as resolved for the resources; the reply may show only its numbers. */
  country?: string | undefined;
  /** The private conversation the resources reached, if any. */
  direct: ConversationRef | undefined;
  /**
   * With `judging` in the request: settles once the judge's verdict has been acted on (the case
   * raised when the judge found more), with the case it ended in. Never rejects.
   */
  settled?: Promise<CrisisOutcome>;
}

/** The model's answer as the crisis policy sees it: sendable, or the text to send instead. */
export type ReplyVerdict =
  | { ok: true }
  | {
      ok: false;
      /** Output-check reason codes, for logs. */
      reasons: string[];
      /** The reviewed fallback for the level at or above the threshold; undefined below it. */
      fallback: string | undefined;
    };

/**
 * The crisis step as the engine sees it. The engine decides when a message is at risk (the
 * threshold is its setting); this seam decides everything that follows from that. Each member
 * is one pipeline step with one owner in src/crisis/, called at most once per message in the
 * order listed. The model judge's later verdict is handed to `respond` with the message, so a
 * message gets one crisis response even when the judge raises its level afterwards.
 */
export interface CrisisResponder {
  /**
   * Any message from the person, before the screen: the answer to the country question is read
   * (and the country's lines sent), and crisis resources they never received are re-sent
   * (src/crisis/follow-up.ts). Never rejects.
   */
  followUp(message: InboundMessage, channel: CrisisChannel): Promise<void>;
  /** Opens or updates the case and sends the verified resources, failing toward the person's safety (src/crisis/responder.ts). */
  respond(request: CrisisRequest): Promise<CrisisOutcome>;
  /**
   * When a moderator has paused the bot for this person here: says so once (the hand-off
   * notice) and resolves true, so the engine does not answer (src/crisis/hand-off.ts).
   */
  handOff(message: InboundMessage, replyTo: ConversationRef, locale: string, channel: CrisisChannel): Promise<boolean>;
  /**
   * Checks a model answer at its level; `answer` undefined means the model gave none, which
   * needs the fallback as well (src/crisis/reply-check.ts). `context.asked`: what the person
   * wrote just before (the turn answered, and the one before it), since some replies are unsafe
   * only after a question about a way to die.
   */
  checkReply(answer: string | undefined, level: RiskLevel, locale: string, country?: string, context?: { asked: readonly string[]; atRisk: boolean }): ReplyVerdict;
  /**
   * The database is down: resources from the screen alone; the case is journaled until the
   * store is back. Resolves whether the message was at risk. Never rejects (src/crisis/responder.ts).
   */
  respondWithoutStore(message: InboundMessage, channel: CrisisChannel, text: string): Promise<boolean>;
}

// ─── time ────────────────────────────────────────────────────────────────────

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
