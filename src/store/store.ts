/**
 * The storage seam. Async on purpose: SQLite is the embedded default, and a PostgreSQL
 * store for several bot instances comes later. Each method is one atomic unit of work.
 * Case and outbox storage is its own seam (src/store/case-store.ts).
 */
import type { RiskLevel, Turn } from '../messages.js';
import type { ResourceMark } from '../ports.js';

export type { ResourceMark };

export interface StoredAssessment {
  level: RiskLevel;
  reasons: string[];
  policyVersion: string;
}

export interface NewTurn {
  /** userContextKey(): one user's context inside one conversation. */
  contextKey: string;
  /** platformUserKey(): for /forget, export and retention. */
  userKey: string;
  role: 'user' | 'assistant';
  text: string;
  at: Date;
  /** Stored with user turns. */
  assessment?: StoredAssessment;
  /** Crisis turns are kept out of long-term context once their case is resolved. */
  crisis?: boolean;
  /** Token count of `text`, so trimming never re-tokenizes history. */
  tokens: number;
}

export interface StoredTurn extends Turn {
  tokens: number;
}

export interface UserExport {
  userKey: string;
  preferences: Record<string, string>;
  messages: Array<{ role: string; text: string; at: string; level?: string; reasons?: string[] }>;
  /** The standing risk level the screen keeps per conversation (it shapes how the next message is read). */
  riskLevels: Array<{ context: string; level: string; at: string }>;
}

/** One platform delivery as recorded at intake, before the platform is acknowledged. */
export interface Delivery {
  platform: string;
  messageId: string;
  /** platformUserKey() of the author, for /forget. */
  userKey: string;
  /** The InboundMessage as JSON, kept only until the message is handled. */
  payload: string;
}


/** A delivery recorded but never completed: the process died while handling it. */
export interface UnfinishedDelivery {
  platform: string;
  messageId: string;
  payload: string;
  resources: ResourceMark | undefined;
}

export interface MessageStore {
  /**
   * Records a platform delivery with its message, durably; isNew is false for a message seen
   * before (handled, or being handled by this process, or waiting to be resumed at start).
   */
  recordInbound(delivery: Delivery, at: Date): Promise<{ isNew: boolean }>;
  /** Marks a delivery as fully handled and drops its stored message. */
  completeInbound(platform: string, messageId: string, at: Date): Promise<void>;
  /**
   * Claims the deliveries of `platform` a previous run left unfinished, oldest first; those
   * already tried `maxResumes` times after a resume (markResumeTry) are completed instead (given
   * up) and counted, but only once received at least `minAgeMs` ago. Claiming counts nothing: a run
   * killed before it got to a message has not tried it.
   */
  claimUnfinished(platform: string, maxResumes: number, limit: number, minAgeMs?: number): Promise<{ resume: UnfinishedDelivery[]; abandoned: number }>;
  /** A resumed delivery's handling begins: one try counts toward the resume limit. */
  markResumeTry(platform: string, messageId: string): Promise<void>;
  /** Records what became of one message's crisis resources (see ResourceMark). */
  markResources(platform: string, messageId: string, mark: ResourceMark): Promise<void>;
  /** The newest `limit` turns of one user's context, oldest first. */
  recentTurns(contextKey: string, limit: number): Promise<StoredTurn[]>;
  /** Stores one exchange (the user's turn, the answer if any) and marks its delivery complete, atomically. */
  recordExchange(turns: NewTurn[], completed: { platform: string; messageId: string; at: Date }): Promise<void>;
  /** The conversation's standing risk level (for trajectory and decay). */
  riskState(contextKey: string): Promise<{ level: RiskLevel; at: Date } | undefined>;
  setRiskState(contextKey: string, level: RiskLevel, at: Date): Promise<void>;
  /** Per-user (userKey) or per-community ("community:<platform>:<id>") settings such as country. */
  preference(ownerKey: string, name: string): Promise<string | undefined>;
  setPreference(ownerKey: string, name: string, value: string | undefined): Promise<void>;
  /** Deletes a user's messages, context and preferences everywhere; resolves with rows removed. */
  forgetUser(userKey: string): Promise<number>;
  exportUser(userKey: string): Promise<UserExport>;
  /** Deletes messages older than `before` (retention); resolves with rows removed. */
  purgeMessages(before: Date): Promise<number>;
  /** Liveness of the store (a write succeeds). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
