/** The adapters' shared kit (adapters/shared/): the pieces every platform adapter is built from. */
import { describe, expect, it } from 'vitest';
import { createAlertSink } from '../../adapters/shared/alert-sink.js';
import { BoundedMap, BoundedSet } from '../../adapters/shared/bounded.js';
import { httpUrl, matching } from '../../adapters/shared/env.js';
import { InFlight, TypingTimers } from '../../adapters/shared/lifecycle.js';
import { mayRetryRateLimit, sleep } from '../../adapters/shared/retry.js';
import type { AlertView } from '../../src/ports.js';

describe('bounded memories', () => {
  it('forget the oldest entry past the cap and entries past their age', () => {
    let now = 0;
    const map = new BoundedMap<string, number>(2, 100, () => now);
    map.set('a', 1);
    map.set('b', 2);
    map.set('c', 3);
    expect([map.has('a'), map.get('b'), map.get('c')]).toEqual([false, 2, 3]);
    now = 101;
    expect(map.get('b')).toBeUndefined();
  });

  it('say whether an id is new, once', () => {
    const seen = new BoundedSet<number>(2);
    expect([seen.add(1), seen.add(1), seen.add(2), seen.add(3), seen.add(1)]).toEqual([true, false, true, true, true]);
    seen.delete(3);
    expect(seen.has(3)).toBe(false);
  });
});

describe('retry rules', () => {
  it('retry a rate limit only within the count and the longest wait', () => {
    const policy = { maxRetries: 2, maxRetryAfterSeconds: 30 };
    expect(mayRetryRateLimit(policy, 0, 30_000)).toBe(true);
    expect(mayRetryRateLimit(policy, 0, 30_001)).toBe(false);
    expect(mayRetryRateLimit(policy, 2, 1_000)).toBe(false);
  });

  it('end a wait at once when stopped', async () => {
    const stop = new AbortController();
    const waiting = sleep(60_000, stop.signal);
    stop.abort();
    expect(await waiting).toBe(false);
    expect(await sleep(1)).toBe(true);
  });
});

describe('lifecycle skeleton', () => {
  it('waits for tracked work at stop, and no longer than the bound', async () => {
    const work = new InFlight();
    let finish!: () => void;
    work.track(new Promise<void>((resolve) => (finish = resolve)));
    expect(work.size).toBe(1);
    const drained = work.drain(60_000);
    finish();
    await drained;
    expect(work.size).toBe(0);
    work.track(new Promise(() => undefined));
    await work.drain(5); // never settles: the bound ends the wait
    expect(work.size).toBe(1);
  });

  it('renews typing until stopped, and stopAll clears every indicator', () => {
    const typing = new TypingTimers();
    let ticks = 0;
    typing.start(() => ticks++, 60_000);
    typing.start(() => ticks++, 60_000);
    expect(ticks).toBe(2);
    typing.stopAll();
    // A second stopAll finds nothing left to clear.
    expect(() => typing.stopAll()).not.toThrow();
  });
});

describe('environment helpers', () => {
  it('name the variable, what was expected and what was given', () => {
    expect(() => matching({ X_ID: 'abc' }, 'X_ID', /^\d+$/, 'a number')).toThrow('X_ID is invalid: expected a number (got "abc")');
    expect(matching({ X_ID: ' 12 ' }, 'X_ID', /^\d+$/, 'a number')).toBe('12');
    expect(() => httpUrl({ U: 'ftp://x' }, 'U', 'https://example.org')).toThrow('U is invalid: expected an http(s) URL such as https://example.org');
  });
});

describe('alert sink', () => {
  it('posts alerts and digests with a stable key and edits by ref with the alert as it now reads', async () => {
    const calls: string[] = [];
    const sink = createAlertSink<string>('test', { alert: (a) => `alert ${a.caseId} ${a.status}`, digest: (d) => `digest ${d.alerts.length}` }, {
      post: async (body, key) => { calls.push(`post ${key}: ${body}`); return `ref-${calls.length}`; },
      edit: async (ref, body) => { calls.push(`edit ${ref}: ${body}`); },
    });
    const alert = { caseId: 3, alertId: 9, status: 'open' } as AlertView;
    expect(await sink.deliver(alert)).toEqual({ ref: 'ref-1' });
    await sink.edit!('ref-1', { ...alert, status: 'acknowledged' });
    await sink.deliverDigest!({ digestId: 'dd', alerts: [alert], createdAt: '' });
    expect(calls).toEqual(['post a9: alert 3 open', 'edit ref-1: alert 3 acknowledged', 'post ddd: digest 1']);
  });
});
