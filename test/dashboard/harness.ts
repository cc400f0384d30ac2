/**
 * The real bot (createBot: engine, risk screen, SQLite, outbox, moderation) with the dashboard
 * on a free port of 127.0.0.1, an in-memory platform adapter, the fake model, a controllable
 * clock and a logger whose lines the test can read. Plus a tiny HTTP client that keeps one
 * browser's cookie, for the security tests that need no real browser.
 */
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createBot, type Bot } from '../../src/main.js';
import type { CommandReply } from '../../src/ports.js';
import { FakeAdapter } from '../fakes/fake-adapter.js';
import { startFakeModel, type FakeModel } from '../fakes/fake-model.js';
import { fakeModelEnv, TestClock, tempDbPath } from '../helpers/bot-harness.js';

export const HIGH = 'I keep thinking about killing myself and I do not know how to stop.';
export const MODERATOR = { id: 'mod1', displayName: 'Mia', roleIds: [] as string[] };
export const NOT_MODERATOR = { id: 'u9', displayName: 'Pat', roleIds: [] as string[] };

export interface DashWorld {
  bot: Bot;
  adapter: FakeAdapter;
  model: FakeModel;
  clock: TestClock;
  dbPath: string;
  /** Every log line the bot wrote, at debug level and up. */
  logs: string[];
  base: string;
  close(): Promise<void>;
}

export async function startDashWorld(options: { env?: Record<string, string>; dbPath?: string; clock?: TestClock } = {}): Promise<DashWorld> {
  const model = await startFakeModel();
  const dbPath = options.dbPath ?? tempDbPath('oyster-dash-');
  const logs: string[] = [];
  const sink = new Writable({ write(chunk: Buffer, _enc, done) { logs.push(chunk.toString()); done(); } });
  const config = loadConfig({
    ...fakeModelEnv(model, dbPath), CRISIS_DEFAULT_COUNTRY: 'US', OYSTER_CONSOLE: 'off',
    MODERATOR_IDS: `fake:${MODERATOR.id}`, DASHBOARD_PORT: '0', ...options.env,
  });
  const clock = options.clock ?? new TestClock();
  const adapter = new FakeAdapter({ withModeratorChannel: true });
  const bot = await createBot({ config, adapters: [adapter], clock, logger: createLogger({ level: 'debug', destination: sink }) });
  await bot.start();
  return {
    bot, adapter, model, clock, dbPath, logs,
    base: bot.dashboard!.localUrl,
    async close() {
      await bot.stop();
      await model.close();
    },
  };
}

/** `/case web` from a private chat with the bot: the reply carries the link. */
export async function askForLink(world: DashWorld, actor = MODERATOR): Promise<{ reply: CommandReply; url: string | undefined }> {
  const reply = await world.adapter.command('case', ['web'], actor);
  return { reply, url: /(https?:\/\/\S+\/login\/[A-Za-z0-9_-]+)/.exec(reply.text)?.[1] };
}

export function tokenOf(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

/** One browser's worth of HTTP: keeps the session cookie, never follows redirects. */
export class Client {
  cookie: string | undefined;
  constructor(readonly base: string) {}

  async request(path: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookie) headers['cookie'] = this.cookie;
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(`${this.base}${path}`, {
      method: init.method ?? (init.form ? 'POST' : 'GET'), headers, redirect: 'manual',
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const pair = setCookie.split(';')[0]!;
      this.cookie = /=$/.test(pair) || /max-age=0/i.test(setCookie) ? undefined : pair;
    }
    return { status: res.status, headers: res.headers, setCookie, body: await res.text() };
  }

  /** Redeems a link the way the sign-in button does. */
  signIn(url: string) {
    return this.request('/login', { form: { token: tokenOf(url) } });
  }

  /** The CSRF token of the signed-in page (from any of its forms). */
  async csrf(path = '/'): Promise<string> {
    const page = await this.request(path);
    const m = /name="csrf" value="([^"]+)"/.exec(page.body);
    if (!m) throw new Error(`no CSRF token on ${path} (status ${page.status})`);
    return m[1]!;
  }
}

/** A started world in which the sample crisis sentence has opened one case. */
export async function worldWithCase(env: Record<string, string> = {}): Promise<{ w: DashWorld; caseId: number }> {
  const w = await startDashWorld({ env });
  await w.adapter.receive({ text: HIGH, userId: 'u1', author: { id: 'u1', displayName: 'Robin Example', isBot: false, isSelf: false } });
  const [c] = await w.bot.cases.listCases({ activeOnly: true, failingAfterAttempts: 5 });
  if (c === undefined) {
    await w.close();
    throw new Error('the sample sentence should open a case');
  }
  return { w, caseId: c.id };
}
