/**
 * Maps grammy's errors to BotError codes at the adapter boundary. GrammyError is an answer
 * from the Bot API ({ ok: false, error_code, description, parameters }); HttpError is a
 * network failure. grammy keeps the token out of both (sensitiveLogs is off by default), and
 * we redact once more because API URLs embed the token.
 */
import { GrammyError, HttpError } from 'grammy';
import { BotError, type ErrorCode } from '../../src/errors.js';
import { redact } from '../../src/logger.js';

/** Telegram's answer when a user never pressed Start or blocked the bot (403). */
const DM_REFUSED = /bot can't initiate conversation|bot was blocked by the user|user is deactivated|chat not found/i;
/** Telegram's answer when our HTML did not parse (400); the chunk is resent as plain text. */
const PARSE_ERROR = /can't parse entities|unsupported start tag|unexpected end tag|can't find end tag/i;
/** Editing a message to the text it already has is a 400 that means "done" (agent-os#3181). */
const NOT_MODIFIED = /message is not modified/i;

function codeFor(status: number, description: string): ErrorCode {
  if (status === 429) return 'PLATFORM_RATE_LIMITED';
  if (status === 401 || status === 404) return 'PLATFORM_AUTH'; // 404 from the Bot API means a bad token
  if (status === 403) return 'PLATFORM_PERMISSION';
  if (status === 400 && DM_REFUSED.test(description)) return 'PLATFORM_PERMISSION';
  if (status === 400) return 'PLATFORM_BAD_REQUEST';
  if (status >= 500) return 'PLATFORM_NETWORK';
  return 'UNKNOWN';
}

/** Any error from a grammy call → a BotError with a code, retryAfterMs for 429s, no token. */
export function mapTelegramError(error: unknown, context: Record<string, unknown> = {}): BotError {
  if (error instanceof BotError) return error;
  if (error instanceof GrammyError) {
    const retryAfter = error.parameters.retry_after;
    const options: { cause: unknown; context: Record<string, unknown>; retryAfterMs?: number } = {
      cause: error,
      context: { ...context, method: error.method, status: error.error_code },
    };
    if (retryAfter !== undefined) options.retryAfterMs = retryAfter * 1000;
    return new BotError(
      `telegram ${error.method} failed: ${redact(error.description)}`,
      codeFor(error.error_code, error.description),
      options,
    );
  }
  if (error instanceof HttpError) {
    return new BotError(`telegram network error: ${redact(error.message)}`, 'PLATFORM_NETWORK', { cause: error, context });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new BotError(redact(message), 'UNKNOWN', { cause: error, context });
}

/** A 400 caused by our parse_mode markup, as opposed to any other bad request. */
export function isParseError(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 && PARSE_ERROR.test(error.description);
}

export function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 && NOT_MODIFIED.test(error.description);
}

/** The new chat id when a group was upgraded to a supergroup (400 with migrate_to_chat_id). */
export function migratedChatId(error: unknown): string | undefined {
  if (!(error instanceof GrammyError)) return undefined;
  const to = error.parameters.migrate_to_chat_id;
  return to === undefined ? undefined : String(to);
}

/** getUpdates 409: another poller holds the token, or a webhook is set. */
export function isConflict(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 409;
}

export function isUnauthorized(error: unknown): boolean {
  return error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404);
}
