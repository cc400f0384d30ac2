/**
 * compose.yaml run natively: there is no container runtime here, so the nearest real thing to
 * `docker compose up` is done by hand, from the file itself, so that it cannot rot.
 *
 * Each bot service's command (the image's ENTRYPOINT and CMD, from the Dockerfile, unless the
 * service sets its own) is started with the service's environment, built as Compose builds it
 * (image ENV, then env_file, then environment, with ${VAR:?…} interpolated from .env), against
 * the local PostgreSQL, and its health check command is run until it passes. The postgres
 * service's own health check (pg_isready) runs against the same server. What a container gives
 * and one host cannot is mapped, and only that (see `native`): the service name `postgres` and
 * its database become the local server and a fresh database, each /data volume a temporary
 * folder, and METRICS_PORT port 0 read back from the log (each container has its own network, so
 * both use 9464 there). The platform is the Telegram fake, in long polling: one instance polls.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { afterEach, expect, it } from 'vitest';
import { PgDb } from '../../src/store/pg/index.js';
import { CLI_NODE_ARGS } from '../cli/run-cli.js';
import { startFakeModel, type FakeModel } from '../fakes/fake-model.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/fake-telegram.js';
import { OPS_LISTENING, portFromLog } from '../helpers/log-port.js';
import { findPgBinDir } from './pg-cluster.js';
import { describePg, freshDatabase } from './pg-env.js';
import { until } from './discord-instances.js';
import { dockerImage, interpolate, parseEnvFile, type ComposeService } from './compose-files.js';

const ROOT = resolve(import.meta.dirname, '../..');
const compose = parse(readFileSync(join(ROOT, 'compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
const image = dockerImage(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const bots = Object.entries(compose.services).filter(([, s]) => s.profiles === undefined && s.image === 'oyster-bot:local');

/** Runs a command to its exit; resolves with its exit code. */
function exitCode(command: string, args: string[], env: Record<string, string>): Promise<number | null> {
  return new Promise((done) => {
    const child = spawn(command, args, { env, stdio: 'ignore' });
    child.on('error', () => done(null));
    child.on('close', (code) => done(code));
  });
}

/** A healthcheck `test` as Compose runs it: CMD is exec'd (its `node` is this Node), CMD-SHELL goes through sh. */
function healthCommand(test: string[]): [string, string[]] {
  const [kind, ...rest] = test;
  if (kind === 'CMD-SHELL') return ['sh', ['-c', rest.join(' ')]];
  expect(kind).toBe('CMD');
  return rest[0] === 'node' ? [process.execPath, rest.slice(1)] : [rest[0]!, rest.slice(1)];
}

