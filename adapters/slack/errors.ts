/**
 * Maps @slack/web-api and bolt errors to BotError codes at the adapter boundary. The Web API
 * answers HTTP 200 with `{ ok: false, error: "<code>" }` for almost every failure; only 429
 * and transport failures use HTTP status (PLATFORMS.md §5.1). Error codes are from Slack's
 * per-method "Errors" tables (chat.postMessage, conversations.open, chat.update).
 */
import { BotError, type ErrorCode } from '../../src/errors.js';

/** Slack error strings that mean "this token may never do this here": retrying cannot help. */
const PERMISSION = new Set([
  'not_in_channel', 'channel_not_found', 'is_archived', 'cannot_dm_bot', 'user_not_found',
  'user_disabled', 'user_is_bot', 'restricted_action', 'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel', 'restricted_action_non_threadable_channel',
  'missing_scope', 'no_permission', 'not_allowed_token_type', 'ekm_access_denied',
  'team_access_not_granted', 'access_denied', 'method_not_supported_for_channel_type',
  'message_limit_exceeded', 'cant_update_message', 'edit_window_closed', 'user_not_in_channel',
]);
const AUTH = new Set([
  'invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'no_such_token',
]);
const TRANSIENT = new Set([
  'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'team_added_to_org',
]);

/**
 * conversations.open failures that mean a DM with this user cannot exist (Slack
 * conversations.open "Errors"): openDirect answers undefined for these instead of throwing,
 * so the engine falls back to the minimal in-place message.
 */
export const DM_IMPOSSIBLE = new Set([
  'cannot_dm_bot', 'user_not_found', 'user_disabled', 'user_is_bot', 'users_not_found',
  'not_allowed_token_type', 'missing_scope', 'restricted_action', 'no_permission',
  'team_access_not_granted', 'ekm_access_denied', 'not_in_channel', 'channel_not_found',
]);

interface SlackErrorShape {
  code?: unknown;
  data?: { error?: unknown };
  retryAfter?: unknown;
  statusCode?: unknown;
  original?: { message?: unknown };
  message?: unknown;
}

/** The Slack platform error string (`invalid_auth`, `ratelimited`, …) if the error carries one. */
export function slackErrorString(error: unknown): string | undefined {
  const e = error as SlackErrorShape | null;
  if (e?.code === 'slack_webapi_platform_error' && typeof e.data?.error === 'string') return e.data.error;
  return undefined;
}

function codeFor(error: SlackErrorShape): { code: ErrorCode; retryAfterMs?: number } {
  switch (error.code) {
    case 'slack_webapi_rate_limited_error': {
      const seconds = typeof error.retryAfter === 'number' ? error.retryAfter : 1;
      return { code: 'PLATFORM_RATE_LIMITED', retryAfterMs: seconds * 1000 };
    }
    case 'slack_webapi_request_error':
      return { code: 'PLATFORM_NETWORK' };
    case 'slack_webapi_http_error': {
      const status = typeof error.statusCode === 'number' ? error.statusCode : 0;
      if (status === 401) return { code: 'PLATFORM_AUTH' };
      if (status === 403) return { code: 'PLATFORM_PERMISSION' };
      if (status === 429) return { code: 'PLATFORM_RATE_LIMITED' };
      return { code: status >= 500 || status === 0 ? 'PLATFORM_NETWORK' : 'PLATFORM_BAD_REQUEST' };
    }
    case 'slack_webapi_platform_error': {
      const slack = typeof error.data?.error === 'string' ? error.data.error : '';
      if (slack === 'ratelimited') return { code: 'PLATFORM_RATE_LIMITED', retryAfterMs: 1000 };
      if (AUTH.has(slack)) return { code: 'PLATFORM_AUTH' };
      if (PERMISSION.has(slack)) return { code: 'PLATFORM_PERMISSION' };
      if (TRANSIENT.has(slack)) return { code: 'PLATFORM_NETWORK' };
      return { code: 'PLATFORM_BAD_REQUEST' };
    }
    default:
      return { code: 'UNKNOWN' };
  }
}

/**
 * Converts anything a Slack call threw into a BotError with a code, the Slack error string
 * and the method in `context`, and `retryAfterMs` for rate limits. Never copies request
 * bodies (they hold message text) into the error.
 */
export function toBotError(error: unknown, method: string): BotError {
  if (error instanceof BotError) return error;
  const e = (error ?? {}) as SlackErrorShape;
  const { code, retryAfterMs } = codeFor(e);
  const slack = slackErrorString(error);
  const detail = slack ?? (typeof e.message === 'string' ? e.message : String(error));
  return new BotError(`slack ${method} failed: ${detail}`, code, {
    cause: error,
    context: { method, ...(slack === undefined ? {} : { slackError: slack }) },
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}
