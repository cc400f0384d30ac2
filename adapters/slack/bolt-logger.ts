/**
 * Routes bolt's and WebClient's log lines into our logger. Bolt logs with variadic arguments;
 * they are joined into one message, which src/logger.ts scrubs of tokens. Bolt's debug lines can
 * include request bodies (message text), so they stay at debug, which is off in production.
 */
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../src/logger.js';

function join(parts: unknown[]): string {
  return parts.map((p) => (p instanceof Error ? p.message : typeof p === 'string' ? p : JSON.stringify(p))).join(' ');
}

/** A @slack/logger Logger that writes through `logger`. setLevel is ignored: our logger owns the level. */
export function boltLogger(logger: Logger): BoltLogger {
  return {
    // Bolt and WebClient log at debug on every request: skip serializing what would be dropped.
    debug: (...msg: unknown[]) => { if (logger.enabled?.('debug') !== false) logger.debug(join(msg)); },
    info: (...msg: unknown[]) => logger.info(join(msg)),
    warn: (...msg: unknown[]) => logger.warn(join(msg)),
    error: (...msg: unknown[]) => logger.error(join(msg)),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}
