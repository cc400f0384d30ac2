/**
 * Start-up mistakes an operator makes, through the real CLI: each ends with one line that
 * names the problem and exit code 2, or (an unreachable platform) a line naming what start
 * is waiting for while the bot keeps running.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeModel, type FakeModel } from '../fakes/fake-model.js';
import { spawnBot } from '../hardening/cli-process.js';
import { waitFor } from '../helpers/wait-for.js';
import { CLI_DEADLINE_MS, CLI_TEST_TIMEOUT_MS, runCli } from './run-cli.js';
import { useSilentServer } from '../helpers/silent-server.js';

let model: FakeModel;
beforeAll(async () => {
  model = await startFakeModel({ reply: () => 'fine' });
});
afterAll(async () => { await model.close(); });

const tempDb = () => join(mkdtempSync(join(tmpdir(), 'oyster-start-')), 'bot.db');
const TOKEN = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ';

describe('start catches configuration mistakes', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('names a misspelled token and exits 2 when there is nothing to run under a service manager', async () => {
    const r = await runCli(['start'], { env: { TELEGRAM_TOKEN: TOKEN, OYSTER_DB_PATH: tempDb(), OYSTER_BASE_URL: model.url }, stdin: null });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('oyster-bot: TELEGRAM_TOKEN is not a variable oyster-bot reads; did you mean TELEGRAM_BOT_TOKEN?');
    expect(r.stderr).toMatch(/oyster-bot start: nothing to run: no platform token is set .* the console chat needs a terminal or piped input/);
    expect(r.stderr).not.toContain(TOKEN);
  });

  it('refuses a default country that has no entry in the crisis directory', async () => {
    const r = await runCli(['start'], { env: { CRISIS_DEFAULT_COUNTRY: 'ZZ', OYSTER_DB_PATH: tempDb(), OYSTER_BASE_URL: model.url }, stdin: 'hi\n' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^oyster-bot start: CRISIS_DEFAULT_COUNTRY is invalid: ZZ has no entry in the crisis directory \(listed: .*\bUS\b.*\)/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('stops with one line and exit 2 on a database path that cannot be created', async () => {
    const r = await runCli(['start'], { env: { OYSTER_DB_PATH: '/proc/1/no-such-folder/bot.db', OYSTER_BASE_URL: model.url }, stdin: 'hi\n' });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('{'));
    expect(lines).toEqual([expect.stringMatching(/^oyster-bot start: OYSTER_DB_PATH \/proc\/1\/no-such-folder\/bot\.db cannot be created: creating \/proc\/1\/no-such-folder failed \(E[A-Z]+\)/)]);
  });
});

describe('model errors in the log', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('name the HTTP status, the endpoint host and the model for a wrong model name', async () => {
    // vLLM answers 404 for a model id it does not serve.
    model.setReply((body) => (body.model === 'OysterAI/Oyster_1_Qwen_14B' ? 'fine' : { status: 404 }));
    const r = await runCli(['start'], {
      env: { OYSTER_MODEL: 'oyster-typo', OYSTER_API_KEY: 'sk-do-not-log-0123456789', OYSTER_MAX_RETRIES: '0', OYSTER_DB_PATH: tempDb(), OYSTER_BASE_URL: model.url },
      stdin: 'hello\n',
    });
    expect(r.code).toBe(0);
    const failure = r.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'model call failed');
    expect(failure).toMatchObject({ code: 'LLM_UNAVAILABLE', status: 404, host: new URL(model.url).host, model: 'oyster-typo' });
    expect(r.stderr).not.toContain('sk-do-not-log');
  });
});

describe('start never hangs silently on an unreachable platform', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  const silent = useSilentServer();

  it('names what it waited for after the deadline, keeps running, and stops on SIGTERM', async () => {
    const root = silent.root();
    const bot = spawnBot({
      TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: root, OYSTER_CONNECT_TIMEOUT_MS: '1000',
      OYSTER_DB_PATH: tempDb(), OYSTER_BASE_URL: model.url,
    });
    try {
      await waitFor(() => bot.stderr().includes('no connection after 1 s'), { timeoutMs: CLI_DEADLINE_MS, what: 'the deadline line' });
      const line = bot.stderr().split('\n').find((l) => l.includes('no connection after 1 s'))!;
      expect(line).toContain(`waiting for the Telegram Bot API at ${root} (getMe); still trying in the background`);
      expect(line).not.toContain(TOKEN);
      await waitFor(() => bot.stderr().includes('oyster-bot started'), { timeoutMs: CLI_DEADLINE_MS, what: 'the start line' });
      bot.child.kill('SIGTERM');
      expect((await bot.exited).code).toBe(0);
    } finally {
      bot.child.kill('SIGKILL');
    }
  });
});
