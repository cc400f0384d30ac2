import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeModel, type FakeModel } from '../fakes/fake-model.js';
import { CLI_TEST_TIMEOUT_MS, runCli } from './run-cli.js';

let model: FakeModel;
beforeAll(async () => {
  model = await startFakeModel({ reply: (body) => `<think>thinking</think>echo: ${body.messages.at(-1)!.content}` });
});
afterAll(async () => { await model.close(); });

const tempDb = () => join(mkdtempSync(join(tmpdir(), 'oyster-cli-')), 'nested', 'bot.db');

// Every test spawns the real CLI (some twice): seconds each on a busy machine.
describe('the oyster-bot command line', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('lists its subcommands', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const name of ['start', 'migrate', 'assess', 'cases']) expect(r.stdout).toMatch(new RegExp(`^  ${name}\\s`, 'm'));
  });

  it('answers piped lines in order, exits 0 after the last answer, and stores the conversation', async () => {
    const db = tempDb();
    const r = await runCli(['start'], { env: { OYSTER_BASE_URL: model.url, OYSTER_DB_PATH: db }, stdin: 'first question\nsecond question\n' });
    expect(r.stderr).not.toContain('first question');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['echo: first question', 'echo: second question']);
    const rows = new Database(db, { readonly: true }).prepare('SELECT role, text FROM turns ORDER BY id').all();
    expect(rows).toEqual([
      { role: 'user', text: 'first question' }, { role: 'assistant', text: 'echo: first question' },
      { role: 'user', text: 'second question' }, { role: 'assistant', text: 'echo: second question' },
    ]);
  });

  it('prints a clear message and keeps going when the model is unreachable', async () => {
    const r = await runCli(['start'], { env: { OYSTER_BASE_URL: 'http://127.0.0.1:9/v1', OYSTER_DB_PATH: tempDb(), OYSTER_MAX_RETRIES: '0' }, stdin: 'hello\nstill there?\n' });
    expect(r.code).toBe(0);
    expect(r.stdout.match(/can't reach my language model/g)).toHaveLength(2);
    expect(r.stderr).toContain('LLM_UNAVAILABLE');
  });

  it('stops with one line naming a wrong variable and exit code 2', async () => {
    const r = await runCli(['start'], { env: { OYSTER_TIMEOUT_MS: 'ten', OYSTER_DB_PATH: tempDb() } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('oyster-bot start: OYSTER_TIMEOUT_MS is invalid: expected a whole number from 1000 to 600000 (got "ten")');
  });

  it('applies migrations with the migrate command and reports when up to date', async () => {
    const db = tempDb();
    const first = await runCli(['migrate'], { env: { OYSTER_DB_PATH: db } });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/applied: 0001_init\.sql/);
    const again = await runCli(['migrate'], { env: { OYSTER_DB_PATH: db } });
    expect(again.stdout.trim()).toBe('database is up to date');
  });

  it('refuses to start on an invalid policy with a message that says how to fix it', async () => {
    const r = await runCli(['start'], { env: { OYSTER_POLICY_DIR: join(tmpdir(), 'no-such-policies'), OYSTER_DB_PATH: tempDb() } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no-such-policies/);
  });
});
