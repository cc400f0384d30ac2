/**
 * The real CLI (`oyster-bot start`, console chat, stdin kept open, METRICS_PORT set) stopped
 * with SIGTERM while the model is still answering: the endpoint turns unready, the answer in
 * flight is printed and stored, and the process exits 0.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { held, startFakeModel, type FakeModel } from '../fakes/fake-model.js';
import { CLI_NODE_ARGS, CLI_TEST_TIMEOUT_MS, cleanEnv, ROOT } from '../cli/run-cli.js';
import { OPS_LISTENING, portFromLog } from '../helpers/log-port.js';
import { waitFor } from '../helpers/wait-for.js';

let model: FakeModel | undefined;
let child: ChildProcessWithoutNullStreams | undefined;
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await model?.close();
  child = undefined;
  model = undefined;
});

function startCli(env: Record<string, string>) {
  const proc = spawn(process.execPath, [...CLI_NODE_ARGS, 'start'], {
    cwd: ROOT,
    env: cleanEnv(env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  proc.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    proc.on('close', (code, signal) => r({ code, signal })));
  return { proc, out, exited };
}

const readyz = async (port: number) => {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    return { status: res.status, body: (await res.json()) as { checks: Array<{ name: string; reason: string }> } };
  } catch {
    return undefined;
  }
};

describe('graceful shutdown of the real CLI', () => {
  it('finishes, prints and stores the answer in flight on SIGTERM, then exits 0', async () => {
    // The answer is held until the test has seen readiness go to 503 during the drain: an event,
    // not a delay long enough for a loaded machine.
    const answer = held();
    model = await startFakeModel({ reply: () => ({ content: 'Here is the slow but complete answer.', until: answer.released }) });
    const db = join(mkdtempSync(join(tmpdir(), 'oyster-sigterm-')), 'bot.db');
    // METRICS_PORT=0: the process binds a free port itself and names it in its log, so no other
    // process can take the port between choosing and binding it.
    const cli = startCli({ OYSTER_BASE_URL: model.url, OYSTER_DB_PATH: db, METRICS_PORT: '0', OYSTER_MAX_RETRIES: '0' });
    child = cli.proc;
    const port = await waitFor(() => portFromLog(cli.out.stderr, OPS_LISTENING), { timeoutMs: 120_000, what: 'the ops endpoint log line' });

    // Ready means: database writable, console adapter started, model reachable.
    const ready = await waitFor(async () => (await readyz(port))?.status === 200, { timeoutMs: 120_000, what: '/readyz 200' });
    expect(ready).toBe(true);
    expect(cli.out.stderr).toMatch(/"host":"127\.0\.0\.1"/);

    cli.proc.stdin.write('tell me something slowly\n'); // stdin stays open: only the signal ends the run
    await waitFor(() => model!.calls.length === 1, { timeoutMs: 10_000, what: 'the model call' });
    cli.proc.kill('SIGTERM');

    // While the answer is still coming, readiness already says the process is going away.
    const draining = await waitFor(async () => {
      const r = await readyz(port);
      return r?.status === 503 ? r : undefined;
    }, { timeoutMs: 60_000, what: '/readyz 503' });
    expect(draining.body.checks[0]).toMatchObject({ name: 'process', reason: 'shutting_down' });
    answer.release();

    const { code, signal } = await cli.exited;
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(cli.out.stdout.trim()).toBe('Here is the slow but complete answer.');
    // Intake stopped first, then the message in flight finished, then the database closed.
    const at = (msg: string) => cli.out.stderr.indexOf(`"msg":"${msg}"`);
    expect(cli.out.stderr).toContain('"why":"SIGTERM","msg":"shutting down"');
    expect(at('shutting down')).toBeLessThan(at('message handled'));
    expect(at('message handled')).toBeLessThan(at('stopped'));
    const rows = new Database(db, { readonly: true }).prepare('SELECT role, text FROM turns ORDER BY id').all();
    expect(rows).toEqual([
      { role: 'user', text: 'tell me something slowly' },
      { role: 'assistant', text: 'Here is the slow but complete answer.' },
    ]);
    // The endpoint went away with the process.
    expect(await readyz(port)).toBeUndefined();
  }, CLI_TEST_TIMEOUT_MS); // spawning the CLI takes seconds, more on a busy machine
});
