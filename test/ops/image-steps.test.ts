/**
 * The Dockerfile's steps carried out on the host, so the image cannot rot unseen where no
 * container runtime exists (issue 15 item 8). Each stage's COPY, RUN, ENV, USER, VOLUME,
 * HEALTHCHECK, ENTRYPOINT and CMD is read from the Dockerfile itself and done in a temp folder:
 * the build from only what the build stage copies, `npm prune --omit=dev` for real, the runtime
 * folder from only what the runtime stage copies, the bot started with the image's entry point
 * and environment as an unprivileged user that can write only the data folder, and the health
 * check's own command, which must pass while the bot runs and fail once it has stopped. The
 * compiled command is checked there as installed: before the build it names the missing build,
 * after it prints its version and answers a piped line with the policies the build stamped.
 *
 * Stand-ins, each because the real step needs what a test here cannot have:
 * - `npm ci` needs the registry: node_modules is hard-linked from the checkout's (installed
 *   from the same package-lock.json), and the `prepare` build runs as npm ci would run it, with
 *   tsc emitting only (`--noCheck`: the same files; type errors are `tsc --noEmit -p .`'s job);
 * - apt-get installs the image's toolchain: the host has its own;
 * - `npm cache clean` would empty this machine's cache, not an image's: skipped;
 * - the unprivileged user is `node` where it exists, else `nobody`, and only when the test runs
 *   as root (otherwise the test's own user runs the bot).
 * An instruction or a command this file does not know fails the test: extend it with the Dockerfile.
 */
import { execFile, spawn } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeModel } from '../fakes/fake-model.js';
import { startFakeTelegram } from '../fakes/fake-telegram.js';
import { BoundedLog, OPS_LISTENING } from '../helpers/log-port.js';
import { waitFor } from '../helpers/wait-for.js';
import { alice, privateText } from '../telegram/fixtures.js';
import { copyOf, envOf, execForm, healthCommand, stages } from './dockerfile.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const DEADLINE_MS = 120_000;
const [buildStage, runtimeStage] = stages(join(ROOT, 'Dockerfile'));

const work = mkdtempSync(join(tmpdir(), 'oyster-image-'));
chmodSync(work, 0o755); // the unprivileged user must reach the runtime folder
const buildDir = join(work, 'build');
const appDir = join(work, 'app');
const dataDir = join(work, 'data');
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The user the image runs as, on this host: [uid, gid], or undefined to stay the test's own user. */
function unprivileged(name: string): [number, number] | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const users = readFileSync('/etc/passwd', 'utf8').split('\n').map((l) => l.split(':'));
  const user = users.find((u) => u[0] === name) ?? users.find((u) => u[0] === 'nobody');
  return user ? [Number(user[2]), Number(user[3])] : undefined;
}

/**
 * `COPY a b ./` puts a and b in the folder; `COPY src ./src` makes src. `link`: hard links where
 * the file system allows, for node_modules (300 MB) and the build's output, which nothing writes
 * to afterwards; the checkout's own files are copied, as npm rewrites package-lock.json in place.
 */
async function copyInto(source: string, dir: string, dest: string, link = false): Promise<void> {
  const target = dest.endsWith('/') ? join(dir, dest, basename(source)) : join(dir, dest);
  if (link) await run('cp', ['-al', source, target]).catch(() => cpSync(source, target, { recursive: true }));
  else cpSync(source, target, { recursive: true });
}

