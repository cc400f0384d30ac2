/**
 * Structured logs on pino. Callers log codes, ids, levels and counts, never message text,
 * prompts or model reasoning at info; tokens and secrets are redacted from every line.
 */
import pino from 'pino';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
  /** Whether lines at `level` are written: callers skip building costly messages when not. */
  enabled?(level: LogLevelName): boolean;
}

type LogLevelName = 'debug' | 'info' | 'warn' | 'error';

const SECRET_KEYS = [
  'token', 'apiKey', 'api_key', 'secret', 'password', 'authorization', 'signingSecret',
  'text', 'prompt', 'content', 'reasoning',
];
/** Token-like strings that could sneak in through an error message. */
const SECRET_PATTERNS: RegExp[] = [
  /\b\d{6,}:[A-Za-z0-9_-]{30,}\b/g, // Telegram bot token
  /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g, // Slack tokens
  /\bxapp-[A-Za-z0-9-]{10,}\b/g,
  /\b[MNO][A-Za-z\d_-]{23,25}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,}\b/g, // Discord bot token
  /\bsk-[A-Za-z0-9_-]{16,}\b/g, // OpenAI-style keys
  /\/bot\d+:[^/\s]+/g, // Telegram API URLs embed the token
];

/** Removes secret-looking substrings from free text (error messages, URLs). */
export function redact(text: string): string {
  let out = text;
  for (const p of SECRET_PATTERNS) out = out.replace(p, '[redacted]');
  return out;
}

/**
 * pino writes a child's bindings and a call's fields side by side, so a key bound twice (the
 * composition root and the adapter both bind `platform`) appeared twice on one JSON line.
 * `bound` remembers what is already on every line: a repeat with the same value is dropped;
 * a different value keeps its information under a `call.` prefix rather than a second key.
 */
function wrap(p: pino.Logger, bound: Record<string, unknown> = {}): Logger {
  const fresh = (fields: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields)) {
      if (!(k in bound)) out[k] = v;
      else if (bound[k] !== v) out[`call.${k}`] = v;
    }
    return out;
  };
  // A line below the level costs nothing: no scrubbing and redacting of what pino would drop.
  const call = (level: LogLevelName) => (msg: string, fields?: Record<string, unknown>) => {
    if (!p.isLevelEnabled(level)) return;
    if (fields) p[level](scrub(fresh(fields)), redact(msg));
    else p[level](redact(msg));
  };
  return {
    enabled: (level) => p.isLevelEnabled(level),
    debug: call('debug'),
    info: call('info'),
    warn: call('warn'),
    error: call('error'),
    child: (bindings) => {
      const added = scrub(fresh(bindings));
      return wrap(p.child(added), { ...bound, ...added });
    },
  };
}

function scrub(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    // pino writes the line's own severity as `level`; a risk level under the same key would
    // make the line carry `level` twice and log pipelines drop one. It goes under `risk`.
    if (k === 'level') out['risk'] = v;
    else if (SECRET_KEYS.includes(k)) out[k] = '[redacted]';
    else if (typeof v === 'string') out[k] = redact(v);
    else if (v instanceof Error) out[k] = { name: v.name, message: redact(v.message), code: (v as { code?: unknown }).code };
    else out[k] = v;
  }
  return out;
}

export interface LoggerOptions {
  level?: string;
  /** Where lines go; defaults to stderr so stdout stays free for the console chat. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const stream = options.destination ?? process.stderr;
  return wrap(pino({ level: options.level ?? 'info', base: null }, stream as pino.DestinationStream));
}

/** A logger that drops everything (tests that do not assert on logs). */
export const silentLogger: Logger = wrap(pino({ level: 'silent' }));
