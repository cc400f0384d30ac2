/**
 * What the engine is given (its dependencies) and what its steps hand each other. The steps live
 * beside this file (intake, triage, reply, answer, turns, record, failure); src/engine.ts runs them in order.
 */
import type { LocaleChooser } from '../crisis/locale.js';
import type { Logger } from '../logger.js';
import type { ConversationRef, RiskLevel } from '../messages.js';
import type { Clock, CrisisOutcome, CrisisResponder, LlmClient, PlatformAdapter, RiskAssessment, RiskAssessor } from '../ports.js';
import type { ModelPolicy } from '../policy/model-policy.js';
import type { TokenCounter } from '../llm/tokens.js';
import type { MessageStore, StoredTurn } from '../store/store.js';
import type { RateLimit } from '../conversation/rate-limit.js';

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

export type Outcome =
  | { status: 'ignored' | 'duplicate' | 'limited' }
  | { status: 'answered' | 'fallback' | 'paused'; level: RiskLevel; caseId?: number };

/** How far one message's handling got; read when it fails or ends. */
export interface Progress {
  responded: boolean;
  completed: boolean;
  /** The judge reading an unaddressed group message, awaited after triage (never in its queue). */
  judging?: Promise<RiskAssessment>;
}

/** What triage decided about one message, handed to the reply phase. */
export interface Triage {
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
