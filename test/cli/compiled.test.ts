/**
 * The compiled runtime as `npm install` leaves it: a fresh build (tsc with tsconfig.build.json,
 * then the policy stamp) into a private folder laid out like the package (bin/ beside dist/),
 * so the test never depends on a stale dist/ and two runs side by side never share files.
 * It checks the installed command's own behaviour: a missing build is named, `--version`,
 * and a console answer with the bundled policies found from dist/.
 */
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeModel, type FakeModel } from '../fakes/fake-model.js';
import { CLI_DEADLINE_MS, cleanEnv, ROOT } from './run-cli.js';

const run = promisify(execFile);
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');
// Inside the checkout, so the compiled code finds policies/, migrations/ and node_modules/ by
// walking up to package.json exactly as an installed copy does.
const BUILD = mkdtempSync(join(ROOT, '.test-build-'));
const BIN = join(BUILD, 'bin', 'oyster-bot.mjs');

function runBin(args: string[], env: Record<string, string> = {}, stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: tmpdir(), env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => { child.kill('SIGKILL'); fail(new Error(`compiled CLI did not exit within ${CLI_DEADLINE_MS} ms\n${stderr}`)); }, CLI_DEADLINE_MS);
    child.on('error', fail);
    child.on('close', (code) => { clearTimeout(timer); done({ code, stdout, stderr }); });
    child.stdin.end(stdin);
  });
}

let model: FakeModel;
beforeAll(async () => {
  mkdirSync(join(BUILD, 'bin'));
  copyFileSync(join(ROOT, 'bin', 'oyster-bot.mjs'), BIN);
  model = await startFakeModel({ reply: (body) => `compiled: ${body.messages.at(-1)!.content}` });
});
afterAll(async () => {
  await model?.close();
  rmSync(BUILD, { recursive: true, force: true });
});

// tsc on the whole code base takes 10-40 s on a loaded 2-core machine.
describe('the compiled oyster-bot command', { timeout: 4 * CLI_DEADLINE_MS }, () => {
  it('names the missing build and exits 2 before anything is compiled', async () => {
    const r = await runBin(['--version']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('npm run build');
  });

  it('builds, then prints its version and answers a piped line with the bundled policies', async () => {
    // Emit only: the same files `npm run build` writes (compared byte for byte), at about 40% of
    // its CPU (6 s instead of 15 s). Type errors are the business of `tsc --noEmit -p .`, which
    // `npm test` runs beside the tests and which covers every file this build compiles.
    await run(process.execPath, [TSC, '-p', join(ROOT, 'tsconfig.build.json'), '--noCheck', '--outDir', join(BUILD, 'dist')], { cwd: ROOT, timeout: 3 * CLI_DEADLINE_MS });
    // The build's second step, pointed at this copy: checks every rule's examples and stamps the policies.
    mkdirSync(join(BUILD, 'scripts'));
    const stamp = join(BUILD, 'scripts', 'verify-policies.mjs');
    copyFileSync(join(ROOT, 'scripts', 'verify-policies.mjs'), stamp);
    await run(process.execPath, [stamp], { cwd: ROOT, timeout: CLI_DEADLINE_MS });
    expect(existsSync(join(BUILD, 'dist', 'src', 'risk', 'verified-policies.json'))).toBe(true);
    expect(existsSync(join(BUILD, 'dist', 'src', 'policy', 'parsed-policies.json'))).toBe(true);
    expect(existsSync(join(BUILD, 'dist', 'src', 'risk', 'required-literals.json'))).toBe(true);

    const version = await runBin(['--version']);
    expect(version.stdout.trim()).toMatch(/^oyster-bot \d+\.\d+\.\d+/);
    expect(version.code).toBe(0);

    const db = join(mkdtempSync(join(tmpdir(), 'oyster-compiled-')), 'bot.db');
    const r = await runBin(['start'], { OYSTER_BASE_URL: model.url, OYSTER_DB_PATH: db }, 'hello from the build\n');
    expect(r.stderr).not.toContain('hello from the build');
    expect(r.stdout.trim()).toBe('compiled: hello from the build');
    expect(r.code).toBe(0);
  });
});
