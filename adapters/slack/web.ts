/**
 * The Web API calls the adapter makes, each wrapped in a short, bounded rate-limit policy.
 * WebClient's default retryConfig waits up to ~30 minutes (tenRetriesInAboutThirtyMinutes),
 * far too long for a chat reply, and its own 429 handling sleeps for any Retry-After, however
 * long (PLATFORMS.md §5.1). So the client runs with `rejectRateLimitedCalls: true`, and this
 * file retries a 429 itself: at most `maxRetries` times, each after the Retry-After Slack sent,
 * and only while that wait is at most `maxRetryAfterSeconds`; otherwise it fails with
 * PLATFORM_RATE_LIMITED carrying retryAfterMs, for the caller (or the alert outbox) to decide.
 */
import type { webApi } from '@slack/bolt';
import type { BotError } from '../../src/errors.js';
import { BoundedMap } from '../shared/bounded.js';
import { mayRetryRateLimit, sleep, type RateLimitPolicy } from '../shared/retry.js';
import type { Block } from './moderator.js';
import { DM_IMPOSSIBLE, slackErrorString, toBotError } from './errors.js';

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = async (ms) => {
  await sleep(ms);
};

/** Runs `call`, retrying Slack 429s within the policy; every failure leaves as a BotError. */
export async function withRateLimitRetry<T>(
  method: string,
  call: () => Promise<T>,
  policy: RateLimitPolicy,
  sleep: Sleep = realSleep,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    let error: BotError;
    try {
      return await call();
    } catch (thrown) {
      error = toBotError(thrown, method);
    }
    const waitMs = error.retryAfterMs ?? 1000;
    const retryable = error.code === 'PLATFORM_RATE_LIMITED' && mayRetryRateLimit(policy, attempt, waitMs);
    if (!retryable) throw error;
    await sleep(waitMs);
  }
}

/** A posted message: its channel and ts (Slack's message id). */
export interface Posted {
  channel: string;
  ts: string;
}

/** The adapter's Web API surface: post, update, ephemeral, open a DM, look up names. */
/** Message metadata that marks a moderator alert or digest, so a retry can find a post a crashed run made. */
const ALERT_EVENT = 'oyster_alert';

export class SlackWeb {
  private readonly names = new BoundedMap<string, string>(2_000, 60 * 60 * 1000);
  /**
   * Ids whose lookup failed (no users:read scope, unknown user): not asked again for 10 minutes,
   * or every message of theirs would pay a users.info round trip that fails the same way.
   */
  private readonly unnamed = new BoundedMap<string, true>(2_000, 10 * 60 * 1000);
  private readonly dms = new BoundedMap<string, string>(2_000);

  constructor(
    readonly client: webApi.WebClient,
    private readonly policy: RateLimitPolicy,
    private readonly sleep: Sleep = realSleep,
  ) {}

  private call<T>(method: string, fn: () => Promise<T>): Promise<T> {
    return withRateLimitRetry(method, fn, this.policy, this.sleep);
  }

  /**
   * The bot's identity; fails with PLATFORM_AUTH when the token is wrong or revoked. `url` is the
   * workspace's address (`https://<workspace>.slack.com/`), which alert permalinks are built on.
   */
  async identity(): Promise<{ botUserId: string; botId: string | undefined; teamId: string | undefined; url: string | undefined }> {
    const r = await this.call('auth.test', () => this.client.auth.test());
    if (typeof r.user_id !== 'string') throw toBotError(new Error('auth.test returned no user_id'), 'auth.test');
    return { botUserId: r.user_id, botId: r.bot_id, teamId: r.team_id, url: typeof r.url === 'string' ? r.url : undefined };
  }

