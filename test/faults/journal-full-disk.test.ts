/**
 * The full-disk crash window (issue 17 item 5): a case that cannot be written to a full
 * database goes to the journal, and the journal must survive a crash during the fault. Real
 * files in a temp folder; the full disk is a passed-in file layer that refuses writes with
 * ENOSPC until space is freed (no tmpfs or loop device here), as a full filesystem does.
 */
import * as fs from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCaseJournal, RESERVE_BYTES, type JournalFs } from '../../src/crisis/case-journal.js';
import type { RaiseInput } from '../../src/crisis/escalation.js';
import { silentLogger } from '../../src/logger.js';
import { readinessChecks } from '../../src/ops/readiness.js';

/** Real file calls, except that while `full` every write fails with ENOSPC; deleting a file frees space. */
function fullableDisk(): JournalFs & { full: boolean } {
  const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  const disk = {
    full: false,
    openSync: fs.openSync,
    closeSync: fs.closeSync,
    fsyncSync: fs.fsyncSync,
    readFileSync: fs.readFileSync,
    renameSync: fs.renameSync,
    appendFileSync: ((...args: Parameters<typeof fs.appendFileSync>) => {
      if (disk.full) throw enospc();
      return fs.appendFileSync(...args);
    }) as typeof fs.appendFileSync,
    writeFileSync: ((...args: Parameters<typeof fs.writeFileSync>) => {
      if (disk.full) throw enospc();
      return fs.writeFileSync(...args);
    }) as typeof fs.writeFileSync,
    rmSync: ((...args: Parameters<typeof fs.rmSync>) => {
      const existed = fs.existsSync(args[0]);
      fs.rmSync(...args);
      if (existed) disk.full = false;
    }) as typeof fs.rmSync,
  };
  return disk;
}

function signal(messageId: string): RaiseInput {
  return {
    conversation: { platform: 'fake', channelId: 'dm-u1' }, isDirect: true, user: { id: 'u1', displayName: 'user u1' }, userKey: 'fake:u1',
    level: 'high', reasons: ['test'], policyVersion: 'test', excerpt: 'excerpt', country: 'US', resourcesSent: [], reachedPrivately: true,
    messageId, at: new Date('2026-03-02T10:00:00Z'),
  } as RaiseInput;
}

describe('the case journal on a full disk', () => {
  it('writes the case into its reserve space, so a process killed during the fault still has it at the next start', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'oyster-journal-')), 'bot.db.pending-cases.jsonl');
    const disk = fullableDisk();
    const down = async () => { throw Object.assign(new Error('database unavailable'), { code: 'STORE_UNAVAILABLE' }); };
    const first = createCaseJournal({ path, raise: down, logger: silentLogger, fs: disk });
    expect(fs.statSync(`${path}.reserve`).size).toBe(RESERVE_BYTES);

    disk.full = true;
    first.add(signal('m1'));
    expect(first.memoryOnly).toBe(0);
    expect(fs.existsSync(`${path}.reserve`)).toBe(false);
    expect(fs.readFileSync(path, 'utf8')).toContain('"messageId":"m1"');
    first.stop(); // the process dies here: nothing in memory survives

    // The next start reads the journal and writes the case once the store takes it.
    const raised: string[] = [];
    const second = createCaseJournal({ path, raise: async (i) => { raised.push(i.messageId); }, logger: silentLogger, fs: disk });
    expect(second.size).toBe(1);
    expect(await second.replay()).toBe(1);
    second.stop();
    expect(raised).toEqual(['m1']);
    expect(fs.existsSync(path)).toBe(false);
    // The reserve is made again for the next fault.
    expect(fs.statSync(`${path}.reserve`).size).toBe(RESERVE_BYTES);
  });

  it('says so and counts the case as memory-only when not even the reserve is there', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'oyster-journal-')), 'bot.db.pending-cases.jsonl');
    const disk = fullableDisk();
    disk.full = true; // full before the start: no reserve could be made
    const journal = createCaseJournal({ path, raise: async () => undefined, logger: silentLogger, fs: disk });
    expect(fs.existsSync(`${path}.reserve`)).toBe(false);
    journal.add(signal('m2'));
    journal.stop();
    expect(journal.memoryOnly).toBe(1);
    // (Opening for append makes the file; nothing could be written into it.)
    expect(fs.existsSync(path) ? fs.readFileSync(path, 'utf8') : '').toBe('');
  });

  it('makes /readyz fail, naming the memory-only cases, until they are written', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'oyster-journal-')), 'bot.db.pending-cases.jsonl');
    const disk = fullableDisk();
    disk.full = true;
    let storeBack = false;
    const journal = createCaseJournal({
      path, logger: silentLogger, fs: disk,
      raise: async () => { if (!storeBack) throw Object.assign(new Error('database unavailable'), { code: 'STORE_UNAVAILABLE' }); },
    });
    const checks = readinessChecks({
      database: { ping: async () => undefined }, adapters: () => [],
      model: { check: async () => ({ ok: true, reason: 'ok' }) } as never,
      casesInMemoryOnly: () => journal.memoryOnly,
    });
    const check = checks.find((c) => c.name === 'case-journal')!;
    expect(await check.run()).toEqual({ ok: true, reason: 'ok' });
    journal.add(signal('m3'));
    expect(await check.run()).toEqual({ ok: false, reason: 'cases_in_memory_only' });
    storeBack = true;
    disk.full = false;
    expect(await journal.replay()).toBe(1);
    journal.stop();
    expect(await check.run()).toEqual({ ok: true, reason: 'ok' });
  });
});
