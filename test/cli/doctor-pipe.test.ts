/**
 * `oyster-bot doctor` as part of a shell pipeline, through the real CLI: a reader that closes
 * early (`doctor | head -1`) and a misspelled variable named among the findings.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeModel, type FakeModel } from '../fakes/fake-model.js';
import { CLI_DEADLINE_MS, CLI_NODE_ARGS, CLI_TEST_TIMEOUT_MS, cleanEnv, ROOT, runCli } from './run-cli.js';

let model: FakeModel;
beforeAll(async () => { model = await startFakeModel(); });
afterAll(async () => { await model.close(); });

const env = () => ({ OYSTER_BASE_URL: model.url, OYSTER_DB_PATH: join(mkdtempSync(join(tmpdir(), 'oyster-doc-')), 'bot.db') });

describe('doctor in a pipeline', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('finishes quietly when its reader closes after the first line', async () => {
    const child = spawn(process.execPath, [...CLI_NODE_ARGS, 'doctor'], { cwd: ROOT, env: cleanEnv(env()), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let first = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Like `head -1`: read one chunk, then close the pipe.
    child.stdout.once('data', (d: Buffer) => {
      first = d.toString();
      child.stdout.destroy();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), CLI_DEADLINE_MS);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => child.once('close', (c, s) => r([c, s])));
    clearTimeout(timer);
    expect(first).toMatch(/configuration/);
    expect(signal).toBeNull();
    expect([0, 1]).toContain(code);
    expect(stderr).not.toMatch(/EPIPE|Error|at /);
  });

  it('names a misspelled variable as a problem with a did-you-mean', async () => {
    const r = await runCli(['doctor'], { env: { ...env(), DISCORD_TOKEN: 'abc' }, stdin: null });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('PROBLEM  configuration: DISCORD_TOKEN is not a variable oyster-bot reads; did you mean DISCORD_BOT_TOKEN?');
    expect(r.stdout).not.toContain('abc');
  });
});
