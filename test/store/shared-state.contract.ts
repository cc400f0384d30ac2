/**
 * Contract for the state every instance must share (rate buckets, private reachability), on
 * any store. On PostgreSQL the concurrency case is real: the takes run on separate pooled
 * connections at once, and the row lock must keep them from spending one token twice.
 */
import { afterEach, expect, it } from 'vitest';
import { T0, at } from './case-store.contract.js';
import type { StoreFactory, StoreSet } from './stores.js';

const SETTINGS = { perMinute: 6, burst: 3 };

export function sharedStateContract(make: StoreFactory): void {
  let s: StoreSet;
  afterEach(async () => s?.close());

  it('gives a new person a full bucket, refuses once it is empty, and tells them only once', async () => {
    s = await make();
    const takes = [];
    for (let i = 0; i < 5; i++) takes.push(await s.shared.takeRateToken('telegram:1', T0, SETTINGS));
    expect(takes).toEqual([
      { allowed: true, notify: false }, { allowed: true, notify: false }, { allowed: true, notify: false },
      { allowed: false, notify: true }, { allowed: false, notify: false },
    ]);
    // Another person has their own bucket.
    expect(await s.shared.takeRateToken('telegram:2', T0, SETTINGS)).toEqual({ allowed: true, notify: false });
  });

  it('refills with time at the configured rate, and a new episode is told again', async () => {
    s = await make();
    for (let i = 0; i < 4; i++) await s.shared.takeRateToken('telegram:1', T0, SETTINGS);
    // 6 per minute: one token every 10 s.
    expect((await s.shared.takeRateToken('telegram:1', new Date(T0.getTime() + 5_000), SETTINGS)).allowed).toBe(false);
    expect((await s.shared.takeRateToken('telegram:1', new Date(T0.getTime() + 10_000), SETTINGS)).allowed).toBe(true);
    expect(await s.shared.takeRateToken('telegram:1', new Date(T0.getTime() + 10_000), SETTINGS)).toEqual({ allowed: false, notify: true });
  });

  it('never lets concurrent takes spend more tokens than the bucket holds', async () => {
    s = await make();
    const verdicts = await Promise.all(Array.from({ length: 12 }, () => s.shared.takeRateToken('telegram:9', T0, SETTINGS)));
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(3);
    expect(verdicts.filter((v) => v.notify)).toHaveLength(1);
  });

  it('purges buckets nobody touched since a time', async () => {
    s = await make();
    await s.shared.takeRateToken('telegram:1', T0, SETTINGS);
    await s.shared.takeRateToken('telegram:2', at(10), SETTINGS);
    expect(await s.shared.purgeRateBuckets(at(5))).toBe(1);
    expect(await s.count('rate_buckets')).toBe(1);
  });

  it('remembers who can be messaged privately, and forgets a refusal once it expires', async () => {
    s = await make();
    expect(await s.shared.directReach('discord:1', T0)).toBeUndefined();
    await s.shared.setDirectReach('discord:1', { state: 'open', channelId: 'dm-77' }, T0);
    expect(await s.shared.directReach('discord:1', T0)).toEqual({ state: 'open', channelId: 'dm-77' });
    await s.shared.setDirectReach('discord:1', { state: 'closed', until: at(60) }, T0);
    expect(await s.shared.directReach('discord:1', at(59))).toEqual({ state: 'closed', until: at(60) });
    expect(await s.shared.directReach('discord:1', at(60))).toBeUndefined();
    await s.shared.setDirectReach('telegram:5', { state: 'open', channelId: undefined }, T0);
    await s.shared.setDirectReach('telegram:5', undefined, T0);
    expect(await s.shared.directReach('telegram:5', T0)).toBeUndefined();
  });

  it('drops the bucket and the reachability with the person on /forget', async () => {
    s = await make();
    await s.shared.takeRateToken('telegram:1', T0, SETTINGS);
    await s.shared.setDirectReach('telegram:1', { state: 'open', channelId: undefined }, T0);
    await s.shared.setDirectReach('telegram:2', { state: 'open', channelId: undefined }, T0);
    await s.messages.forgetUser('telegram:1');
    expect(await s.shared.directReach('telegram:1', T0)).toBeUndefined();
    expect(await s.count('rate_buckets')).toBe(0);
    expect(await s.shared.directReach('telegram:2', T0)).toEqual({ state: 'open', channelId: undefined });
  });

  it('keeps each shard\'s last gateway session, never moving its sequence back, and replaces it with a new session', async () => {
    s = await make();
    expect(await s.shared.gatewaySession('discord:1')).toBeUndefined();
    const first = { sessionId: 'abc', resumeUrl: 'wss://resume.example/a', sequence: 10, shardCount: 2 };
    await s.shared.saveGatewaySession('discord:1', first, T0);
    await s.shared.saveGatewaySession('discord:1', { ...first, sequence: 14 }, at(1));
    // A write that lands late (an older sequence of the same session) does not move it back.
    await s.shared.saveGatewaySession('discord:1', { ...first, sequence: 12 }, at(2));
    expect(await s.shared.gatewaySession('discord:1')).toEqual({ ...first, sequence: 14 });
    // A new session (a fresh IDENTIFY) replaces the row, even with a lower sequence.
    const second = { sessionId: 'def', resumeUrl: 'wss://resume.example/b', sequence: 1, shardCount: 2 };
    await s.shared.saveGatewaySession('discord:1', second, at(3));
    expect(await s.shared.gatewaySession('discord:1')).toEqual(second);
    expect(await s.shared.gatewaySession('discord:0')).toBeUndefined();
  });

  it('keeps each shard\'s channel marks moving forward only, and reads back the recent ones', async () => {
    s = await make();
    const t = (sec: number) => T0.getTime() + sec * 1_000;
    await s.shared.saveGatewayChannelMarks('discord:1', [
      { channelId: '210000000000000001', lastMessageId: '99999999999999999', seenAt: t(0) },
      { channelId: '210000000000000002', lastMessageId: '1300000000000000005', seenAt: t(1) },
    ]);
    // A longer snowflake is higher, though its first digit is lower; a lower id or older sighting never wins.
    await s.shared.saveGatewayChannelMarks('discord:1', [
      { channelId: '210000000000000001', lastMessageId: '100000000000000000', seenAt: t(5) },
      { channelId: '210000000000000002', lastMessageId: '1300000000000000004', seenAt: t(0) },
    ]);
    await s.shared.saveGatewayChannelMarks('discord:0', [{ channelId: '200000000000000001', lastMessageId: '1', seenAt: t(5) }]);
    expect(await s.shared.gatewayChannelMarks('discord:1', T0)).toEqual([
      { channelId: '210000000000000001', lastMessageId: '100000000000000000', seenAt: t(5) },
      { channelId: '210000000000000002', lastMessageId: '1300000000000000005', seenAt: t(1) },
    ]);
    // Only channels seen since the given time; the older ones are dropped.
    expect((await s.shared.gatewayChannelMarks('discord:1', new Date(t(2)))).map((m) => m.channelId)).toEqual(['210000000000000001']);
    expect(await s.shared.gatewayChannelMarks('discord:1', T0)).toHaveLength(1);
    expect(await s.shared.gatewayChannelMarks('discord:0', T0)).toHaveLength(1);
  });

  it('gives an IDENTIFY slot to one caller per interval and tells the others how long to wait', async () => {
    s = await make();
    // Several callers at once (on PostgreSQL: separate pooled connections): exactly one gets it.
    const waits = await Promise.all(Array.from({ length: 6 }, () => s.shared.takeIdentifySlot('discord:identify:0', T0, 5_000)));
    expect(waits.filter((w) => w === 0)).toHaveLength(1);
    for (const w of waits.filter((w) => w !== 0)) expect(w).toBe(5_000);
    // Another bucket is independent; the first is free again once its interval has passed.
    expect(await s.shared.takeIdentifySlot('discord:identify:1', T0, 5_000)).toBe(0);
    expect(await s.shared.takeIdentifySlot('discord:identify:0', new Date(T0.getTime() + 4_000), 5_000)).toBe(1_000);
    expect(await s.shared.takeIdentifySlot('discord:identify:0', new Date(T0.getTime() + 5_000), 5_000)).toBe(0);
  });
}
