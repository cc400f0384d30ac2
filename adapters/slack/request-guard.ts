/**
 * What bolt's signature check leaves open (PLATFORMS.md §5.1; issue 17 item 6): bolt refuses a
 * request dated more than 5 minutes in the past, but not one dated in the future, and it answers
 * an exact replay of a signed request like the original. This guard runs in front of bolt's
 * HTTP listener and refuses, with 401 and before any parsing:
 *   - a request whose X-Slack-Request-Timestamp is more than 5 minutes ahead of our clock;
 *   - a request whose timestamp and signature were already answered with a 2xx (or are being
 *     handled right now): the same signed bytes arriving twice are a replay, not a Slack retry.
 * A delivery that failed (no 2xx) is not remembered, so Slack's own retry still gets through.
 * The memory is per process and lasts 11 minutes (5 past + 5 future + slack); after a restart
 * the engine's dedupe on channel and ts still keeps a replay from being answered twice.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BoundedMap } from '../shared/bounded.js';

/** Slack's own window for a request's age, applied to the future as well. */
const MAX_SKEW_SECONDS = 5 * 60;
const REMEMBER_MS = 11 * 60 * 1000;
const MAX_REMEMBERED = 50_000;

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export interface RequestGuardOptions {
  /** Paths bolt serves signed requests on (HTTPReceiver endpoints). */
  paths: readonly string[];
  now?: () => number;
  /** Called for each refusal, with why (for logs and counters). */
  onRefused?(why: 'future' | 'replay'): void;
}

/** Wraps bolt's request listener with the future-date and replay checks. */
export function guardSlackRequests(inner: RequestListener, options: RequestGuardOptions): RequestListener {
  const now = options.now ?? Date.now;
  const answered = new BoundedMap<string, true>(MAX_REMEMBERED, REMEMBER_MS, now);
  const inFlight = new Set<string>();
  const refuse = (res: ServerResponse, why: 'future' | 'replay') => {
    options.onRefused?.(why);
    // Slack itself never sends these; X-Slack-No-Retry keeps a real retry loop from starting.
    res.writeHead(401, { 'content-type': 'text/plain', 'x-slack-no-retry': '1' });
    res.end(why === 'future' ? 'request timestamp is in the future' : 'request already received');
  };

  return (req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (req.method !== 'POST' || !options.paths.includes(path)) return inner(req, res);
    const timestamp = header(req, 'x-slack-request-timestamp');
    const signature = header(req, 'x-slack-signature');
    // Missing or malformed headers: bolt refuses those itself.
    if (timestamp === undefined || signature === undefined || !/^\d+$/.test(timestamp)) return inner(req, res);
    if (Number(timestamp) > Math.floor(now() / 1000) + MAX_SKEW_SECONDS) return refuse(res, 'future');
    const key = `${timestamp}:${signature}`;
    if (answered.has(key) || inFlight.has(key)) return refuse(res, 'replay');
    inFlight.add(key);
    res.once('close', () => {
      inFlight.delete(key);
      // Only a request bolt accepted counts: a forged one (401) or a failed one (5xx) is not remembered.
      if (res.statusCode >= 200 && res.statusCode < 300) answered.set(key, true);
    });
    return inner(req, res);
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}
