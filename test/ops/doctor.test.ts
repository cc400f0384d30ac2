/**
 * `oyster-bot doctor` as operators run it: the real CLI against the fake model, Telegram,
 * Slack and Discord servers on 127.0.0.1, against a dead port, and against a locked database.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_DISCORD_TOKEN, startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord.js';
import { startFakeModel, type FakeModel } from '../fakes/fake-model.js';
import { startFakeSlack, type FakeSlack } from '../fakes/fake-slack.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/fake-telegram.js';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { CLI_TEST_TIMEOUT_MS, runCli } from '../cli/run-cli.js';
import { refusedPort } from '../helpers/local-http.js';

const SLACK_TOKEN = 'xoxb-1111-2222-doctortoken';
const SLACK_SECRET = '0123456789abcdef0123456789abcdef';
let DEAD = '';

let model: FakeModel;
let telegram: FakeTelegram;
let slack: FakeSlack;
let discord: FakeDiscord;
beforeAll(async () => {
  [model, telegram, slack, discord] = await Promise.all([startFakeModel(), startFakeTelegram(), startFakeSlack(), startFakeDiscord()]);
  // A port nothing listens on, outside the range other tests' servers draw from (not 9: fetch
  // refuses "bad ports" outright).
  DEAD = `http://127.0.0.1:${await refusedPort()}`;
});
afterAll(async () => {
  await Promise.all([model.close(), telegram.close(), slack.close(), discord.close()]);
});

const tempDb = () => join(mkdtempSync(join(tmpdir(), 'oyster-doctor-')), 'bot.db');

function everything(): Record<string, string> {
  return {
    OYSTER_BASE_URL: model.url,
    OYSTER_DB_PATH: tempDb(),
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    TELEGRAM_MODERATOR_CHAT_ID: '-1001234567890',
    SLACK_BOT_TOKEN: SLACK_TOKEN,
    SLACK_SIGNING_SECRET: SLACK_SECRET,
    SLACK_API_URL: slack.apiUrl,
    DISCORD_BOT_TOKEN: FAKE_DISCORD_TOKEN,
    DISCORD_API_URL: discord.apiUrl,
  };
}

/** The output line of one check. */
const lineOf = (stdout: string, name: string) => stdout.split('\n').find((l) => l.slice(9).startsWith(`${name}:`)) ?? '';

