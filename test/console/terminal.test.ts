/**
 * The console chat in a real pseudo-terminal: tmux runs the real CLI (from source) against the
 * fake model, the test types keys into it and reads the screen back with its escape codes
 * (`capture-pane -e`). Checks line editing and history, the ANSI rendering of bold, links and
 * code, the thinking line, the moderator /help, logs kept off the screen, and Ctrl-C.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeModel, type FakeModel } from '../fakes/fake-model.js';
import { writeChatScript } from '../helpers/terminal-script.js';
import { waitFor } from '../helpers/wait-for.js';
import { CLI_DEADLINE_MS, CLI_TEST_TIMEOUT_MS } from '../cli/run-cli.js';

const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;
const ESC = '\u001b';
// eslint-disable-next-line no-control-regex
const plain = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');
const REPLY = '**Find A Helpline**: [findahelpline.com](https://findahelpline.com) and `npm start`';

let model: FakeModel;
beforeAll(async () => {
  model = await startFakeModel({ reply: (_b, i) => (i === 0 ? { content: REPLY, delayMs: 1_500 } : REPLY) });
});
afterAll(async () => { await model.close(); });

describe('the console chat in a terminal', () => {
  it('edits lines, recalls history, renders markup, shows thinking, keeps logs off screen', { timeout: CLI_TEST_TIMEOUT_MS }, async (ctx) => {
    if (!HAS_TMUX) ctx.skip('tmux is not installed (Debian: apt-get install tmux; .ci/run installs it)');
    const dir = mkdtempSync(join(tmpdir(), 'oyster-tty-'));
    const logFile = join(dir, 'bot.log');
    const script = join(dir, 'run.sh');
    const env = {
      PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TERM: 'xterm-256color',
      RISK_JUDGE: 'off', // this suite scripts the model's chat answers; judge tests: test/risk/judge.test.ts
      OYSTER_BASE_URL: model.url, OYSTER_DB_PATH: join(dir, 'bot.db'), OYSTER_LOG_FILE: logFile, MODERATOR_IDS: 'console:local',
    };
    writeChatScript(script, env);
    const socket = `oyster-test-${process.pid}`;
    const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
    const screen = () => tmux('capture-pane', '-p', '-e', '-J', '-t', 'chat');
    const until = (what: string, check: (s: string) => boolean) =>
      waitFor(() => check(screen()), { timeoutMs: CLI_DEADLINE_MS, intervalMs: 100, what });
    tmux('-f', '/dev/null', 'new-session', '-d', '-x', '200', '-y', '50', '-s', 'chat', script);
    try {
      await until('the prompt', (s) => s.includes('you> '));
      expect(plain(screen())).toContain(`Logs go to ${logFile}.`);

      // Typed with a correction: the arrow keys edit the line instead of reaching the model.
      // Each key waits for the screen to show the previous one, as a person types.
      const cursor = () => Number(tmux('display-message', '-p', '-t', 'chat', '#{cursor_x}').trim());
      tmux('send-keys', '-t', 'chat', 'helo');
      await until('the typed text', (s) => s.includes('you> helo'));
      const end = cursor();
      tmux('send-keys', '-t', 'chat', 'Left');
      await waitFor(() => cursor() === end - 1, { timeoutMs: CLI_DEADLINE_MS, what: 'the cursor to move left' });
      tmux('send-keys', '-t', 'chat', 'l');
      await until('the corrected text', (s) => s.includes('you> hello'));
      tmux('send-keys', '-t', 'chat', 'Enter');
      await until('the thinking line', (s) => s.includes('thinking…'));
      await until('the first answer', (s) => s.includes('bot> '));
      expect(plain(screen())).not.toContain('thinking…');

      // Up recalls the last line.
      await until('the prompt again', (s) => s.trimEnd().endsWith('you>'));
      tmux('send-keys', '-t', 'chat', 'Up');
      await until('the recalled line', (s) => s.trimEnd().endsWith('you> hello'));
      tmux('send-keys', '-t', 'chat', 'Enter');
      await until('the second answer', (s) => s.split('bot> ').length === 3);
      expect(model.calls.map((c) => c.messages.at(-1)!.content)).toEqual(['hello', 'hello']);

      const answer = screen().split('\n').find((l) => l.includes('bot> '))!;
      expect(plain(answer).trimEnd()).toBe('bot> Find A Helpline: findahelpline.com (https://findahelpline.com) and npm start');
      expect(answer).toContain(`${ESC}[1mFind A Helpline`);
      expect(answer).toMatch(new RegExp(`${ESC}\\[[0-9;]*4[0-9;]*mhttps://findahelpline\\.com`));
      expect(answer).toMatch(new RegExp(`${ESC}\\[[0-9;]*36[0-9;]*mnpm start`));

      await until('the prompt again', (s) => s.trimEnd().endsWith('you>'));
      tmux('send-keys', '-t', 'chat', '/help');
      await until('the typed command', (s) => s.trimEnd().endsWith('you> /help'));
      tmux('send-keys', '-t', 'chat', 'Enter');
      // The catalogue lists the moderators' community command first, then every /case form.
      await until('the moderator help', (s) => plain(s).includes('Moderator commands: /country community'));

      // No log line on screen; they are in the file.
      expect(screen()).not.toContain('"level"');
      await waitFor(() => existsSync(logFile) && readFileSync(logFile, 'utf8').includes('"msg":"oyster-bot started"'), { what: 'the log file' });

      await until('the prompt again', (s) => s.trimEnd().endsWith('you>'));
      tmux('send-keys', '-t', 'chat', 'C-c');
      await until('the exit', (s) => s.includes('EXITED:0'));
    } finally {
      spawnSync('tmux', ['-L', socket, 'kill-server']);
    }
  });
});
