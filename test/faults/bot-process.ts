/**
 * The bot under fault: the real CLI (`oyster-bot start`, from source through tsx as the CLI
 * tests run it), restarted on the same database after every SIGKILL. Readiness is the bot's own
 * /readyz (database writable, adapter started, model reachable), so a kill never lands before
 * the bot could have taken any work, and a deliverer can wait for the next bot that listens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { CLI_NODE_ARGS, cleanEnv, ROOT } from '../cli/run-cli.js';

export interface BotUnderFault {
  /** Starts a process (the first, or the next after a kill). */
  start(): void;
  /** Resolves once the current process answers /readyz with 200; rejects past the deadline. */
  up(): Promise<void>;
  /** SIGKILL the current process and wait until it is gone. */
  kill(): Promise<void>;
  /** SIGTERM: the graceful stop; resolves with the exit code. */
  stop(): Promise<number | null>;
  readonly starts: number;
  /** The last few thousand characters the processes wrote to stderr (logs, never message text). */
  stderr(): string;
}

export function botUnderFault(env: Record<string, string>, metricsPort: number, deadlineMs: number): BotUnderFault {
  let child: ChildProcess | undefined;
  let exited: Promise<number | null> = Promise.resolve(null);
  let starts = 0;
  let err = '';
  return {
    get starts() { return starts; },
    start() {
      starts++;
      // FAULTS_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" (or an --import of a probe) for a closer look.
      const nodeArgs = process.env.FAULTS_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
      const c = spawn(process.execPath, [...nodeArgs, ...CLI_NODE_ARGS, 'start'], { cwd: ROOT, env: cleanEnv(env), stdio: ['ignore', 'ignore', 'pipe'] });
      const logFile = process.env.FAULTS_BOT_LOG;
      if (logFile) appendFileSync(logFile, `--- start ${starts} at ${new Date().toISOString()}\n`);
      c.stderr!.on('data', (d: Buffer) => {
        err = (err + d.toString()).slice(-8_000);
        // FAULTS_BOT_LOG=<file> keeps every start's log for a closer look (levels warn and up).
        if (logFile) appendFileSync(logFile, d);
      });
      exited = new Promise((done) => c.once('close', (code) => done(code)));
      child = c;
    },
    async up() {
      const deadline = Date.now() + deadlineMs;
      for (;;) {
        const c = child;
        if (c && c.exitCode === null && c.signalCode === null) {
          const ok = await fetch(`http://127.0.0.1:${metricsPort}/readyz`, { signal: AbortSignal.timeout(2_000) })
            .then((r) => r.status === 200, () => false);
          // The same process still: a readyz answered by a process killed meanwhile does not count.
          if (ok && child === c && c.exitCode === null && c.signalCode === null) return;
        }
        if (Date.now() > deadline) throw new Error(`the bot did not become ready within ${deadlineMs} ms\n${err.slice(-2_000)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async kill() {
      child?.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child?.kill('SIGTERM');
      return exited;
    },
    stderr: () => err,
  };
}