// Each test spawns the CLI, which takes seconds (more on a busy machine).
describe('oyster-bot doctor', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('passes every check against a reachable model and platforms, and never prints a token', async () => {
    const env = everything();
    openDatabase(env.OYSTER_DB_PATH!).close(); // an existing, migrated database
    const r = await runCli(['doctor'], { env });
    expect(r.stderr).toBe('');
    for (const name of ['configuration', 'telegram config', 'slack config', 'discord config', 'policies', 'crisis directory',
      'risk detection', 'database', 'moderator alerts', 'model endpoint', 'telegram', 'slack', 'discord']) {
      expect(lineOf(r.stdout, name)).toMatch(/^ok {7}/);
    }
    expect(lineOf(r.stdout, 'telegram')).toContain('@oyster_test_bot');
    expect(lineOf(r.stdout, 'slack')).toContain('Oyster Test');
    expect(lineOf(r.stdout, 'discord')).toContain('oyster');
    expect(lineOf(r.stdout, 'model endpoint')).toContain('"OysterAI/Oyster_1_Qwen_14B"');
    expect(lineOf(r.stdout, 'database')).toMatch(/schema up to date \(\d+ migrations\), writable$/);
    expect(r.stdout).toMatch(/All 13 checks passed\.\n$/);
    expect(r.code).toBe(0);
    for (const secret of [telegram.token, SLACK_TOKEN, SLACK_SECRET, FAKE_DISCORD_TOKEN]) expect(r.stdout).not.toContain(secret);
    // The platform checks really asked each fake, with the configured credentials.
    expect(telegram.callsOf('getMe')).not.toHaveLength(0);
    expect(slack.callsTo('auth.test').at(-1)!.token).toBe(SLACK_TOKEN);
    expect(discord.requests.some((q) => q.method === 'GET' && q.path === '/users/@me' && q.status === 200)).toBe(true);
  });

  it('reports an unreachable model and platform with the variable to fix, and exits 1', async () => {
    const r = await runCli(['doctor', '--timeout', '2'], {
      env: { ...everything(), OYSTER_BASE_URL: `${DEAD}/v1`, TELEGRAM_API_ROOT: DEAD, SLACK_API_URL: `${DEAD}/api/` }, timeoutMs: 80_000,
    });
    expect(r.code).toBe(1);
    expect(lineOf(r.stdout, 'model endpoint')).toBe(`PROBLEM  model endpoint: cannot reach ${DEAD}/v1 (ECONNREFUSED). Fix: start the model server (vLLM), or set OYSTER_BASE_URL to where it listens`);
    expect(lineOf(r.stdout, 'telegram')).toMatch(/^PROBLEM .*cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)\. Fix: .*TELEGRAM_API_ROOT/);
    expect(lineOf(r.stdout, 'slack')).toMatch(/^PROBLEM .*SLACK_API_URL/);
    expect(lineOf(r.stdout, 'discord')).toMatch(/^ok/);
    expect(r.stdout).toMatch(/3 problems found\.\n$/);
    expect(r.stdout).not.toContain(telegram.token);
  });

  it('names a rejected token and a model id the endpoint does not serve', async () => {
    const other = await startFakeModel({ models: ['oyster-1'] });
    try {
      const r = await runCli(['doctor'], {
        env: { ...everything(), OYSTER_BASE_URL: other.url, TELEGRAM_BOT_TOKEN: '999999:AAwrongTokenForDoctorTests_0123456' }, timeoutMs: 80_000,
      });
      expect(r.code).toBe(1);
      expect(lineOf(r.stdout, 'telegram')).toMatch(/^PROBLEM .*rejected TELEGRAM_BOT_TOKEN \(HTTP 401\)\. Fix: .*BotFather/);
      expect(lineOf(r.stdout, 'model endpoint')).toMatch(/^PROBLEM .*serves "oyster-1", not OYSTER_MODEL "OysterAI\/Oyster_1_Qwen_14B"/);
      expect(r.stdout).not.toContain('AAwrongTokenForDoctorTests');
    } finally {
      await other.close();
    }
  });

  it('reports a wrong variable and a database locked by another process', async () => {
    const db = tempDb();
    openDatabase(db).close(); // created and migrated
    const holder = new Database(db);
    holder.exec('BEGIN IMMEDIATE');
    try {
      const r = await runCli(['doctor'], { env: { OYSTER_BASE_URL: model.url, OYSTER_DB_PATH: db, SLACK_BOT_TOKEN: 'xoxp-user-token' } });
      expect(r.code).toBe(1);
      expect(lineOf(r.stdout, 'slack config')).toMatch(/^PROBLEM .*SLACK_BOT_TOKEN is invalid: .*xoxb-/);
      expect(lineOf(r.stdout, 'database')).toMatch(/^PROBLEM .*is not writable \(SQLITE_BUSY\)\. Fix: another process holds the write lock/);
      expect(lineOf(r.stdout, 'model endpoint')).toMatch(/^ok/);
      // No webhook and no platform moderator channel: alerts would reach only the log.
      expect(lineOf(r.stdout, 'moderator alerts')).toMatch(/^PROBLEM .*reach only the log.*Fix: set MODERATOR_WEBHOOK_URL/);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });

  it('stops at a core configuration error and says which variable', async () => {
    const r = await runCli(['doctor'], { env: { OYSTER_TIMEOUT_MS: 'ten', OYSTER_DB_PATH: tempDb() } });
    expect(r.code).toBe(1);
    expect(lineOf(r.stdout, 'configuration')).toMatch(/^PROBLEM {2}configuration: OYSTER_TIMEOUT_MS is invalid: expected a whole number/);
    expect(lineOf(r.stdout, 'model endpoint')).toMatch(/^skip/);
  });
});
