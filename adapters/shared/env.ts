/**
 * Reading an adapter's settings from the environment, the same way for every platform: blank
 * means unset, and a wrong value stops startup with one line that names the variable, says what
 * was expected and shows what was given (as the core's config does), never a stack trace.
 * Secrets are never echoed: callers leave `got` out for tokens.
 */
import { BotError } from '../../src/errors.js';

export type Env = Record<string, string | undefined>;

export function invalid(message: string): BotError {
  return new BotError(message, 'CONFIG_INVALID');
}

/** The trimmed value, or undefined when unset or blank. */
export function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** A value that must match `pattern`; `expected` completes "expected …" in the error. */
export function matching(env: Env, name: string, pattern: RegExp, expected: string): string | undefined {
  const raw = read(env, name);
  if (raw !== undefined && !pattern.test(raw)) throw invalid(`${name} is invalid: expected ${expected} (got ${JSON.stringify(raw)})`);
  return raw;
}

export function port(env: Env, name: string, fallback: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65_535) {
    throw invalid(`${name} is invalid: expected a port number from 0 to 65535 (got ${JSON.stringify(raw)})`);
  }
  return n;
}

/** An http(s) URL as given; `example` shows the expected shape in the error. */
export function httpUrl(env: Env, name: string, example: string): string | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(raw);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw invalid(`${name} is invalid: expected an http(s) URL such as ${example} (got ${JSON.stringify(raw)})`);
  }
  return raw;
}
