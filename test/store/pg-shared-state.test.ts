/**
 * Two bot instances on one PostgreSQL share what used to be per process: a person who floods
 * both instances at once is limited by one bucket, not one per instance.
 */
import { afterEach, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/bot-harness.js';
import { describePg, freshDatabase } from './pg-env.js';

describePg('state shared by instances on PostgreSQL', (serverUrl) => {
  const running: Harness[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((h) => h.close()));
  });

  it('limits a person flooding two instances by one shared bucket', async () => {
    const url = await freshDatabase(serverUrl);
    const env = { DATABASE_URL: url, RATE_LIMIT_BURST: '3', RATE_LIMIT_PER_MINUTE: '1' };
    const a = await startHarness({ env: { ...env, OYSTER_INSTANCE_ID: 'bot-a' } });
    running.push(a);
    const b = await startHarness({ env: { ...env, OYSTER_INSTANCE_ID: 'bot-b' } });
    running.push(b);
    // The same person, alternating instances (a load balancer's round robin); ids are distinct.
    for (let i = 0; i < 6; i++) {
      const h = i % 2 === 0 ? a : b;
      await h.adapter.receive({ id: `m-${i}`, text: `message number ${i}` });
    }
    // One bucket of 3 across both: one instance alone would have answered up to 3 itself.
    expect(a.model.calls.length + b.model.calls.length).toBe(3);
    const notices = [...a.adapter.sent, ...b.adapter.sent].filter((m) => m.kind === 'notice');
    expect(notices).toHaveLength(1);
    // Another person is not limited by the first one's bucket.
    await b.adapter.receive({ id: 'm-other', text: 'hello from someone else', userId: 'u2' });
    expect(a.model.calls.length + b.model.calls.length).toBe(4);
  });
});