describePg('compose.yaml, run natively', (serverUrl) => {
  const procs: ChildProcess[] = [];
  const dirs: string[] = [];
  let model: FakeModel | undefined;
  let telegram: FakeTelegram | undefined;
  let db: PgDb | undefined;
  afterEach(async () => {
    for (const p of procs.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
    await Promise.all([model?.close(), telegram?.close(), db?.close()]);
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('starts both bot services with their command and environment on the local PostgreSQL, and their health checks pass', async () => {
    const server = new URL(serverUrl);
    const pgBin = findPgBinDir();
    expect(pgBin, 'pg_isready for the postgres health check').toBeDefined();
    const project = mkdtempSync(join(tmpdir(), 'oyster-compose-'));
    dirs.push(project);
    model = await startFakeModel({ reply: (body) => `echo: ${String(body.messages.at(-1)!.content).slice(-40)}` });
    telegram = await startFakeTelegram();
    // The .env an operator writes (platforms from .env, as compose.yaml says), here pointed at the fakes.
    writeFileSync(join(project, '.env'), [
      'POSTGRES_PASSWORD=compose-check', `OYSTER_BASE_URL=${model.url}`, 'OYSTER_MAX_RETRIES=0', 'RISK_JUDGE=off',
      'OYSTER_CONSOLE=off', 'LOG_LEVEL=info', 'CRISIS_DEFAULT_COUNTRY=US',
      `TELEGRAM_BOT_TOKEN=${telegram.token}`, `TELEGRAM_API_ROOT=${telegram.apiRoot}`, '',
    ].join('\n'));
    const dotenv = parseEnvFile(readFileSync(join(project, '.env'), 'utf8'));
    // Compose refuses to start without the password: the same interpolation here.
    expect(() => interpolate('${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}', {})).toThrow(/set POSTGRES_PASSWORD in \.env/);

    // depends_on: postgres healthy. Its own check, run as Compose would, against the local server.
    const pgService = compose.services.postgres!;
    const [pgCmd, pgArgs] = healthCommand(pgService.healthcheck!.test);
    expect(await exitCode(pgCmd, pgArgs, { PATH: `${pgBin}:${process.env.PATH ?? ''}`, PGHOST: server.hostname, PGPORT: server.port })).toBe(0);

    const url = await freshDatabase(serverUrl);
    db = new PgDb(url, { maxConnections: 2 });
    /** What a container gives that one host cannot: the service name, the volumes, a network each. */
    const native = (env: Record<string, string>, volume: string): Record<string, string> => {
      const out = { ...env };
      const dbUrl = new URL(out.DATABASE_URL!);
      expect(`${dbUrl.hostname}:${dbUrl.port}${dbUrl.pathname}`).toBe(`postgres:5432/${pgService.environment!.POSTGRES_DB}`);
      expect(dbUrl.username).toBe(pgService.environment!.POSTGRES_USER);
      const local = new URL(url);
      dbUrl.host = local.host;
      dbUrl.pathname = local.pathname;
      out.DATABASE_URL = dbUrl.toString();
      for (const [k, v] of Object.entries(out)) if (v.startsWith('/data/')) out[k] = join(volume, v.slice('/data/'.length));
      out.METRICS_PORT = '0';
      return out;
    };

    const started = new Map<string, { proc: ChildProcess; stderr: string; env: Record<string, string> }>();
    expect(bots.map(([name]) => name).sort()).toEqual(['bot', 'bot-2']);
    for (const [name, service] of bots) {
      // The image's entry point and command, unless the service overrides them.
      const command = [...(service.entrypoint ?? image.entrypoint), ...(service.command ?? image.cmd)];
      expect(command, name).toEqual(['node', 'bin/oyster-bot.mjs', 'start']);
      const envFile = service.env_file === '.env' ? dotenv : {};
      const environment = Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), dotenv)]));
      const volume = mkdtempSync(join(tmpdir(), `oyster-${name}-data-`));
      dirs.push(volume);
      const env = native({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...image.env, ...envFile, ...environment }, volume);
      // bin/oyster-bot.mjs runs the compiled tree the image builds; here the tree itself runs.
      const proc = spawn(process.execPath, [...CLI_NODE_ARGS, ...command.slice(2)], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
      procs.push(proc);
      const inst = { proc, stderr: '', env };
      proc.stderr!.on('data', (d: Buffer) => (inst.stderr += d.toString()));
      started.set(name, inst);
    }
    const context = () => [...started.entries()].map(([n, i]) => `${n}:\n${i.stderr.slice(-2000)}`).join('\n');

    for (const [name, service] of bots) {
      const inst = started.get(name)!;
      const [cmd, args] = healthCommand(service.healthcheck!.test);
      const port = await until(`${name} to name its ops port`, () => portFromLog(inst.stderr, OPS_LISTENING), 150_000, context);
      // The container's METRICS_PORT is the port this instance bound.
      await until(`${name}'s health check to pass`, async () => (await exitCode(cmd, args, { PATH: process.env.PATH ?? '', METRICS_PORT: String(port) })) === 0, 150_000, context, 500);
    }
    // Both on one PostgreSQL, under the names compose.yaml gives them; one of them polls Telegram.
    const live = await db.sql.rows<{ name: string }>("SELECT name FROM leases WHERE name LIKE 'instance:%' AND until > $1 ORDER BY name", [Date.now()]);
    expect(live.map((r) => r.name)).toEqual(bots.map(([, s]) => `instance:${s.environment!.OYSTER_INSTANCE_ID}`).sort());
    await until('one Telegram poller', async () => (await db!.sql.rows("SELECT holder FROM leases WHERE name = 'telegram-poller' AND until > $1", [Date.now()])).length === 1, 60_000, context);
    telegram.pushUpdate({ update_id: 1, message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: 4242, type: 'private', first_name: 'Robin' }, from: { id: 4242, is_bot: false, first_name: 'Robin', language_code: 'en' }, text: 'what is a good first step for learning to knit?' } });
    await until('the answer', () => telegram!.sent.some((m) => m.text.includes('learning to knit')), 60_000, context);
    expect(telegram.sent.filter((m) => m.text.includes('learning to knit'))).toHaveLength(1);
    for (const [name, inst] of started) expect(inst.env.OYSTER_DB_PATH, name).toMatch(/oyster-bot\.db$/);

    // stop_grace_period: a SIGTERMed instance finishes and exits 0 within it.
    const grace = Number(/^(\d+)s$/.exec(String(bots[0]![1].stop_grace_period))![1]) * 1_000;
    const first = started.get(bots[0]![0])!.proc;
    const exited = new Promise<number | null>((done) => first.on('exit', (code) => done(code)));
    first.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'late'>((done) => setTimeout(() => done('late'), grace).unref())]);
    expect(code, context()).toBe(0);
  }, 420_000);
});
