/**
 * The Slack adapter: a thin shell around @slack/bolt. In HTTP mode an Events API delivery is
 * answered only after its message is durably recorded (processBeforeResponse: true; the
 * listener awaits the intake commit, a few ms, plus a name lookup capped at 800 ms, well inside
 * Slack's 3 s), and the engine's work runs in the background, so a slow model can never cause a
 * Slack retry and a crash before the commit gets one. In Socket Mode bolt acks an event
 * envelope before any listener runs: a crash in the milliseconds between that ack and the
 * commit loses the message (README "Delivery guarantees"). Retries that still arrive (same
 * event_id, X-Slack-Retry-Num) are processed like any delivery and the engine's SQLite dedupe on
 * `${channel}:${ts}` drops the copy: a retry can be the only copy of an event sent while the
 * bot was down, so it must not be dropped here.
 */
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, webApi } from '@slack/bolt';
import { BotError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import type { ConversationRef, OutboundMessage } from '../../src/messages.js';
import type { BotHandlers, ModeratorSink, PlatformAdapter } from '../../src/ports.js';
import { alertBlocks, alertFallbackText, digestBlocks, digestFallbackText, type AlertRenderOptions, type Block } from './moderator.js';
import { createAlertSink } from '../shared/alert-sink.js';
import { boltLogger } from './bolt-logger.js';
import { BoundedMap } from '../shared/bounded.js';
import { DirectMemory } from '../shared/direct-memory.js';
import { InFlight } from '../shared/lifecycle.js';
import type { SlackAdapterConfig } from './config.js';
import { registerListeners, type ListenerHost } from './listeners.js';
import { guardSlackRequests } from './request-guard.js';
import { renderSlack } from './outbound.js';
import { realSleep, SlackWeb, type Posted, type Sleep } from './web.js';
import { toBotError } from './errors.js';
import { reachAtStart } from '../../src/ops/reach-at-start.js';
import { createLeanFetch } from '../../src/llm/lean-fetch.js';

export type { SlackAdapterConfig } from './config.js';

export interface SlackAdapterDeps {
  logger: Logger;
  /** Waits between rate-limit retries; tests pass a recording one. */
  sleep?: Sleep;
}

/** PlatformAdapter plus what an operator or a test needs to see after start. */
export interface SlackAdapter extends PlatformAdapter {
  /** HTTP mode: the port POST /slack/events listens on (useful with SLACK_PORT=0). */
  readonly port: number | undefined;
}

/** An alert as Slack shows it: the notification text and the blocks. */
interface SlackAlertBody {
  text: string;
  blocks: Block[];
}

const EVENTS_PATH = '/slack/events';
/** How long shutdown waits for in-flight messages (model reply, sends) before giving up. */
const DRAIN_TIMEOUT_MS = 5_000;
/** After Slack says a DM cannot exist (a bot, a deactivated user, no scope), it is not asked again for this long. */
const DM_REFUSED_TTL_MS = 60 * 60 * 1000;

/** One keep-alive transport for every Slack client in the process (ours and bolt's). */
const slackFetch = createLeanFetch();

class SlackAdapterImpl implements SlackAdapter, ListenerHost {
  readonly platform = 'slack';
  readonly moderatorSink?: ModeratorSink;
  readonly web: SlackWeb;
  readonly logger: Logger;
  botUserId = '';
  botId: string | undefined;
  teamId: string | undefined;
  /** From auth.test: what alert permalinks are built on (blocks.ts slackMessageLink). */
  workspaceUrl: string | undefined;
  /** `${channel}:${threadTs}` of threads the bot was mentioned in or posted to. */
  readonly botThreads = new BoundedMap<string, true>(10_000, 7 * 24 * 60 * 60 * 1000);
  private readonly pending = new InFlight();
  /** Users' DM channels and refusals, written through to the store for every instance. */
  private readonly direct: DirectMemory;
  private app: App | undefined;
  /** Aborts the start-up retries when stop() comes first. */
  private starting: AbortController | undefined;
  private boundPort: number | undefined;

  constructor(private readonly config: SlackAdapterConfig, deps: SlackAdapterDeps) {
    this.logger = deps.logger.child({ platform: 'slack' });
    this.direct = new DirectMemory({ closedForMs: DM_REFUSED_TTL_MS, maxRemembered: 50_000, logger: this.logger });
    this.web = new SlackWeb(new webApi.WebClient(config.botToken, this.clientOptions()), {
      maxRetries: config.maxRateLimitRetries,
      maxRetryAfterSeconds: config.maxRetryAfterSeconds,
    }, deps.sleep ?? realSleep);
    const channel = config.moderatorChannel;
    if (channel !== undefined) {
      // Refs are `${channel}:${ts}`.
      this.moderatorSink = createAlertSink<SlackAlertBody>('slack', {
        alert: (a) => ({ text: alertFallbackText(a), blocks: alertBlocks(a, this.alertOptions) }),
        digest: (d) => ({ text: digestFallbackText(d), blocks: digestBlocks(d, this.alertOptions) }),
      }, {
        post: async ({ text, blocks }, key) => {
          const posted = await this.web.post(channel, text, undefined, blocks, key);
          return `${posted.channel}:${posted.ts}`;
        },
        find: (key, since) => this.web.findPosted(channel, key, since),
        edit: async (ref, { text, blocks }) => {
          const cut = ref.indexOf(':');
          await this.web.update(ref.slice(0, cut), ref.slice(cut + 1), text, blocks);
        },
      }, this.logger);
    }
  }

  get port(): number | undefined {
    return this.boundPort;
  }

  get command(): string {
    return this.config.command;
  }

  get commandInlineMs(): number {
    return this.config.commandInlineMs;
  }

  get alertOptions(): AlertRenderOptions {
    return { workspaceUrl: this.workspaceUrl, command: this.config.command };
  }

  /** Options shared by our WebClient and bolt's (Socket Mode's apps.connections.open uses them too). */
  private clientOptions(): webApi.WebClientOptions {
    return {
      logger: boltLogger(this.logger),
      ...(this.config.apiUrl === undefined ? {} : { slackApiUrl: this.config.apiUrl }),
      // Network errors and 5xx only: a short, bounded backoff. 429s are handled in web.ts.
      retryConfig: { retries: 2, factor: 2, minTimeout: 100, maxTimeout: 1_000 },
      rejectRateLimitedCalls: true,
      timeout: this.config.requestTimeoutMs,
      // node:http with keep-alive instead of Node's fetch: every answer is one chat.postMessage,
      // and fetch's web streams and header lists cost more CPU than the rest of that call.
      fetch: slackFetch,
    };
  }

  async start(handlers: BotHandlers): Promise<void> {
    if (this.app !== undefined) throw new BotError('slack adapter already started', 'UNKNOWN');
    // auth.test until Slack answers: an unreachable API is named in the log within 10 s and retried.
    this.starting = new AbortController();
    const me = await reachAtStart({
      platform: 'slack', api: this.config.apiUrl ?? 'https://slack.com/api/', logger: this.logger,
      attempt: () => this.web.identity(), mapError: (error) => toBotError(error, 'auth.test'), stopped: this.starting.signal,
    }).catch((error: BotError) => {
      if (error.code !== 'PLATFORM_AUTH') throw error;
      throw new BotError(`Slack rejected SLACK_BOT_TOKEN at auth.test (${error.message}); check the token and that the app is installed`, error.code, { cause: error });
    });
    this.botUserId = me.botUserId;
    this.botId = me.botId;
    this.teamId = me.teamId;
    this.workspaceUrl = me.url;

    const common = {
      token: this.config.botToken,
      botUserId: me.botUserId,
      ...(me.botId === undefined ? {} : { botId: me.botId }),
      // We just ran auth.test ourselves; bolt would otherwise call it again per event.
      tokenVerificationEnabled: false,
      logger: boltLogger(this.logger),
      clientOptions: this.clientOptions(),
      convoStore: false as const,
      // Answer after the intake commit, never after the model: Slack retries any delivery not
      // answered within 3 s, and one answered before the commit could be lost in a crash.
      processBeforeResponse: true,
    };
    const app = this.config.mode === 'socket'
      ? new App({ ...common, socketMode: true, appToken: this.config.appToken! })
      : new App({ ...common, receiver: this.httpReceiver(this.config.signingSecret!) });
    app.error(async (error) => {
      this.logger.warn('slack listener failed', { code: (error as { code?: unknown }).code, error });
    });
    this.direct.book = handlers.directReach;
    registerListeners(app, this, handlers);
    this.app = app;

    if (this.config.mode === 'socket') {
      await app.start();
      this.logger.info('slack connected (Socket Mode)', { team: me.teamId });
    } else {
      const server = await app.start({ port: this.config.port, host: this.config.host });
      this.boundPort = (server.address() as AddressInfo).port;
      this.logger.info('slack listening (HTTP mode)', { port: this.boundPort, path: '/slack/events', team: me.teamId });
    }
  }

  /**
   * bolt's HTTP receiver with our request guard in front of it (request-guard.ts): requests
   * dated in the future and exact replays are refused before bolt sees them.
   */
  private httpReceiver(signingSecret: string): HTTPReceiver {
    const receiver = new HTTPReceiver({
      signingSecret, processBeforeResponse: true, logger: boltLogger(this.logger), endpoints: [EVENTS_PATH],
    });
    receiver.requestListener = guardSlackRequests(receiver.requestListener, {
      paths: [EVENTS_PATH],
      onRefused: (why) => this.logger.warn('slack request refused', { why }),
    });
    return receiver;
  }

  /** Runs work after the ack, outside bolt's chain, and keeps it for a clean shutdown. */
  track(work: Promise<void>): void {
    this.pending.track(work, (error: unknown) => {
      this.logger.error('slack background task failed', { error: error instanceof Error ? error : String(error) });
    });
  }

  /** A person who writes privately can be written to there, by any instance. */
  sawDirect(userId: string, channelId: string): void {
    this.direct.sawDirect(userId, channelId);
  }

  rememberThread(channel: string, threadTs: string): void {
    this.botThreads.set(`${channel}:${threadTs}`, true);
  }

  async send(message: OutboundMessage): Promise<{ id: string }> {
    const { channelId } = message.conversation;
    const parts = renderSlack(message.text);
    if (parts.length === 0) throw new BotError('slack send: empty message', 'PLATFORM_BAD_REQUEST');
    const threadTs = message.conversation.threadId ?? replyThread(channelId, message.replyToId);
    let last: Posted | undefined;
    for (const part of parts) last = await this.web.post(channelId, part, threadTs);
    // A reply (or a new top-level post) makes the bot part of that thread: follow-ups need no mention.
    if (!channelId.startsWith('D')) this.rememberThread(channelId, threadTs ?? last!.ts);
    return { id: `${last!.channel}:${last!.ts}` };
  }

  /** chat.update runs out fast when streaming (bolt-js#2073): one edit per 1.5 s per message. */
  readonly editIntervalMs = 1_500;

  /** A streamed reply's next text; on the final edit, parts past Slack's limit follow in the thread. */
  async edit(message: OutboundMessage, id: string, final: boolean): Promise<void> {
    const [first, ...rest] = renderSlack(message.text);
    if (first === undefined) return;
    const split = id.indexOf(':');
    const channel = id.slice(0, split);
    const ts = id.slice(split + 1);
    await this.web.updateText(channel, ts, first);
    if (final) {
      const threadTs = message.conversation.threadId ?? replyThread(message.conversation.channelId, message.replyToId);
      for (const part of rest) await this.web.post(channel, part, threadTs);
    }
  }

  async openDirect(userId: string): Promise<ConversationRef | undefined> {
    // Known here or to the store (another instance, or before a restart): no conversations.open.
    const known = await this.direct.lookup(userId);
    if (known?.state === 'closed') return undefined;
    const channelId = known?.channelId ?? await this.web.openIm(userId);
    if (channelId === undefined) {
      this.logger.info('slack DM impossible for user', { userId });
      this.direct.refused(userId);
      return undefined;
    }
    if (known === undefined) this.direct.opened(userId, channelId);
    return { platform: 'slack', channelId, ...(this.teamId === undefined ? {} : { communityId: this.teamId }) };
  }

  async stop(): Promise<void> {
    this.starting?.abort();
    const app = this.app;
    this.app = undefined;
    if (app !== undefined) await app.stop().catch((error: unknown) => this.logger.warn('slack stop failed', { error: String(error) }));
    await this.pending.drain(DRAIN_TIMEOUT_MS);
  }
}

/** An engine replyToId in our `${channel}:${ts}` form, as a thread_ts for channels (DMs stay flat). */
function replyThread(channel: string, replyToId: string | undefined): string | undefined {
  if (replyToId === undefined || channel.startsWith('D')) return undefined;
  const [c, ts] = replyToId.split(':');
  return c === channel && ts !== undefined && /^\d+\.\d+$/.test(ts) ? ts : undefined;
}

/**
 * Builds the Slack adapter. Nothing touches the network until start(): then auth.test checks
 * the token, and bolt listens on SLACK_PORT (HTTP mode) or opens its Socket Mode WebSocket.
 */
export function createSlackAdapter(config: SlackAdapterConfig, deps: SlackAdapterDeps): SlackAdapter {
  return new SlackAdapterImpl(config, deps);
}
