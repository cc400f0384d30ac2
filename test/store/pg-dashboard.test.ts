/**
 * The moderator dashboard on PostgreSQL, through the real bot and real HTTP: sign-in with a
 * one-time link, the queue and its filters, a case page with its timeline, and a change made on
 * another instance (a moderator's chat command there) showing up here, since every instance
 * reads the same tables.
 */
import { afterEach, expect, it } from 'vitest';
import { PgDb } from '../../src/store/pg/index.js';
import { PgDashboardReads } from '../../src/store/pg/pg-dashboard-reads.js';
import { askForLink, Client, HIGH, MODERATOR, startDashWorld, type DashWorld } from '../dashboard/harness.js';
import { waitFor } from '../helpers/wait-for.js';
import { describePg, freshDatabase } from './pg-env.js';

const MODERATE = 'Lately I wish I could fall asleep and just never wake up again.';
const caseIdsIn = (body: string) => [...body.matchAll(/>Case #(\d+)</g)].map((m) => Number(m[1])).sort((a, b) => a - b);
const person = (id: string) => ({ id, displayName: id, isBot: false, isSelf: false });

describePg('the moderator dashboard on PostgreSQL', (serverUrl) => {
  const worlds: DashWorld[] = [];
  afterEach(async () => {
    await Promise.all(worlds.splice(0).map((w) => w.close()));
  });

  it('signs a moderator in, filters the queue, shows a case, and sees another instance act on it', async () => {
    const url = await freshDatabase(serverUrl);
    const a = await startDashWorld({ env: { DATABASE_URL: url, OYSTER_INSTANCE_ID: 'dash-a', DASHBOARD_PUBLIC_URL: 'https://mod.example.org' } });
    worlds.push(a);
    const b = await startDashWorld({ env: { DATABASE_URL: url, OYSTER_INSTANCE_ID: 'dash-b' } });
    worlds.push(b);
    // One person writes to instance a, another to instance b: one queue shows both.
    await a.adapter.receive({ id: 'a-1', text: HIGH, userId: 'u1', author: person('u1') });
    await b.adapter.receive({ id: 'b-1', text: MODERATE, userId: 'u2', author: person('u2') });
    const cases = await a.bot.cases.listCases({ activeOnly: true, failingAfterAttempts: 5 });
    const high = cases.find((c) => c.level === 'high');
    const moderate = cases.find((c) => c.level === 'moderate');
    expect(high && moderate, 'both sample sentences open a case, at high and moderate').toBeTruthy();
    // Alerts link to the case page on PostgreSQL too, once the dashboard has a public address.
    const linked = await waitFor(() => a.adapter.alerts.find((x) => x.caseId === high!.id), { timeoutMs: 30_000, what: 'the alert for the high case' });
    expect(linked.caseUrl).toBe(`https://mod.example.org/cases/${high!.id}`);

    const { url: link } = await askForLink(a);
    expect(link, 'the /case web reply carries a sign-in link').toBeDefined();
    const client = new Client(a.base);
    expect((await client.signIn(link!)).status).toBe(303);
    const ids = async (query: string) => {
      const res = await client.request(`/${query}`);
      expect(res.status, query).toBe(200);
      return caseIdsIn(res.body);
    };
    const both = [high!.id, moderate!.id].sort((x, y) => x - y);
    expect(await ids('')).toEqual(both);
    expect(await ids('?level=high')).toEqual([high!.id]);
    expect(await ids('?platform=slack')).toEqual([]);

    // The case page, with the signal, the alert and the audit row in its timeline.
    const detail = await client.request(`/cases/${high!.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toContain(`Case #${high!.id}`);
    const db = new PgDb(url, { maxConnections: 2 });
    const reads = new PgDashboardReads(db, 5);
    const timeline = await reads.caseDetail(high!.id);
    expect(timeline!.timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['signal', 'alert', 'audit']));

    // A moderator acknowledges the moderate case on instance b: a's dashboard sees it, and its
    // change mark (what the live page polls) moves.
    const before = await reads.changeMark();
    const ack = await b.adapter.command('case', ['ack', String(moderate!.id)], MODERATOR);
    expect(ack.ok, ack.text).toBe(true);
    expect(await reads.changeMark()).not.toBe(before);
    expect(await ids('?status=acknowledged')).toEqual([moderate!.id]);
    expect(await ids('?status=open')).toEqual([high!.id]);

    // The sign-in link and session live in PostgreSQL, hashed.
    try {
      const sessions = await db.sql.one<{ n: number }>('SELECT COUNT(*)::int AS n FROM dashboard_sessions');
      expect(sessions!.n).toBe(1);
      const links = await db.sql.rows<{ token_hash: string }>('SELECT token_hash FROM dashboard_links');
      expect(links.every((l) => !link!.includes(l.token_hash))).toBe(true);
    } finally {
      await db.close();
    }
  }, 120_000);
});
