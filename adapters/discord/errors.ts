/**
 * Maps discord.js and @discordjs/rest errors to BotError codes at the adapter boundary.
 * DiscordAPIError carries Discord's JSON error code (discord-api-docs "JSON Error Codes");
 * RateLimitError is thrown only when we asked the REST client to reject instead of waiting;
 * HTTPError is a non-JSON failure (a proxy's 502, say).
 */
import { DiscordAPIError, DiscordjsError, DiscordjsErrorCodes, HTTPError, RateLimitError } from 'discord.js';
import { BotError, type ErrorCode } from '../../src/errors.js';
import { redact } from '../../src/logger.js';

/** Discord JSON error codes the adapter treats specially. */
export const DiscordCodes = {
  UnknownChannel: 10003,
  UnknownMessage: 10008,
  UnknownUser: 10013,
  UnknownInteraction: 10062,
  MissingAccess: 50001,
  /** "Cannot send messages to this user": DMs closed, bot blocked, or no shared server. */
  CannotSendToUser: 50007,
  MissingPermissions: 50013,
  InvalidFormBody: 50035,
  /** "Interaction has already been acknowledged". */
  AlreadyAcknowledged: 40060,
} as const;

const PERMISSION_CODES = new Set<number | string>([
  DiscordCodes.MissingAccess,
  DiscordCodes.CannotSendToUser,
  DiscordCodes.MissingPermissions,
]);

function codeForStatus(status: number): ErrorCode {
  if (status === 429) return 'PLATFORM_RATE_LIMITED';
  if (status === 401) return 'PLATFORM_AUTH';
  if (status === 403) return 'PLATFORM_PERMISSION';
  if (status >= 500) return 'PLATFORM_NETWORK';
  if (status >= 400) return 'PLATFORM_BAD_REQUEST';
  return 'UNKNOWN';
}

/** Any error from a discord.js call → a BotError with a code; 429s keep retryAfterMs; no token. */
export function mapDiscordError(error: unknown, context: Record<string, unknown> = {}): BotError {
  if (error instanceof BotError) return error;
  if (error instanceof DiscordAPIError) {
    // 50007 arrives with status 400 (not 403): it is still "the platform refused", and the
    // engine relies on PLATFORM_PERMISSION to fall back to an in-channel pointer.
    const code = PERMISSION_CODES.has(error.code) ? 'PLATFORM_PERMISSION' : codeForStatus(error.status);
    return new BotError(`discord ${error.method.toUpperCase()} failed: ${redact(error.message)}`, code, {
      cause: error,
      context: { ...context, status: error.status, discordCode: error.code },
    });
  }
  if (error instanceof RateLimitError) {
    return new BotError(`discord rate limit on ${error.route}`, 'PLATFORM_RATE_LIMITED', {
      cause: error,
      context: { ...context, route: error.route, global: error.global, scope: error.scope },
      retryAfterMs: error.retryAfter,
    });
  }
  if (error instanceof HTTPError) {
    return new BotError(`discord ${error.method.toUpperCase()} failed with HTTP ${error.status}`, codeForStatus(error.status), {
      cause: error,
      context: { ...context, status: error.status },
    });
  }
  if (error instanceof DiscordjsError) {
    if (error.code === DiscordjsErrorCodes.TokenInvalid) {
      return new BotError('discord refused the bot token: check DISCORD_BOT_TOKEN (Developer Portal → Bot → Reset Token)', 'PLATFORM_AUTH', { cause: error, context });
    }
    if (error.code === DiscordjsErrorCodes.DisallowedIntents) return disallowedIntents(error, context);
  }
  const message = error instanceof Error ? error.message : String(error);
  // @discordjs/ws reports gateway close 4014 as a plain Error.
  if (/disallowed intents/i.test(message)) return disallowedIntents(error, context);
  if (/authentication failed/i.test(message)) {
    return new BotError('discord gateway refused the bot token: check DISCORD_BOT_TOKEN', 'PLATFORM_AUTH', { cause: error, context });
  }
  const name = error instanceof Error ? error.name : '';
  const network = name === 'AbortError' || /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|socket hang up|fetch failed/i.test(message);
  return new BotError(redact(message), network ? 'PLATFORM_NETWORK' : 'UNKNOWN', { cause: error, context });
}

function disallowedIntents(error: unknown, context: Record<string, unknown>): BotError {
  return new BotError(
    'discord refused the Message Content intent (gateway close 4014): enable "Message Content Intent" under Bot → Privileged Gateway Intents in the Developer Portal',
    'CONFIG_INVALID',
    { cause: error, context },
  );
}

/** True when Discord says this interaction can no longer be answered (3 s passed, or already answered). */
export function isStaleInteraction(error: unknown): boolean {
  return (
    error instanceof DiscordAPIError &&
    (error.code === DiscordCodes.UnknownInteraction || error.code === DiscordCodes.AlreadyAcknowledged)
  );
}
