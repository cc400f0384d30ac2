/**
 * Spawns the real CLI as a child process, built from the tree: in a whole-suite run the fresh
 * private build test/cli/cli-build-setup.ts made at the start (OYSTER_TEST_CLI_BIN), otherwise
 * the sources through tsx (`node --import tsx src/bin.ts`). Never the checkout's own dist/:
 * that is whatever the last build left there, and a test must exercise the code in the tree.
 * (test/ops/image-steps.test.ts builds its own copy, as the Dockerfile does, and checks the compiled entry point itself.)
 *
 * Every wait on a spawned process is for its exit or for a line it prints, with a generous
 * deadline: a loaded 2-core machine can take many seconds to load the SDKs.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SRC_BIN = resolve(ROOT, 'src/bin.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** The node arguments before the CLI's own: the fresh build's entry, or the TypeScript loader and the source entry. */
export const CLI_NODE_ARGS = process.env.OYSTER_TEST_CLI_BIN ? [process.env.OYSTER_TEST_CLI_BIN] : ['--import', TSX, SRC_BIN];

/** How long a spawned CLI may take before a test gives up on it: generous, for a loaded machine. */
export const CLI_DEADLINE_MS = 120_000;
/** A test timeout for tests that spawn the CLI once or twice. */
export const CLI_TEST_TIMEOUT_MS = 180_000;

/** A clean environment: nothing from the developer's shell (tokens!) leaks in. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...extra };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `stdin: null` gives the CLI /dev/null, as a service manager does; a string is piped in. */
export function runCli(args: string[], options: { env?: Record<string, string>; stdin?: string | null; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...CLI_NODE_ARGS, ...args], {
      cwd: options.cwd ?? ROOT,
      env: cleanEnv(options.env),
      stdio: [options.stdin === null ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timeoutMs = options.timeoutMs ?? CLI_DEADLINE_MS;
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`CLI ${args.join(' ')} did not exit within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`)); }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => { clearTimeout(timer); resolvePromise({ code, signal, stdout, stderr }); });
    child.stdin?.on('error', () => undefined); // the CLI may exit before reading its input
    child.stdin?.end(options.stdin ?? '');
  });
}
