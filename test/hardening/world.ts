/**
 * The hardening tests' world: the real bot (createBot: engine, SQLite store, policies, risk
 * screen, crisis services, outbox) around a FakeAdapter and the fake model, with a TestClock
 * and a logger whose lines the test can read (to check that failures are coded and that no
 * message text leaks). Unlike test/helpers/bot-harness.ts it can point the real webhook sink
 * at a local receiver and capture logs.
 */
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { loadConfig } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { createBot } from '../../src/main.js';
import type { PlatformAdapter } from '../../src/ports.js';
import { FakeAdapter, type FakeAdapterOptions } from '../fakes/fake-adapter.js';
import { startFakeModel, type FakeModel, type ReplyScript } from '../fakes/fake-model.js';
import { fakeModelEnv, RecordingSink, tempDbPath, TestClock, type Harness } from '../helpers/bot-harness.js';

export { tempDbPath } from '../helpers/bot-harness.js';

/** Structured log lines (pino JSON), kept in memory. */
export class LogCapture extends Writable {
  readonly lines: Array<Record<string, unknown>> = [];
  readonly raw: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      this.raw.push(line);
      try {
        this.lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        this.lines.push({ unparsed: line });
      }
    }
    done();
  }

  /** Lines whose `code` field equals `code`. */
  withCode(code: string): Array<Record<string, unknown>> {
    return this.lines.filter((l) => l.code === code || l.cause === code || String(l.cause ?? '').startsWith(`${code}:`));
  }

  /** Every line as one string, for "this text never appears in logs" checks. */
  text(): string {
    return this.raw.join('\n');
  }
}

/** A harness whose logger writes to `logs`. */
export interface World extends Harness {
  logs: LogCapture;
  logger: Logger;
}

export async function startWorld(options: {
  env?: Record<string, string>;
  reply?: ReplyScript;
  adapter?: FakeAdapterOptions;
  adapters?: PlatformAdapter[];
  model?: FakeModel;
  dbPath?: string;
} = {}): Promise<World> {
  const model = options.model ?? (await startFakeModel(options.reply ? { reply: options.reply } : {}));
  const dbPath = options.dbPath ?? tempDbPath('oyster-hard-');
  const config = loadConfig({
    ...fakeModelEnv(model, dbPath),
    CRISIS_DEFAULT_COUNTRY: 'US',
    OYSTER_CONSOLE: 'off',
    LOG_LEVEL: 'info',
    ...options.env,
  });
  const clock = new TestClock();
  const adapter = new FakeAdapter(options.adapter);
  const sink = new RecordingSink();
  const logs = new LogCapture();
  const logger = createLogger({ level: config.LOG_LEVEL, destination: logs });
  const bot = await createBot({ config, adapters: options.adapters ?? [adapter], clock, logger, sinks: [sink] });
  await bot.start();
  return {
    bot, adapter, model, sink, clock, logs, logger, dbPath,
    async close() {
      await bot.stop();
      if (!options.model) await model.close();
    },
  };
}

/** Row counts of the state tables, read through a separate read-only connection. */
export function stateCounts(dbPath: string): Record<string, number> {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    return {
      processed_messages: count('processed_messages'),
      turns: count('turns'),
      risk_state: count('risk_state'),
      preferences: count('preferences'),
      cases: count('cases'),
      alerts: count('alerts'),
      alert_outbox: count('alert_outbox'),
      case_events: count('case_events'),
    };
  } finally {
    db.close();
  }
}

/** Runs one read-only query against the file (another process's view of it). */
export function readDb<T>(dbPath: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

export const HIGH = 'I keep thinking about killing myself and I do not know how to stop.';
export const IMMINENT = 'I have all the pills in front of me and I am taking them tonight. This is goodbye.';
export const SUPPORTIVE = 'I am really glad you told me. You matter, and you do not have to face this alone.';
