/**
 * Builds the real bot (engine, SQLite store, policies, risk screen, crisis services) around
 * a FakeAdapter and the fake model server, with a controllable clock. Tests read like a
 * conversation: `await chat.user('…')`, then look at what was sent and what was stored.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { silentLogger, type Logger } from '../../src/logger.js';
import { createBot, type Bot, type BotOptions } from '../../src/main.js';
import type { AlertView, Clock, ModeratorSink } from '../../src/ports.js';
import { FakeAdapter, type FakeAdapterOptions } from '../fakes/fake-adapter.js';
import { startFakeModel, type FakeModel, type ReplyScript } from '../fakes/fake-model.js';

export class TestClock implements Clock {
  constructor(private ms = Date.parse('2026-03-02T10:00:00Z')) {}
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export class RecordingSink implements ModeratorSink {
  readonly alerts: AlertView[] = [];
  failing = false;
  constructor(readonly name = 'test-sink') {}
  async deliver(alert: AlertView): Promise<{ ref?: string }> {
    if (this.failing) throw new Error('sink down');
    this.alerts.push(alert);
    return { ref: `ref-${alert.alertId}` };
  }
}

/** A database file in a new temp folder; the prefix names the folder, to find it after a failed run. */
export function tempDbPath(prefix = 'oyster-harness-'): string {
  return join(mkdtempSync(join(tmpdir(), prefix)), 'bot.db');
}

/**
 * The env every in-process test bot starts from: its own database, the fake model, no retries, a
 * 3 s model timeout. The judge is off here because these suites script and count the model's chat
 * answers; the judge's own behaviour (on by default in production) is tested in test/risk/judge.test.ts.
 */
export function fakeModelEnv(model: FakeModel, dbPath: string): Record<string, string> {
  return { OYSTER_DB_PATH: dbPath, OYSTER_BASE_URL: model.url, OYSTER_MAX_RETRIES: '0', OYSTER_TIMEOUT_MS: '3000', RISK_JUDGE: 'off' };
}

export interface Harness {
  bot: Bot;
  adapter: FakeAdapter;
  model: FakeModel;
  sink: RecordingSink;
  clock: TestClock;
  dbPath: string;
  close(): Promise<void>;
}

export async function startHarness(options: {
  env?: Record<string, string>;
  reply?: ReplyScript;
  adapter?: FakeAdapterOptions;
  dbPath?: string;
  metrics?: BotOptions['metrics'];
  /** Alerts reach only the log: no moderator sink at all (the recording `sink` is left out). */
  logOnly?: boolean;
  /** Where the bot logs (silent by default). */
  logger?: Logger;
  /** More alert sinks next to `sink` (a sink that can take digests, for example). */
  extraSinks?: ModeratorSink[];
  /** The bot's prompt token counter (a fresh one by default). */
  tokens?: BotOptions['tokens'];
} = {}): Promise<Harness> {
  const model = await startFakeModel(options.reply ? { reply: options.reply } : {});
  const dbPath = options.dbPath ?? tempDbPath();
  const config = loadConfig({ ...fakeModelEnv(model, dbPath), LOG_LEVEL: 'silent', ...options.env });
  const clock = new TestClock();
  const adapter = new FakeAdapter(options.adapter);
  const sink = new RecordingSink();
  const bot = await createBot({
    config, adapters: [adapter], clock, logger: options.logger ?? silentLogger, sinks: options.logOnly ? [] : [sink, ...(options.extraSinks ?? [])],
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.tokens ? { tokens: options.tokens } : {}),
  });
  await bot.start();
  return {
    bot, adapter, model, sink, clock, dbPath,
    async close() {
      await bot.stop();
      await model.close();
    },
  };
}
