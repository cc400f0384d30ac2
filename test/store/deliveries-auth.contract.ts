/**
 * Contracts for the resource-delivery queue and the dashboard's sign-in storage, on any store.
 */
import { afterEach, expect, it } from 'vitest';
import type { NewResourceDelivery } from '../../src/store/resource-deliveries.js';
import { MINUTE, T0, at, signal } from './case-store.contract.js';
import type { StoreFactory, StoreSet } from './stores.js';

const resources = (over: Partial<NewResourceDelivery> = {}): NewResourceDelivery => ({
  caseId: undefined,
  userKey: 'telegram:501',
  conversation: { platform: 'telegram', channelId: '501' },
  place: 'private',
  level: 'high',
  country: 'DE',
  locale: 'de',
  about: 'self',
  resourceIds: ['de.telefonseelsorge'],
  at: T0,
  ...over,
});

export function deliveriesContract(make: StoreFactory): void {
  let s: StoreSet;
  afterEach(async () => s?.close());

  it('supersedes an older queued message for the same person and place', async () => {
    s = await make();
    const first = await s.deliveries.enqueue(resources());
    const second = await s.deliveries.enqueue(resources({ level: 'imminent', at: at(1) }));
    expect(second.superseded).toBe(1);
    expect(await s.deliveries.claim(first.id, at(2), MINUTE)).toBeUndefined();
    expect(await s.deliveries.pendingCount()).toBe(1);
    expect((await s.deliveries.forUser('telegram:501')).map((d) => [d.id, d.supersededAt !== undefined])).toEqual([[first.id, true], [second.id, false]]);
  });

  it('gives a queued message to one of many concurrent claimants', async () => {
    s = await make();
    for (let u = 0; u < 5; u++) await s.deliveries.enqueue(resources({ userKey: `telegram:${u}`, conversation: { platform: 'telegram', channelId: `${u}` } }));
    const claims = await Promise.all(Array.from({ length: 4 }, () => s.deliveries.claimDue(at(0), MINUTE, 2)));
    const ids = claims.flat().map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(5);
    expect(claims.flat().every((c) => c.attempts === 1)).toBe(true);
    expect(await s.deliveries.claimDue(at(0), MINUTE, 10)).toEqual([]);
  });

  it('on a confirmed send records the resources on the case and tells a sink that already had the alert', async () => {
    s = await make();
    const opened = await s.cases.recordSignal(signal('high', { sinks: ['webhook'] }));
    const [alertRow] = await s.cases.claimDue(at(0), MINUTE, 10);
    await s.cases.markDelivered(alertRow!.id, 'a1', at(1));
    const { id } = await s.deliveries.enqueue(resources({ caseId: opened.caseRecord.id }));
    const claimed = await s.deliveries.claim(id, at(2), MINUTE);
    expect(claimed?.attempts).toBe(1);
    expect(await s.deliveries.claim(id, at(3), MINUTE)).toBeUndefined();
    expect(await s.deliveries.markDelivered(id, 'wrong-token', 'r', at(4), ['webhook'])).toEqual({ marked: false, alertId: undefined });
    const done = await s.deliveries.markDelivered(id, claimed!.claimToken, 'dm-1', at(4), ['webhook']);
    expect(done.marked).toBe(true);
    expect(done.alertId).toBeGreaterThan(0);
    expect(await s.cases.getCase(opened.caseRecord.id)).toMatchObject({ resourcesSent: ['de.telefonseelsorge'], resourcesLevel: 'high', resourcesAt: at(4) });
    const [update] = await s.cases.claimDue(at(5), MINUTE, 10);
    expect(update?.alert).toMatchObject({ kind: 'update', resourcesSent: ['de.telefonseelsorge'] });
    expect(await s.deliveries.pendingCount()).toBe(0);
  });

  it('retries a failed send after its backoff and never retries a refused one', async () => {
    s = await make();
    const a = await s.deliveries.enqueue(resources());
    const b = await s.deliveries.enqueue(resources({ userKey: 'telegram:777', conversation: { platform: 'telegram', channelId: '777' } }));
    const [ca, cb] = await s.deliveries.claimDue(at(0), MINUTE, 10);
    await s.deliveries.markFailed(ca!.id, ca!.claimToken, 'PLATFORM_NETWORK', at(10 * MINUTE));
    await s.deliveries.markRefused(cb!.id, cb!.claimToken, 'PLATFORM_PERMISSION', at(1));
    expect(await s.deliveries.claimDue(at(MINUTE), MINUTE, 10)).toEqual([]);
    expect((await s.deliveries.claimForUser('telegram:501', at(MINUTE), MINUTE)).map((d) => [d.id, d.attempts])).toEqual([[a.id, 2]]);
    expect(await s.deliveries.claimForUser('telegram:777', at(MINUTE), MINUTE)).toEqual([]);
    expect(b.id).toBe(cb!.id);
  });

  it('redeems a sign-in link once, even when two requests race, and refuses an expired one', async () => {
    s = await make();
    const grant = { userKey: 'discord:9', displayName: 'mod', roleIds: ['r1'] };
    await s.dashboardAuth.saveLink('h1', grant, T0, at(10 * MINUTE));
    await s.dashboardAuth.saveLink('h2', grant, T0, at(MINUTE));
    const results = await Promise.all([s.dashboardAuth.redeemLink('h1', at(1)), s.dashboardAuth.redeemLink('h1', at(1))]);
    expect(results.map((r) => r.status).sort()).toEqual(['ok', 'used']);
    expect(results.find((r) => r.status === 'ok')).toEqual({ status: 'ok', grant });
    expect(await s.dashboardAuth.redeemLink('h2', at(MINUTE))).toEqual({ status: 'expired' });
    expect(await s.dashboardAuth.redeemLink('nope', at(1))).toEqual({ status: 'unknown' });
    await s.dashboardAuth.saveSession('s1', grant, at(2));
    await s.dashboardAuth.touchSession('s1', at(5));
    await s.dashboardAuth.touchSession('s1', at(3));
    expect(await s.dashboardAuth.session('s1')).toEqual({ ...grant, createdAt: at(2), lastSeenAt: at(5) });
    expect(await s.dashboardAuth.purge(at(MINUTE), at(4), at(0))).toBe(1);
    await s.dashboardAuth.endSession('s1');
    expect(await s.dashboardAuth.session('s1')).toBeUndefined();
  });
}
