/**
 * `oyster-bot copy-store` through the real CLI: a SQLite database written by the real stores is
 * copied into PostgreSQL, where the PostgreSQL stores read back the same cases, audit log,
 * turns and queue, new rows continue after the copied ids, and a second copy is refused.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openPgStores, type PgStores } from '../../src/store/pg/index.js';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { SqliteCaseStore } from '../../src/store/sqlite/sqlite-cases.js';
import { SqliteDashboardAuth } from '../../src/store/sqlite/sqlite-dashboard-auth.js';
import { SqliteResourceDeliveries } from '../../src/store/sqlite/sqlite-resource-deliveries.js';
import { SqliteMessageStore } from '../../src/store/sqlite/sqlite-store.js';
import { CLI_TEST_TIMEOUT_MS, runCli } from '../cli/run-cli.js';
import { MINUTE, T0, at, signal } from './case-store.contract.js';
import { describePg, freshDatabase } from './pg-env.js';

/** A small but complete bot database: every table the stores write has rows. */
async function seedSqlite(path: string) {
  const db = openDatabase(path);
  const messages = new SqliteMessageStore(db);
  const cases = new SqliteCaseStore(db);
  const deliveries = new SqliteResourceDeliveries(db);
  for (let i = 0; i < 3; i++) {
    await messages.recordInbound({ platform: 'telegram', messageId: `m${i}`, userKey: 'telegram:501', payload: '{}' }, at(i));
    await messages.recordExchange([
      { contextKey: 'telegram:-100:501', userKey: 'telegram:501', role: 'user', text: `question ${i}`, at: at(i), tokens: 2, assessment: { level: 'low', reasons: ['r'], policyVersion: 'pv' } },
      { contextKey: 'telegram:-100:501', userKey: 'telegram:501', role: 'assistant', text: `answer ${i}`, at: at(i + 1), tokens: 2 },
    ], { platform: 'telegram', messageId: `m${i}`, at: at(i + 2) });
  }
  await messages.recordInbound({ platform: 'telegram', messageId: 'unfinished', userKey: 'telegram:501', payload: '{"id":"unfinished"}' }, at(10));
  await messages.setPreference('telegram:501', 'country', 'DE');
  await messages.setRiskState('telegram:-100:501', 'high', T0);
  const a = await cases.recordSignal(signal('high', { userId: '501' }));
  await cases.recordSignal(signal('imminent', { userId: '501', at: at(MINUTE) }));
  const b = await cases.recordSignal(signal('moderate', { userId: '777' }));
  await cases.applyAction({ kind: 'acknowledge', caseId: b.caseRecord.id, actor: 'telegram:9', actorName: 'mod', at: at(2 * MINUTE), updateSinks: ['webhook'] });
  const [row] = await cases.claimDue(at(0), MINUTE, 1);
  await cases.markDelivered(row!.id, 'sent-1', at(1));
  const d = await deliveries.enqueue({
    caseId: a.caseRecord.id, userKey: 'telegram:501', conversation: { platform: 'telegram', channelId: '501' }, place: 'private',
    level: 'imminent', country: 'DE', locale: 'de', about: 'self', resourceIds: ['de.112'], at: at(3),
  });
  const claimed = await deliveries.claim(d.id, at(4), MINUTE);
  await deliveries.markDelivered(d.id, claimed!.claimToken, 'dm-1', at(5), ['webhook']);
  await new SqliteDashboardAuth(db).saveLink('hash-1', { userKey: 'discord:9', displayName: 'mod', roleIds: [] }, T0, at(MINUTE));
  return { db, messages, cases, caseIds: [a.caseRecord.id, b.caseRecord.id] };
}

describePg('copy-store', (serverUrl) => {
  const open: PgStores[] = [];
  afterAll(async () => {
    await Promise.all(open.map((s) => s.close()));
  });

  it('copies a SQLite database into an empty PostgreSQL one that then reads the same, and refuses to copy twice', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'oyster-copy-')), 'bot.db');
    const sqlite = await seedSqlite(path);
    const url = await freshDatabase(serverUrl);
    const r = await runCli(['copy-store', '--from', path, '--to', url]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^cases\s+2$/m);
    expect(r.stdout).toMatch(/^turns\s+6$/m);
    expect(r.stdout).toMatch(/every count matches the SQLite file/);

    const pg = await openPgStores(url, 'copy-test');
    open.push(pg);
    for (const id of sqlite.caseIds) {
      expect(await pg.cases.getCase(id)).toEqual(await sqlite.cases.getCase(id));
      expect(await pg.cases.auditLog(id)).toEqual(await sqlite.cases.auditLog(id));
    }
    expect(await pg.cases.exportUser('telegram:501')).toEqual(await sqlite.cases.exportUser('telegram:501'));
    expect(await pg.messages.recentTurns('telegram:-100:501', 10)).toEqual(await sqlite.messages.recentTurns('telegram:-100:501', 10));
    expect(await pg.messages.exportUser('telegram:501')).toEqual(await sqlite.messages.exportUser('telegram:501'));
    expect((await pg.messages.claimUnfinished('telegram', 3, 10)).resume.map((d) => d.messageId)).toEqual(['unfinished']);
    expect((await pg.cases.claimDue(at(5), MINUTE, 50)).map((o) => o.alertId))
      .toEqual((await sqlite.cases.claimDue(at(5), MINUTE, 50)).map((o) => o.alertId));
    // New rows continue after the copied ids.
    const fresh = await pg.cases.recordSignal(signal('high', { userId: 'new-person' }));
    expect(fresh.caseRecord.id).toBe(Math.max(...sqlite.caseIds) + 1);
    sqlite.db.close();

    const again = await runCli(['copy-store', '--from', path, '--to', url]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('the target database is not empty');
  }, CLI_TEST_TIMEOUT_MS);

  it('refuses a source that is not migrated to the current version', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'oyster-copy-')), 'old.db');
    openDatabase(path, { migrate: false }).close();
    const r = await runCli(['copy-store', '--from', path, '--to', await freshDatabase(serverUrl)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has 0 of \d+ migrations: run oyster-bot migrate/);
  }, CLI_TEST_TIMEOUT_MS);
});
