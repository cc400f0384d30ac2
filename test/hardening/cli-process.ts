/**
 * Spawns the real CLI (`node bin/oyster-bot.mjs start`) with piped stdin that the test keeps
 * open, so it can write lines, watch the output and the SQLite file, and SIGKILL the process
 * at a chosen point of a flow. A clean environment: nothing from the developer's shell.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { CLI_NODE_ARGS, cleanEnv, ROOT } from '../cli/run-cli.js';

export interface BotProcess {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  write(line: string): void;
  closeStdin(): void;
  /** SIGKILL: no shutdown hook, no final drain, no WAL checkpoint. */
  kill(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnBot(env: Record<string, string>, args: string[] = ['start']): BotProcess {
  const child = spawn(process.execPath, [...CLI_NODE_ARGS, ...args], {
    cwd: ROOT,
    env: cleanEnv(env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  // Writes after a kill must not crash the test process.
  child.stdin.on('error', () => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.once('close', (code, signal) => done({ code, signal }));
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    write: (line) => void child.stdin.write(`${line}\n`),
    closeStdin: () => child.stdin.end(),
    async kill() {
      child.kill('SIGKILL');
      return exited;
    },
    exited,
  };
}
