/**
 * The normalized message model every adapter speaks. Platform payloads never leave an
 * adapter: the engine sees only these shapes, and it never branches on a platform name.
 */

/** Risk levels, lowest first (CRISIS.md §2: R0–R4). */
export const RISK_LEVELS = ['none', 'low', 'moderate', 'high', 'imminent'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export function riskRank(level: RiskLevel): number {
  return RISK_LEVELS.indexOf(level);
}

export function maxLevel(a: RiskLevel, b: RiskLevel): RiskLevel {
  return riskRank(a) >= riskRank(b) ? a : b;
}

/**
 * Where a message lives. `platform` is an adapter's name ("telegram", "console", ...);
 * `communityId` is the guild, group chat or workspace whose defaults apply (country).
 */
export interface ConversationRef {
  platform: string;
  channelId: string;
  threadId?: string;
  communityId?: string;
}

export interface Author {
  id: string;
  displayName: string;
  isBot: boolean;
  /** The bot itself. */
  isSelf: boolean;
}

export interface InboundMessage {
  /** Platform message id, unique within the platform (dedupe key). */
  id: string;
  conversation: ConversationRef;
  author: Author;
  /** Plain text, already stripped of platform markup. */
  text: string;
  /** A private chat between the user and the bot. */
  isDirect: boolean;
  /** The bot was mentioned, replied to, or the channel is one the bot answers everything in. */
  mentionsBot: boolean;
  receivedAt: Date;
}

export type OutboundKind = 'reply' | 'resources' | 'fallback' | 'public-note' | 'notice';

export interface OutboundMessage {
  conversation: ConversationRef;
  /** Text in the core's small markdown subset: **bold**, _italic_, `code`, ``` fences, [label](url). */
  text: string;
  replyToId?: string;
  kind: OutboundKind;
  /**
   * Stable per purpose ("resources:<row>", "reply:<message>"): an adapter whose platform has no
   * idempotency key uses it to send a message at most once across crashes (Telegram's read-back).
   */
  sendKey?: string;
  /**
   * The label of a button that opens a private chat with the bot, in the text's language, for a
   * platform that puts one under a crisis text in a group (Telegram). Absent: the adapter's English.
   */
  privateChatLabel?: string;
}

/** One stored turn of a user's conversation with the bot (final answers only, never reasoning). */
export interface Turn {
  role: 'user' | 'assistant';
  text: string;
  at: Date;
}

/** Stable key of one platform conversation (a channel, or a thread in it). */
export function conversationKey(c: ConversationRef): string {
  return [c.platform, c.channelId, c.threadId ?? ''].join(':');
}

/**
 * Key of one user's context inside a conversation. Group channels hold many users, and one
 * user's messages must never enter another user's prompt, so context is keyed per user.
 */
export function userContextKey(c: ConversationRef, userId: string): string {
  return `${c.platform}:${c.channelId}:${userId}`;
}

/** Key of a user across the platform, for preferences, /forget and cases. */
export function platformUserKey(platform: string, userId: string): string {
  return `${platform}:${userId}`;
}
