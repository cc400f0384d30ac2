/**
 * vitest global setup: for a whole-suite run, the CLI that tests spawn is a fresh build of the
 * tree, made once here, instead of the sources through tsx.
 *
 * Each spawn through tsx cost about 2.4 s more CPU than the compiled command (3.5 s against
 * 1.1 s for a console start on this machine), and the suite spawns the CLI dozens of times. The
 * build is what `npm run build` makes, in a private folder inside the checkout laid out like the
 * package (bin/ beside dist/, policies and node_modules found by walking up), so it is never a
 * stale dist/ and two runs side by side never share it. Emit only (`--noCheck`): type errors are
 * the job of `tsc --noEmit -p .`, which `npm test` runs beside the tests. Then the build's second step, the
 * policy stamp, as an install runs it.
 *
 * A run of chosen files keeps spawning the sources (no build to wait for). OYSTER_TEST_CLI=build
 * or =source forces either. Workers start after this and inherit OYSTER_TEST_CLI_BIN
 * (test/cli/run-cli.ts reads it).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');

/** True when the command line names no test files or folders: the whole suite runs. */
function wholeSuite(argv: string[]): boolean {
  return argv.slice(2).filter((a) => !a.startsWith('-') && a !== 'run' && !/vitest(\.mjs)?$/.test(a)).length === 0;
}

export default async function setup(): Promise<(() => void) | undefined> {
  const mode = process.env.OYSTER_TEST_CLI;
  if (mode === 'source' || (mode !== 'build' && !wholeSuite(process.argv))) return undefined;
  const dir = mkdtempSync(join(ROOT, '.test-build-cli-'));
  try {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    await run(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--noCheck', '--outDir', join(dir, 'dist')], { cwd: ROOT, timeout: 600_000 });
    mkdirSync(join(dir, 'bin'));
    copyFileSync(join(ROOT, 'bin', 'oyster-bot.mjs'), join(dir, 'bin', 'oyster-bot.mjs'));
    mkdirSync(join(dir, 'scripts'));
    copyFileSync(join(ROOT, 'scripts', 'verify-policies.mjs'), join(dir, 'scripts', 'verify-policies.mjs'));
    await run(process.execPath, [join(dir, 'scripts', 'verify-policies.mjs')], { cwd: ROOT, timeout: 600_000 });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  process.env.OYSTER_TEST_CLI_BIN = join(dir, 'bin', 'oyster-bot.mjs');
  return () => rmSync(dir, { recursive: true, force: true });
}
