/**
 * The console chat in a real pseudo-terminal (tmux runs the real CLI from source): a person says
 * hello, the model hangs on it, and while the bot is still "thinking…" they type a crisis message.
 * Its crisis lines must reach the screen at once, not after the model gives up on the hello. Before,
 * the console handed a line to the bot only once the previous one was answered, so with a hung
 * model the crisis lines waited the whole model timeout (120 s by default); every other platform
 * already triaged the second message at once.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeModel, type FakeModel } from '../fakes/fake-model.js';
import { writeChatScript } from '../helpers/terminal-script.js';
import { waitFor } from '../helpers/wait-for.js';
import { CLI_DEADLINE_MS, CLI_TEST_TIMEOUT_MS } from '../cli/run-cli.js';

const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;
/** Far longer than the bound below: a crisis line that waited for the model would take this long. */
const MODEL_DELAY_MS = 90_000;

let model: FakeModel;
beforeAll(async () => {
  model = await startFakeModel({ reply: () => ({ content: 'Hello!', delayMs: MODEL_DELAY_MS }) });
});
afterAll(async () => { await model.close(); });

describe('a crisis message typed while the console chat waits for the model', () => {
  it('gets its crisis lines on screen at once, before the model answers the message before it', { timeout: CLI_TEST_TIMEOUT_MS }, async (ctx) => {
    if (!HAS_TMUX) ctx.skip('tmux is not installed (Debian: apt-get install tmux; .ci/run installs it)');
    const dir = mkdtempSync(join(tmpdir(), 'oyster-tty-crisis-'));
    const script = join(dir, 'run.sh');
    const env = {
      PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TERM: 'xterm-256color', RISK_JUDGE: 'off',
      OYSTER_BASE_URL: model.url, OYSTER_DB_PATH: join(dir, 'bot.db'), OYSTER_LOG_FILE: join(dir, 'bot.log'),
      OYSTER_TIMEOUT_MS: String(MODEL_DELAY_MS + 60_000), OYSTER_MAX_RETRIES: '0', CRISIS_DEFAULT_COUNTRY: 'GB',
    };
    writeChatScript(script, env);
    const socket = `oyster-crisis-${process.pid}`;
    const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
    const screen = () => tmux('capture-pane', '-p', '-J', '-t', 'chat');
    const until = (what: string, check: (s: string) => boolean) =>
      waitFor(() => check(screen()), { timeoutMs: CLI_DEADLINE_MS, intervalMs: 100, what });
    tmux('-f', '/dev/null', 'new-session', '-d', '-x', '200', '-y', '60', '-s', 'chat', script);
    try {
      await until('the prompt', (s) => s.includes('you> '));
      tmux('send-keys', '-t', 'chat', 'hello, how are you today?', 'Enter');
      await until('the thinking line', (s) => s.includes('thinking…'));
      await waitFor(() => model.calls.length === 1, { timeoutMs: CLI_DEADLINE_MS, what: 'the model asked about the hello' });

      const typed = performance.now();
      tmux('send-keys', '-t', 'chat', "I have all the pills in my hand and I'm taking them tonight. Goodbye everyone.", 'Enter');
      // Samaritans (policies/resources/GB.yaml): the crisis lines, while the hello is still unanswered.
      await until('the crisis lines', (s) => s.includes('116 123'));
      const waited = performance.now() - typed;
      expect(screen()).not.toContain('Hello!');
      expect(waited).toBeLessThan(MODEL_DELAY_MS / 3);

      tmux('send-keys', '-t', 'chat', 'C-c');
      tmux('send-keys', '-t', 'chat', 'C-d');
    } finally {
      spawnSync('tmux', ['-L', socket, 'kill-server']);
    }
  });
});
