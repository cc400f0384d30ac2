// NOTE (restored): this file belongs to the cases/outbox/alerts tests. It was overwritten by
// mistake and rebuilt from tsx's compiled cache of the original (same runtime code; the type
// annotations were re-added by hand). Its owner should check it against their copy.
import { resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { BotError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import type { RiskLevel } from '../../src/messages.js';
import type { AlertView, Clock, ModeratorSink } from '../../src/ports.js';
import type { RaiseInput } from '../../src/crisis/escalation.js';
import { loadEscalationPolicy, type EscalationPolicy } from '../../src/policy/escalation-policy.js';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { SqliteCaseStore } from '../../src/store/sqlite/sqlite-cases.js';
import { SqliteMessageStore } from '../../src/store/sqlite/sqlite-store.js';

export const POLICIES_DIR = resolve(import.meta.dirname, '../../policies');
export const T0 = new Date('2026-03-01T20:00:00.000Z');
export const MINUTE = 60_000;

export interface ManualClock extends Clock {
  advance(ms: number): Date;
  set(at: Date): void;
}

export function manualClock(start: Date = T0): ManualClock {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    advance: (ms: number) => new Date((t += ms)),
    set: (at: Date) => {
      t = at.getTime();
    },
  };
}

export interface TestDb {
  db: Database.Database;
  cases: SqliteCaseStore;
  messages: SqliteMessageStore;
  policy: EscalationPolicy;
}

export function testDb(path = ':memory:'): TestDb {
  const db = openDatabase(path);
  return { db, cases: new SqliteCaseStore(db), messages: new SqliteMessageStore(db), policy: loadEscalationPolicy(POLICIES_DIR) };
}

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  fields: Record<string, unknown>;
}

export function recordingLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const at = (level: LogEntry['level']) => (msg: string, fields?: Record<string, unknown>) => {
      entries.push({ level, msg, fields: { ...bindings, ...fields } });
    };
    return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (b) => make({ ...bindings, ...b }) };
  };
  return Object.assign(make({}), { entries });
}

export interface RecordingSink extends ModeratorSink {
  received: AlertView[];
  calls: number;
  failing: boolean;
}

export function recordingSink(name: string): RecordingSink {
  const sink: RecordingSink = {
    name,
    received: [],
    calls: 0,
    failing: false,
    async deliver(alert: AlertView) {
      sink.calls++;
      if (sink.failing) {
        throw new BotError('sink down', 'ESCALATION_NOTIFY_FAILED', { context: { reason: 'test_down' } });
      }
      sink.received.push(alert);
      return { ref: `${name}-${alert.alertId}` };
    },
  };
  return sink;
}

let messageSeq = 0;

export function signal(level: RiskLevel, overrides: Partial<RaiseInput> = {}): RaiseInput {
  const userId = overrides.user?.id ?? '501';
  return {
    conversation: { platform: 'telegram', channelId: '-100200', communityId: '-100200' },
    isDirect: false,
    user: { id: userId, displayName: 'sam' },
    userKey: `telegram:${userId}`,
    level,
    reasons: [`test:${level}`],
    policyVersion: 'pv-test-1',
    excerpt: 'an excerpt for moderators',
    country: 'DE',
    resourcesSent: ['de-telefonseelsorge'],
    reachedPrivately: true,
    messageId: `m${++messageSeq}`,
    at: T0,
    ...overrides,
  };
}

export function countRows(db: Database.Database, table: string): number {
  return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
}
