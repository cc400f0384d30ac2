/**
 * One error type with a small set of codes. Every error that reaches the top of a handler
 * is mapped to one of these (asBotError), so logs and metrics can count failures by code
 * without ever carrying message text.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'POLICY_INVALID'
  | 'MIGRATION_OUT_OF_SYNC'
  | 'STORE_UNAVAILABLE'
  | 'PLATFORM_RATE_LIMITED'
  | 'PLATFORM_AUTH'
  | 'PLATFORM_PERMISSION'
  | 'PLATFORM_NETWORK'
  | 'PLATFORM_BAD_REQUEST'
  | 'LLM_TIMEOUT'
  | 'LLM_UNAVAILABLE'
  | 'LLM_TRUNCATED'
  | 'LLM_BAD_RESPONSE'
  | 'OUTPUT_CHECK_FAILED'
  | 'ESCALATION_NOTIFY_FAILED'
  | 'JUDGE_FAILED'
  | 'UNKNOWN';

export class BotError extends Error {
  readonly code: ErrorCode;
  readonly context: Record<string, unknown>;
  /** For PLATFORM_RATE_LIMITED and LLM 429s: how long the platform asked us to wait. */
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    code: ErrorCode,
    options: { cause?: unknown; context?: Record<string, unknown>; retryAfterMs?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BotError';
    this.code = code;
    this.context = options.context ?? {};
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Guarantees a code on anything thrown (bolt's asCodedError idea). */
export function asBotError(error: unknown): BotError {
  if (error instanceof BotError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new BotError(message, 'UNKNOWN', { cause: error });
}