const skipped: string[] = [];
let beforeBuild: { code: number | null; stderr: string } | undefined;
const env = (dir: string) => ({ PATH: `${join(dir, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '/tmp' });

/** A package.json script as npm runs it, with tsc emitting only (see the header). */
async function npmScript(name: string): Promise<void> {
  const scripts = (JSON.parse(readFileSync(join(buildDir, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  for (const command of scripts[name]!.split('&&').map((c) => c.trim())) {
    const nested = /^npm run (\S+)$/.exec(command);
    if (nested) await npmScript(nested[1]!);
    else if (command.startsWith('tsc ')) await run(process.execPath, [TSC, ...command.slice(4).split(/\s+/), '--noCheck'], { cwd: buildDir, timeout: DEADLINE_MS });
    else await run('sh', ['-c', command], { cwd: buildDir, env: env(buildDir), timeout: DEADLINE_MS });
  }
}

async function buildCommand(command: string): Promise<void> {
  if (/^(DEBIAN_FRONTEND=\S+ )?apt-get /.test(command) || command === 'rm -rf /var/lib/apt/lists/*') {
    skipped.push(command);
  } else if (command === 'npm ci') {
    // Before anything is compiled, the command names the missing build instead of a stack trace.
    beforeBuild = await exitOf(['bin/oyster-bot.mjs', '--version'], { cwd: buildDir, env: env(buildDir) });
    const modules = realpathSync(join(ROOT, 'node_modules'));
    await copyInto(modules, buildDir, 'node_modules', true);
    // npm rewrites its record of the tree: a copy, so the checkout's file is never touched through the link.
    rmSync(join(buildDir, 'node_modules', '.package-lock.json'));
    cpSync(join(modules, '.package-lock.json'), join(buildDir, 'node_modules', '.package-lock.json'));
    await npmScript('prepare');
  } else if (command.startsWith('npm prune ')) {
    await run('npm', [...command.slice(4).split(/\s+/), '--offline', '--no-audit', '--no-fund'], { cwd: buildDir, env: env(buildDir), timeout: DEADLINE_MS });
  } else if (command === 'npm cache clean --force') {
    skipped.push(command);
  } else {
    throw new Error(`a RUN command this test does not carry out: ${command}`);
  }
}

/** Runs node with `args`, stdin closed as in a container started without -i unless `stdin` is given. */
function exitOf(args: string[], options: { cwd?: string; env: Record<string, string>; uid?: number; gid?: number; stdin?: string }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { stdin, ...spawnOptions } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { ...spawnOptions, stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin?.end(stdin);
    const timer = setTimeout(() => child.kill('SIGKILL'), DEADLINE_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the Dockerfile, step by step on the host', { timeout: 4 * DEADLINE_MS }, () => {
  it('builds from only what the build stage copies, and drops the dev dependencies', async () => {
    expect(buildStage!.name).toBe('build');
    mkdirSync(buildDir);
    for (const step of buildStage!.steps) {
      if (step.op === 'WORKDIR') continue;
      else if (step.op === 'COPY') for (const source of copyOf(step.args).sources) await copyInto(join(ROOT, source), buildDir, copyOf(step.args).dest);
      else if (step.op === 'RUN') for (const command of step.args.split('&&').map((c) => c.trim())) await buildCommand(command);
      else throw new Error(`a build instruction this test does not carry out: ${step.op} ${step.args}`);
    }
    expect(existsSync(join(buildDir, 'dist', 'src', 'bin.js'))).toBe(true);
    expect(existsSync(join(buildDir, 'dist', 'src', 'risk', 'verified-policies.json'))).toBe(true);
    for (const dev of ['typescript', 'vitest', 'knip', 'tsx']) expect(existsSync(join(buildDir, 'node_modules', dev)), dev).toBe(false);
    expect(existsSync(join(buildDir, 'node_modules', 'better-sqlite3'))).toBe(true);
    expect(skipped).toContain('npm cache clean --force');
    expect(beforeBuild?.code).toBe(2);
    expect(beforeBuild?.stderr).toContain('npm run build');
  });

  it('runs from only what the runtime stage copies, unprivileged, with a health check that passes and then fails', async () => {
    const imageEnv: Record<string, string> = {};
    const mapData = (path: string) => (path === '/data' || path.startsWith('/data/') ? join(dataDir, path.slice('/data'.length)) : path);
    let user: [number, number] | undefined;
    let entry: string[] = [];
    let cmd: string[] = [];
    let health: string[] = [];
    for (const step of runtimeStage!.steps) {
      if (step.op === 'ENV') for (const [k, v] of Object.entries(envOf(step.args))) imageEnv[k] = mapData(v);
      else if (step.op === 'WORKDIR') mkdirSync(appDir, { recursive: true });
      else if (step.op === 'COPY') {
        const c = copyOf(step.args);
        for (const source of c.sources) await copyInto(c.from === undefined ? join(ROOT, source) : join(buildDir, relative('/app', source)), appDir, c.dest, c.from !== undefined);
      } else if (step.op === 'RUN') {
        for (const command of step.args.split('&&').map((x) => x.trim())) {
          if (command === 'mkdir -p /data') mkdirSync(dataDir, { recursive: true });
          else if (command === 'chown node:node /data') user = unprivileged('node') ?? user;
          else throw new Error(`a RUN command this test does not carry out: ${command}`);
        }
        if (user) chownSync(dataDir, ...user);
      } else if (step.op === 'VOLUME') expect(execForm(step.args)).toEqual(['/data']);
      else if (step.op === 'USER') user = unprivileged(step.args);
      else if (step.op === 'HEALTHCHECK') health = healthCommand(step.args);
      else if (step.op === 'ENTRYPOINT') entry = execForm(step.args);
      else if (step.op === 'CMD') cmd = execForm(step.args);
      else throw new Error(`a runtime instruction this test does not carry out: ${step.op} ${step.args}`);
    }
    expect(entry[0]).toBe('node');
    expect(health[0]).toBe('node');
    expect(existsSync(join(appDir, 'node_modules', 'typescript'))).toBe(false);
    const ids = user ? { uid: user[0], gid: user[1] } : {};
    const base = { ...imageEnv, PATH: process.env.PATH ?? '', HOME: dataDir };

    // No platform token and no terminal (a container without -it): exit 2 with a message, so a
    // restart policy does not loop on a configuration mistake.
    const bare = await exitOf([...entry.slice(1), ...cmd], { cwd: appDir, env: base, ...ids });
    expect(bare.stderr).toMatch(/token/i);
    expect(bare.code).toBe(2);

    const [model, telegram] = await Promise.all([startFakeModel({ reply: (body) => `compiled: ${body.messages.at(-1)!.content}` }), startFakeTelegram()]);
    const version = await exitOf([...entry.slice(1), '--version'], { cwd: appDir, env: base, ...ids });
    expect(version.stdout.trim()).toMatch(/^oyster-bot \d+\.\d+\.\d+/);
    expect(version.code).toBe(0);
    // A piped line answered through the console chat, with the policies the build stamped.
    const piped = await exitOf([...entry.slice(1), ...cmd], { cwd: appDir, env: { ...base, OYSTER_BASE_URL: model.url, OYSTER_DB_PATH: join(dataDir, 'console.db') }, ...ids, stdin: 'hello from the build\n' });
    expect(piped.stderr).not.toContain('hello from the build');
    expect(piped.stdout.trim()).toBe('compiled: hello from the build');
    expect(piped.code).toBe(0);

    // METRICS_PORT=0 instead of the image's 9464: the system picks a free port, read back from the log.
    const bot = spawn(process.execPath, [...entry.slice(1), ...cmd], {
      cwd: appDir, ...ids, stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...base, METRICS_PORT: '0', OYSTER_BASE_URL: model.url, TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, RISK_JUDGE: 'off' },
    });
    const log = new BoundedLog();
    bot.stderr.on('data', (d: Buffer) => log.add(d));
    const exited = new Promise<number | null>((r) => bot.on('close', (code) => r(code)));
    const check = async (port: number) => (await exitOf(health.slice(1), { env: { PATH: process.env.PATH ?? '', METRICS_PORT: String(port) }, ...ids })).code;
    try {
      const port = await waitFor(() => log.port(OPS_LISTENING), { timeoutMs: DEADLINE_MS, what: `the ops endpoint's port\n${log.last(2000)}` });
      expect(await check(port)).toBe(0);
      telegram.pushUpdate(privateText(alice, 'hello from a test of the image'));
      await waitFor(() => telegram.sent.find((m) => m.chatId === String(alice.id) && m.visible.includes('compiled: hello from a test of the image')), { timeoutMs: DEADLINE_MS, what: `an answer\n${log.last(2000)}` });
      // The database lives on the volume.
      expect(existsSync(join(dataDir, 'oyster-bot.db'))).toBe(true);
      bot.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(await check(port)).not.toBe(0);
    } finally {
      if (bot.exitCode === null) bot.kill('SIGKILL');
      await Promise.all([model.close(), telegram.close()]);
    }
  });
});
