/**
 * Slack settings from the environment. The adapter is off unless SLACK_BOT_TOKEN is set.
 * SLACK_APP_TOKEN selects Socket Mode (no public URL needed); otherwise SLACK_SIGNING_SECRET is
 * required and the app serves HTTP on SLACK_PORT. A wrong value stops startup with one line
 * naming the variable and what it expects, never echoing a secret.
 */
import { httpUrl, invalid, matching, port, read, type Env } from '../shared/env.js';

export interface SlackAdapterConfig {
  /** Bot token (xoxb-…): every Web API call uses it. */
  botToken: string;
  /** 'http': Slack posts signed requests to us; 'socket': we hold a WebSocket open to Slack. */
  mode: 'http' | 'socket';
  /** HTTP mode: verifies X-Slack-Signature on every request. */
  signingSecret: string | undefined;
  /** Socket Mode: app-level token (xapp-…) with connections:write. */
  appToken: string | undefined;
  /** HTTP mode: port for POST /slack/events (0 picks a free port, for tests). */
  port: number;
  /** HTTP mode: bind address. */
  host: string;
  /** Web API base URL ending in '/' (GovSlack, tests); undefined means https://slack.com/api/. */
  apiUrl: string | undefined;
  /** Channel id (C… or G…) that moderator alerts go to; undefined disables the moderator sink. */
  moderatorChannel: string | undefined;
  /** The slash command this app registers, with its leading slash. */
  command: string;
  /** Retries of a call Slack answered with 429, each after its Retry-After. */
  maxRateLimitRetries: number;
  /** A 429 asking for a longer wait than this fails fast with PLATFORM_RATE_LIMITED instead. */
  maxRetryAfterSeconds: number;
  /** Per-request timeout for Web API calls. */
  requestTimeoutMs: number;
  /**
   * A slash command is answered in its ack when the core replies within this time; otherwise
   * it is acked empty and answered through response_url. Slack wants the ack within 3 s.
   */
  commandInlineMs: number;
}

/** Bot tokens start with xoxb- (classic: xoxb-…; GovSlack uses the same prefix). */
const BOT_TOKEN = /^xoxb-[A-Za-z0-9-]+$/;
const APP_TOKEN = /^xapp-[A-Za-z0-9-]+$/;
/** Public channels start with C, private ones with G (older) or C (newer). */
const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;
/** Slack: command names are lowercase, up to 32 characters, starting with '/'. */
const COMMAND = /^\/[a-z0-9_-]{1,31}$/;

function apiUrl(env: Env): string | undefined {
  const raw = httpUrl(env, 'SLACK_API_URL', 'https://slack-gov.com/api/');
  // WebClient appends the method name directly, so the base must end in '/'.
  return raw === undefined || raw.endsWith('/') ? raw : `${raw}/`;
}

/**
 * The Slack adapter's config, or undefined when SLACK_BOT_TOKEN is not set.
 * Throws BotError CONFIG_INVALID naming the variable when a value is wrong.
 */
export function slackConfigFromEnv(env: Env): SlackAdapterConfig | undefined {
  const botToken = read(env, 'SLACK_BOT_TOKEN');
  if (botToken === undefined) return undefined;
  if (!BOT_TOKEN.test(botToken)) {
    throw invalid('SLACK_BOT_TOKEN is invalid: expected the Bot User OAuth Token from "OAuth & Permissions", starting with xoxb-');
  }

  const appToken = read(env, 'SLACK_APP_TOKEN');
  if (appToken !== undefined && !APP_TOKEN.test(appToken)) {
    throw invalid('SLACK_APP_TOKEN is invalid: expected an app-level token with connections:write ("Basic Information"), starting with xapp-');
  }
  const signingSecret = read(env, 'SLACK_SIGNING_SECRET');
  if (appToken === undefined && signingSecret === undefined) {
    throw invalid('SLACK_SIGNING_SECRET is missing: set it ("Basic Information" → Signing Secret) for HTTP mode, or set SLACK_APP_TOKEN for Socket Mode');
  }
  if (signingSecret !== undefined && !/^[0-9a-f]{16,}$/i.test(signingSecret)) {
    throw invalid('SLACK_SIGNING_SECRET is invalid: expected the hexadecimal Signing Secret from "Basic Information"');
  }

  const moderatorChannel = matching(env, 'SLACK_MODERATOR_CHANNEL', CHANNEL_ID, 'a channel id such as C0123ABCDEF (channel details → About), not a name');
  const command = matching(env, 'SLACK_COMMAND', COMMAND, 'a lowercase slash command such as /oyster') ?? '/oyster';

  return {
    botToken,
    // Socket Mode wins when both are set: it needs no public URL, and the signing secret is unused there.
    mode: appToken !== undefined ? 'socket' : 'http',
    signingSecret,
    appToken,
    port: port(env, 'SLACK_PORT', 3000),
    host: read(env, 'SLACK_HOST') ?? '0.0.0.0',
    apiUrl: apiUrl(env),
    moderatorChannel,
    command,
    maxRateLimitRetries: 2,
    maxRetryAfterSeconds: 30,
    requestTimeoutMs: 10_000,
    commandInlineMs: 2_000,
  };
}
