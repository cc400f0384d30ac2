/**
 * Bot instances on one PostgreSQL against the Discord fake, for the tests of shards moving
 * between instances: real CLI processes (`oyster-bot start` under tsx), each binding its ops port
 * itself (METRICS_PORT=0, read back from its log), or, for in-process adapter tests, the handlers
 * an instance gives its adapter, on a real store (PostgreSQL, or SQLite for one instance), with
 * the engine's intake recorded. The lease
 * and store reads the tests wait on are here too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHandlersFor } from '../../src/bot-handlers.js';
import type { Engine } from '../../src/engine.js';
import type { InboundMessage } from '../../src/messages.js';
import type { BotHandlers, PlatformAdapter } from '../../src/ports.js';
import type { LeaseStore } from '../../src/store/pg/pg-leases.js';
import type { SharedStateStore } from '../../src/store/shared-state.js';
import { PgDb } from '../../src/store/pg/index.js';
import { FAKE_DISCORD_TOKEN, startFakeDiscord, type FakeDiscord, type FakeDiscordOptions } from '../fakes/fake-discord.js';
import { startFakeModel, type FakeModel } from '../fakes/fake-model.js';
import { OPS_LISTENING, portFromLog } from '../helpers/log-port.js';
import { freshDatabase } from './pg-env.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface Instance {
  proc: ChildProcess;
  stderr: string;
}

/** Polls `check` until it yields a value; the error names what was awaited and shows the logs. */
export async function until<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, ms: number, context: () => string, everyMs = 100): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${context()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export class DiscordInstances {
  readonly all = new Map<string, Instance>();

  constructor(private readonly o: { databaseUrl: string; model: FakeModel; discord: FakeDiscord; env?: Record<string, string> }) {}

  /** The last lines of every instance's log, for a failure message. */
  readonly context = (): string => [...this.all.entries()].map(([id, i]) => `${id}:\n${i.stderr.slice(-2500)}`).join('\n');

  /** Starts instance `id` and resolves once its /readyz answers 200. */
  async start(id: string): Promise<Instance> {
    const { databaseUrl, model, discord } = this.o;
    const world = discord.world;
    const proc = spawn(process.execPath, ['--import', TSX, resolve(ROOT, 'src/bin.ts'), 'start'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATABASE_URL: databaseUrl, OYSTER_INSTANCE_ID: id,
        OYSTER_BASE_URL: model.url, OYSTER_MAX_RETRIES: '0', RISK_JUDGE: 'off', OYSTER_CONSOLE: 'off', LOG_LEVEL: 'info',
        STREAMING: 'off', CRISIS_DEFAULT_COUNTRY: 'US', METRICS_PORT: '0',
        DISCORD_BOT_TOKEN: FAKE_DISCORD_TOKEN, DISCORD_API_URL: discord.apiUrl,
        DISCORD_MODERATOR_CHANNEL_ID: world.channels.moderators, MODERATOR_ROLE_IDS: world.roles.moderator,
        ...this.o.env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const inst: Instance = { proc, stderr: '' };
    proc.stderr!.on('data', (d: Buffer) => (inst.stderr += d.toString()));
    this.all.set(id, inst);
    const port = await until(`${id} to name its ops port`, () => portFromLog(inst.stderr, OPS_LISTENING), 120_000, this.context);
    await until(`${id} ready`, async () => fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false), 120_000, this.context);
    return inst;
  }

  kill(id: string): void {
    this.all.get(id)?.proc.kill('SIGKILL');
  }

  stopAll(): void {
    for (const i of this.all.values()) if (i.proc.exitCode === null) i.proc.kill('SIGKILL');
    this.all.clear();
  }
}

/** A fresh database, a model that echoes the end of each message, the Discord fake, and no instance yet. */
export interface DiscordCluster {
  /** The fresh database's URL (the instances' DATABASE_URL). */
  url: string;
  db: PgDb;
  fake: FakeDiscord;
  instances: DiscordInstances;
  close(): Promise<void>;
}

export async function startDiscordCluster(serverUrl: string, fakeOptions: FakeDiscordOptions): Promise<DiscordCluster> {
  const url = await freshDatabase(serverUrl);
  const db = new PgDb(url, { maxConnections: 2 });
  const model = await startFakeModel({ reply: (body) => `echo: ${String(body.messages.at(-1)!.content).slice(-40)}` });
  const fake = await startFakeDiscord(fakeOptions);
  const instances = new DiscordInstances({ databaseUrl: url, model, discord: fake });
  return {
    url, db, fake, instances,
    close: async () => {
      instances.stopAll();
      await Promise.all([model.close(), fake.close(), db.close()]);
    },
  };
}

/** "discord-shard:0=dc-a discord-shard:1=dc-b": who holds each shard lease now. */
export async function shardHolders(db: PgDb): Promise<string> {
  return (await db.sql.rows<{ name: string; holder: string }>(
    "SELECT name, holder FROM leases WHERE name LIKE 'discord-shard:%' AND until > $1 ORDER BY name", [Date.now()],
  )).map((r) => `${r.name}=${r.holder}`).join(' ');
}

/** The instance that completed a Discord message, once one has. */
export async function messageOwner(db: PgDb, messageId: string): Promise<string | undefined> {
  return (await db.sql.one<{ owner: string }>(
    "SELECT owner FROM processed_messages WHERE platform = 'discord' AND message_id = $1 AND completed_at IS NOT NULL", [messageId],
  ))?.owner;
}

/**
 * What instance `instanceId` hands its adapter (createHandlersFor, as the composition root
 * does), on the real store; the engine's intake is replaced by a recorder, since these tests
 * are about what the adapter hands on and how often.
 */
export function storeHandlers(
  stores: { shared: SharedStateStore; leases?: LeaseStore }, instanceId: string, adapter: PlatformAdapter,
): { handlers: BotHandlers; received: InboundMessage[] } {
  const received: InboundMessage[] = [];
  const engine: Pick<Engine, 'receive'> = {
    receive: async (message) => {
      received.push(message);
      return { handled: Promise.resolve({ status: 'answered' }) } as Awaited<ReturnType<Engine['receive']>>;
    },
  };
  const handlersFor = createHandlersFor({
    engine, onCommand: async () => ({ ok: true, private: true, text: 'ok' }),
    shared: stores.shared, leases: stores.leases, instanceId, clock: { now: () => new Date() },
  });
  return { handlers: handlersFor(adapter), received };
}
