/**
 * The queue's filters (status, level, platform) over real HTTP against the real bot's
 * dashboard and SQLite store: each filter narrows the list, and an unknown value falls back
 * to the default view instead of failing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { askForLink, Client, HIGH, MODERATOR, startDashWorld, type DashWorld } from './harness.js';

const MODERATE = 'Lately I wish I could fall asleep and just never wake up again.';

let world: DashWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const caseIdsIn = (body: string) => [...body.matchAll(/>Case #(\d+)</g)].map((m) => Number(m[1])).sort((a, b) => a - b);

describe('queue filters', () => {
  it('narrows the queue by status, level and platform, and ignores unknown values', async () => {
    const w = await startDashWorld();
    world = w;
    const person = (id: string) => ({ id, displayName: id, isBot: false, isSelf: false });
    await w.adapter.receive({ text: HIGH, userId: 'u1', author: person('u1') });
    await w.adapter.receive({ text: MODERATE, userId: 'u2', author: person('u2') });
    const cases = await w.bot.cases.listCases({ activeOnly: true, failingAfterAttempts: 5 });
    const high = cases.find((c) => c.level === 'high');
    const moderate = cases.find((c) => c.level === 'moderate');
    expect(high && moderate, 'both sample sentences open a case, at high and moderate').toBeTruthy();
    await w.adapter.command('case', ['ack', String(moderate!.id)], MODERATOR);

    const { url } = await askForLink(w);
    const client = new Client(w.base);
    expect((await client.signIn(url!)).status).toBe(303);
    const ids = async (query: string) => {
      const res = await client.request(`/${query}`);
      expect(res.status, query).toBe(200);
      return caseIdsIn(res.body);
    };

    const both = [high!.id, moderate!.id].sort((a, b) => a - b);
    expect(await ids('')).toEqual(both);
    expect(await ids('?status=open')).toEqual([high!.id]);
    expect(await ids('?status=acknowledged')).toEqual([moderate!.id]);
    expect(await ids('?status=resolved')).toEqual([]);
    expect(await ids('?level=high')).toEqual([high!.id]);
    expect(await ids('?level=moderate')).toEqual(both);
    expect(await ids('?platform=fake')).toEqual(both);
    expect(await ids('?platform=slack')).toEqual([]);
    // Unknown values are the default view, never an error page.
    expect(await ids('?status=bogus&level=%3Cscript%3E&platform=..%2F')).toEqual(both);
  });
});
