/**
 * The bot under fault: the real CLI (`oyster-bot start`, built from the tree as the CLI tests
 * run it: test/cli/run-cli.ts), restarted on the same database after every SIGKILL. Readiness is the bot's own
 * /readyz (database writable, adapter started, model reachable), so a kill never lands before
 * the bot could have taken any work, and a deliverer can wait for the next bot that listens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { CLI_NODE_ARGS, cleanEnv, ROOT } from '../cli/run-cli.js';
import { OPS_LISTENING, portFromLog } from '../helpers/log-port.js';

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
  /** The current process's ops port (/readyz, /metrics), from its log once it listens. */
  opsPort(): number | undefined;
  /** The last few thousand characters the processes wrote to stderr (logs, never message text). */
  stderr(): string;
}

/**
 * Every start binds a free ops port of its own (METRICS_PORT=0) and names it in its log, read
 * back here: a port chosen in advance could be taken by another process between two starts.
 * The log runs at info for that line; `stderr()` keeps warnings and errors only.
 */
export function botUnderFault(env: Record<string, string>, deadlineMs: number): BotUnderFault {
  let child: ChildProcess | undefined;
  let exited: Promise<number | null> = Promise.resolve(null);
  let starts = 0;
  let err = '';
  let port: number | undefined;
  return {
    get starts() { return starts; },
    opsPort: () => port,
    start() {
      starts++;
      port = undefined;
      let head = '';
      // FAULTS_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" (or an --import of a probe) for a closer look.
      const nodeArgs = process.env.FAULTS_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
      const c = spawn(process.execPath, [...nodeArgs, ...CLI_NODE_ARGS, 'start'], {
        cwd: ROOT, env: cleanEnv({ ...env, METRICS_PORT: '0', LOG_LEVEL: 'info' }), stdio: ['ignore', 'ignore', 'pipe'],
      });
      const logFile = process.env.FAULTS_BOT_LOG;
      if (logFile) appendFileSync(logFile, `--- start ${starts} at ${new Date().toISOString()}\n`);
      c.stderr!.on('data', (d: Buffer) => {
        const text = d.toString();
        if (port === undefined && child === c) {
          head += text;
          port = portFromLog(head, OPS_LISTENING);
        }
        const serious = text.split('\n').filter((line) => line !== '' && !/^\{"level":(10|20|30),/.test(line));
        if (serious.length > 0) err = (err + serious.join('\n') + '\n').slice(-8_000);
        // FAULTS_BOT_LOG=<file> keeps every start's log for a closer look (levels warn and up, and
        // the Telegram read-back's verdicts, whose reasons say why a send was judged unsure).
        const kept = [...serious, ...text.split('\n').filter((line) => /^\{"level":30,.*"msg":"telegram read-back/.test(line))];
        if (logFile && kept.length > 0) appendFileSync(logFile, kept.join('\n') + '\n');
      });
      exited = new Promise((done) => c.once('close', (code) => done(code)));
      child = c;
    },
    async up() {
      const deadline = Date.now() + deadlineMs;
      for (;;) {
        const c = child;
        const p = port;
        if (c && p !== undefined && c.exitCode === null && c.signalCode === null) {
          const ok = await fetch(`http://127.0.0.1:${p}/readyz`, { signal: AbortSignal.timeout(2_000) })
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