  /** chat.postMessage with mrkdwn text; never sets link_names, and never unfurls model links. */
  async post(channel: string, text: string, threadTs?: string, blocks?: Block[], key?: string): Promise<Posted> {
    const r = await this.call('chat.postMessage', () => this.client.chat.postMessage({
      channel, text, mrkdwn: true, unfurl_links: false, unfurl_media: false,
      ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
      ...(blocks === undefined ? {} : { blocks: blocks as never }),
      ...(key === undefined ? {} : { metadata: { event_type: ALERT_EVENT, event_payload: { key } } }),
    }));
    if (typeof r.ts !== 'string') throw toBotError(new Error('chat.postMessage returned no ts'), 'chat.postMessage');
    return { channel: r.channel ?? channel, ts: r.ts };
  }

  /**
   * The ref (`${channel}:${ts}`) of a message the bot posted in `channel` since `since` with this
   * metadata `key` (post() attaches it); undefined when it is not there. One
   * conversations.history call (Tier 3), made only when an alert is retried.
   */
  async findPosted(channel: string, key: string, since: Date): Promise<string | undefined> {
    const r = await this.call('conversations.history', () => this.client.conversations.history({
      channel, oldest: String(Math.floor(since.getTime() / 1000) - 60), limit: 200, include_all_metadata: true,
    }));
    const found = (r.messages ?? []).find((m) => {
      const meta = (m as { metadata?: { event_type?: string; event_payload?: { key?: unknown } } }).metadata;
      return meta?.event_type === ALERT_EVENT && meta.event_payload?.key === key;
    });
    return found?.ts === undefined ? undefined : `${channel}:${found.ts}`;
  }

  async update(channel: string, ts: string, text: string, blocks: Block[]): Promise<void> {
    await this.call('chat.update', () => this.client.chat.update({ channel, ts, text, blocks: blocks as never }));
  }

  /** chat.update of a plain mrkdwn message (streamed replies): no blocks, no unfurls. */
  async updateText(channel: string, ts: string, text: string): Promise<void> {
    await this.call('chat.update', () => this.client.chat.update({ channel, ts, text }));
  }

  /** A message only `user` sees (refusals, command answers). */
  async ephemeral(channel: string, user: string, text: string, threadTs?: string): Promise<void> {
    await this.call('chat.postEphemeral', () => this.client.chat.postEphemeral({
      channel, user, text, ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
    }));
  }

  /** The DM channel with `user`, or undefined when Slack says a DM cannot exist (bot, deactivated, no scope). */
  async openIm(user: string): Promise<string | undefined> {
    const cached = this.dms.get(user);
    if (cached !== undefined) return cached;
    let r: webApi.ConversationsOpenResponse;
    try {
      r = await this.call('conversations.open', () => this.client.conversations.open({ users: user }));
    } catch (error) {
      const slack = slackErrorString((error as BotError).cause);
      if (slack !== undefined && DM_IMPOSSIBLE.has(slack)) return undefined;
      throw error;
    }
    const id = r.channel?.id;
    if (id === undefined) return undefined;
    this.dms.set(user, id);
    return id;
  }

  /**
   * Display names for user ids (users.info, cached for an hour). Best effort: a failed or slow
   * lookup leaves the id out, and the caller shows the raw id instead. Never throws.
   */
  async resolveNames(ids: string[], timeoutMs: number): Promise<ReadonlyMap<string, string>> {
    const out = new Map<string, string>();
    const missing: string[] = [];
    for (const id of ids) {
      const known = this.names.get(id);
      if (known !== undefined) out.set(id, known);
      else if (this.unnamed.get(id) === undefined) missing.push(id);
    }
    if (missing.length === 0) return out;
    const lookups = missing.slice(0, 10).map(async (id) => {
      try {
        const r = await this.client.users.info({ user: id });
        const u = r.user;
        const name = u?.profile?.display_name || u?.profile?.real_name || u?.real_name || u?.name;
        if (name) {
          this.names.set(id, name);
          out.set(id, name);
        } else {
          this.unnamed.set(id, true);
        }
      } catch {
        // users:read missing or rate limited: the raw id is a fine fallback.
        this.unnamed.set(id, true);
      }
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(lookups),
      new Promise<void>((resolve) => { timer = setTimeout(resolve, timeoutMs); }),
    ]);
    clearTimeout(timer);
    return out;
  }
}
