/**
 * A database file corrupted under a running bot (issue 17 item 3, "a corrupt file"): the real
 * CLI on Telegram long polling (the fake Bot API), the fake model and a SQLite file, all on
 * 127.0.0.1. Once the bot has answered a first message, every page of the file after its
 * 100-byte header is overwritten with random bytes, and so are the WAL and its index, as a
 * failing disk or a stray write would leave them. SQLite then answers SQLITE_CORRUPT.
 *
 * Asserted: the process stays up, a crisis message still gets its resources (the path that
 * needs no store), anyone else is told the bot cannot reply now, and /readyz names the fault.
 * Every wait is for an event (a record at the fake, a /readyz answer), never a fixed time.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeModel, type FakeModel } from '../fakes/fake-model.js';
import { waitFor } from '../helpers/wait-for.js';
import { botUnderFault, type BotUnderFault } from './bot-process.js';
import { startPlatform, type PlatformDriver } from './fault-platforms.js';
import { isResources } from './fault-tally.js';

/** One start of the CLI from source: many seconds on a loaded 2-core machine. */
const START_DEADLINE_MS = 180_000;
const TEST_TIMEOUT_MS = 6 * 60_000;

const CRISIS = 'I keep thinking about killing myself and I do not know how to stop.';
const ORDINARY = 'Could you suggest a name for my new goldfish?';

/** Overwrites a file's bytes from `keep` on with random ones, in place (the open handles see it). */
function scramble(path: string, keep: number): void {
  if (!existsSync(path)) return;
  const size = statSync(path).size;
  if (size <= keep) return;
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, randomBytes(size - keep), 0, size - keep, keep);
  } finally {
    closeSync(fd);
  }
}

interface Readiness { status: number; checks: Array<{ name: string; ok: boolean; reason: string }> }

async function readyz(port: number): Promise<Readiness | undefined> {
  return fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(5_000) })
    .then(async (r) => ({ status: r.status, checks: ((await r.json()) as { checks?: Readiness['checks'] }).checks ?? [] }), () => undefined);
}

let model: FakeModel | undefined;
let platform: PlatformDriver | undefined;
let bot: BotUnderFault | undefined;
let dir: string | undefined;
afterEach(async () => {
  await bot?.kill();
  await Promise.all([model?.close(), platform?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
  [model, platform, bot, dir] = [undefined, undefined, undefined, undefined];
});

describe('a database file corrupted while the bot runs', () => {
  it('keeps the process up, still sends crisis resources, tells others it cannot reply, and /readyz names SQLITE_CORRUPT', async () => {
    model = await startFakeModel({ reply: () => 'Here is an answer.' });
    platform = await startPlatform('telegram');
    dir = mkdtempSync(join(tmpdir(), 'oyster-corrupt-'));
    const dbPath = join(dir, 'bot.db');
    bot = botUnderFault({
      ...platform.env, OYSTER_DB_PATH: dbPath, OYSTER_BASE_URL: model.url, CRISIS_DEFAULT_COUNTRY: 'US',
      OYSTER_CONSOLE: 'off', RISK_JUDGE: 'off',
    }, START_DEADLINE_MS);
    bot.start();
    await bot.up();
    const metricsPort = bot.opsPort()!;
    const up = () => bot!.up();
    const p = platform;
    const to = (n: number) => p.outbound().filter((o) => o.to === n);

    // Before the fault: an ordinary answer, so the store has pages, a WAL and its index.
    await p.deliver({ n: 1, name: 'Before Fault' }, ORDINARY, up);
    await waitFor(() => to(1).length > 0, { timeoutMs: 60_000, what: 'the answer before the fault' });

    scramble(dbPath, 100);
    scramble(`${dbPath}-wal`, 0);
    scramble(`${dbPath}-shm`, 0);

    await p.deliver({ n: 2, name: 'In Crisis' }, CRISIS, up);
    const resources = await waitFor(() => to(2).find((o) => isResources(o.text)), { timeoutMs: 60_000, what: 'resources with the file corrupt' });
    expect(resources.text).toContain('988');

    await p.deliver({ n: 3, name: 'Asks Later' }, ORDINARY, up);
    const notice = await waitFor(() => to(3)[0], { timeoutMs: 60_000, what: 'a reply to an ordinary message with the file corrupt' });
    // Issue 17: other messages are answered, or clearly told the bot cannot reply right now.
    // Which one depends on whether SQLite still serves this connection from pages it cached
    // before the scramble (the first clean-clone run answered from cache), so both are right;
    // silence, or any other text, is not.
    expect(notice.text).toMatch(/can't reply right now|^Here is an answer\.$/);

    const ready = await waitFor(async () => {
      const r = await readyz(metricsPort);
      return r && r.status === 503 ? r : undefined;
    }, { timeoutMs: 30_000, what: '/readyz reporting the fault' });
    expect(ready.checks.find((c) => c.name === 'database')).toMatchObject({ ok: false, reason: expect.stringMatching(/^SQLITE_CORRUPT/) });

    // Still the same process, answering: nothing crashed (the test never restarts it).
    expect(await readyz(metricsPort)).toBeDefined();
    expect(bot.stderr()).not.toMatch(/uncaught|unhandled/i);
    expect(bot.stderr()).not.toContain('killing myself');
  }, TEST_TIMEOUT_MS);
});
