/**
 * The SQLite store keeps each conversation's recent turns in memory between messages
 * (src/store/sqlite/recent-turns-cache.ts). What it keeps must never outlive a change made
 * elsewhere: a /forget handled by another instance on the same file, or another process that
 * deletes or adds turns. Those are other SQLite connections, which `PRAGMA data_version` counts.
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { RecentTurnsCache } from '../../src/store/sqlite/recent-turns-cache.js';
import { SqliteMessageStore } from '../../src/store/sqlite/sqlite-store.js';
import { CLI_DEADLINE_MS, cleanEnv, ROOT } from '../cli/run-cli.js';
import { startHarness, tempDbPath, type Harness } from '../helpers/bot-harness.js';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const CONTEXT = 'fake:dm-u1:u1';
const turn = (role: 'user' | 'assistant', text: string, at: number) =>
  ({ contextKey: CONTEXT, userKey: 'fake:u1', role, text, tokens: 5, at: new Date(at) });

let open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const o of open.reverse()) await o.close();
  open = [];
});

/** Runs `code` in a separate node process with the repository's TypeScript loader; resolves with its exit code. */
function inAnotherProcess(code: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', TSX, '--input-type=module', '-e', code], { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => { child.kill('SIGKILL'); fail(new Error(`the other process did not finish in ${CLI_DEADLINE_MS} ms\n${stderr}`)); }, CLI_DEADLINE_MS);
    child.on('close', (exit) => { clearTimeout(timer); done({ code: exit, stderr }); });
  });
}

describe('recent turns kept between messages', () => {
  it('serves the turns this connection wrote, in order and up to the limit', async () => {
    const store = new SqliteMessageStore(openDatabase(tempDbPath('oyster-turns-cache-')));
    open.push(store);
    await store.recordExchange([turn('user', 'one', 1), turn('assistant', 'two', 2)], { platform: 'fake', messageId: 'm1', at: new Date(2) });
    expect((await store.recentTurns(CONTEXT, 3)).map((t) => t.text)).toEqual(['one', 'two']);
    await store.recordExchange([turn('user', 'three', 3), turn('assistant', 'four', 4)], { platform: 'fake', messageId: 'm2', at: new Date(4) });
    const kept = await store.recentTurns(CONTEXT, 3);
    expect(kept.map((t) => [t.role, t.text, t.tokens, t.at.getTime()])).toEqual([['assistant', 'two', 5, 2], ['user', 'three', 5, 3], ['assistant', 'four', 5, 4]]);
    // A caller may change the array it got without changing what the next caller gets.
    kept.pop();
    expect((await store.recentTurns(CONTEXT, 3)).map((t) => t.text)).toEqual(['two', 'three', 'four']);
    expect((await store.recentTurns(CONTEXT, 10)).map((t) => t.text)).toEqual(['one', 'two', 'three', 'four']);
  });

  it('keeps at most 500 conversations, dropping the one least recently used', () => {
    const db = openDatabase(':memory:');
    open.push({ close: async () => void db.close() });
    const cache = new RecentTurnsCache(db);
    const turns = [{ role: 'user' as const, text: 'hi', tokens: 3, at: new Date(1) }];
    for (let i = 0; i < 500; i++) cache.put(`c${i}`, 40, turns);
    expect(cache.get('c0', 40)).toEqual(turns); // c0 is now the most recently used, c1 the least
    cache.put('c500', 40, turns);
    expect(cache.get('c1', 40)).toBeUndefined();
    expect(cache.get('c0', 40)).toEqual(turns);
    expect(cache.get('c500', 40)).toEqual(turns);
    expect(cache.get('c500', 20)).toBeUndefined(); // read with another limit: from the database
  });

  it('sees turns another process deleted or added on the same file', async () => {
    const path = tempDbPath('oyster-turns-cache-');
    const store = new SqliteMessageStore(openDatabase(path));
    open.push(store);
    await store.recordExchange([turn('user', 'remember me', 1), turn('assistant', 'noted', 2)], { platform: 'fake', messageId: 'm1', at: new Date(2) });
    expect((await store.recentTurns(CONTEXT, 40)).map((t) => t.text)).toEqual(['remember me', 'noted']);

    // Another process forgets the person, the way the store's /forget does, then a new turn arrives there.
    const other = await inAnotherProcess(`
      import { openDatabase } from './src/store/sqlite/database.ts';
      import { SqliteMessageStore } from './src/store/sqlite/sqlite-store.ts';
      const store = new SqliteMessageStore(openDatabase(${JSON.stringify(path)}));
      await store.forgetUser('fake:u1');
      await store.recordExchange([{ contextKey: ${JSON.stringify(CONTEXT)}, userKey: 'fake:u1', role: 'user', text: 'written elsewhere', tokens: 3, at: new Date(5) }], { platform: 'fake', messageId: 'm9', at: new Date(5) });
      await store.close();
    `);
    expect(other.stderr).toBe('');
    expect(other.code).toBe(0);
    expect((await store.recentTurns(CONTEXT, 40)).map((t) => t.text)).toEqual(['written elsewhere']);
  }, 3 * CLI_DEADLINE_MS);
});

describe('two bots on one SQLite file', () => {
  let a: Harness | undefined;
  let b: Harness | undefined;
  afterEach(async () => {
    await a?.close();
    await b?.close();
    a = b = undefined;
  });

  it('never sends the model turns another instance forgot', async () => {
    const dbPath = tempDbPath('oyster-turns-cache-');
    a = await startHarness({ dbPath, reply: () => 'ok' });
    b = await startHarness({ dbPath, reply: () => 'ok' });
    await a.adapter.receive({ id: 'a-1', text: 'my cat is called Pepper' });
    await a.adapter.receive({ id: 'a-2', text: 'and my dog is called Biscuit' });
    expect(a.model.calls[1]!.messages.map((m) => m.content)).toContain('my cat is called Pepper');

    // The person asks the other instance to forget them.
    expect((await b.adapter.command('forget', ['confirm'])).text).not.toMatch(/forget confirm/);

    await a.adapter.receive({ id: 'a-3', text: 'what are my pets called?' });
    const sent = a.model.calls[2]!.messages.map((m) => m.content);
    expect(sent).not.toContain('my cat is called Pepper');
    expect(sent).not.toContain('and my dog is called Biscuit');
    expect(sent.at(-1)).toBe('what are my pets called?');
  });
});
