/**
 * Delivery truth (issue 12 item 3) through the real bot: crisis resources count as sent only
 * when the platform confirmed them, a failed send stays in the durable queue and is retried,
 * the person's next message re-sends what never arrived, and the moderators' alert says what
 * reached the person and is updated when that changes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/bot-harness.js';

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

const US = { CRISIS_DEFAULT_COUNTRY: 'US' };
const HIGH = 'I keep thinking about killing myself and I do not know how to stop.';
const SUPPORTIVE = 'I am really glad you told me. You matter.';

// Each send during the outage takes the queue's quick retries before it is queued (10 ms apart here, about 5 s in all by default).
const OUTAGE_TIMEOUT = { timeout: 60_000 };

describe('resources during a platform outage', () => {
  it('are not recorded as sent, and the alert says nothing reached the person', OUTAGE_TIMEOUT, async () => {
    h = await startHarness({ env: US, reply: () => SUPPORTIVE });
    h.adapter.outage = true;
    h.adapter.outageRetryAfterMs = 10; // what follows the quick tries is tested here, not their 5 s of backoff
    await h.adapter.receive({ text: HIGH });
    await h.bot.drainAlerts();

    expect(h.adapter.failedSends.some((m) => m.kind === 'resources')).toBe(true);
    expect(h.adapter.sent).toEqual([]);
    expect(await h.bot.cases.getCase(1)).toMatchObject({ resourcesSent: [], resourcesAt: undefined });
    expect(h.sink.alerts.map((a) => [a.kind, a.resourcesSent])).toEqual([['new', []]]);
    const exported = await h.bot.cases.exportUser('fake:u1');
    expect(exported[0]!.resourceDeliveries).toMatchObject([{ deliveredAt: undefined, supersededAt: undefined }]);
  });

  it('are re-sent by the retry queue once the platform is back, and the moderators are told', OUTAGE_TIMEOUT, async () => {
    h = await startHarness({ env: US, reply: () => SUPPORTIVE });
    h.adapter.outage = true;
    h.adapter.outageRetryAfterMs = 10; // what follows the quick tries is tested here, not their 5 s of backoff
    await h.adapter.receive({ text: HIGH });
    await h.bot.drainAlerts();
    h.adapter.outage = false;
    // Still inside the backoff: nothing is due yet.
    expect(await h.bot.drainResources()).toBe(0);
    h.clock.advance(60_000);
    expect(await h.bot.drainResources()).toBe(1);
    await h.bot.drainAlerts();

    expect(h.adapter.sent.map((m) => m.kind)).toEqual(['resources']);
    expect(h.adapter.sent[0]!.text).toContain('988');
    const c = await h.bot.cases.getCase(1);
    expect(c?.resourcesSent.length).toBeGreaterThan(0);
    expect(h.sink.alerts.map((a) => [a.kind, a.resourcesSent.length > 0])).toEqual([['new', false], ['update', true]]);
    expect(h.sink.alerts[1]!.priority).toBe('normal');
  });

  it('are re-sent at once by the person\'s next message, before the answer to it', OUTAGE_TIMEOUT, async () => {
    h = await startHarness({ env: US, reply: () => SUPPORTIVE });
    h.adapter.outage = true;
    h.adapter.outageRetryAfterMs = 10; // what follows the quick tries is tested here, not their 5 s of backoff
    await h.adapter.receive({ text: HIGH });
    h.adapter.outage = false;
    await h.adapter.receive({ text: 'hello?' });

    expect(h.adapter.sent.map((m) => m.kind)).toEqual(['resources', 'reply']);
    expect((await h.bot.cases.getCase(1))?.resourcesSent.length).toBeGreaterThan(0);
    // Delivered once: the retry queue has nothing left.
    h.clock.advance(10 * 60_000);
    expect(await h.bot.drainResources()).toBe(0);
  });
});

describe('resources the platform confirmed', () => {
  it('are recorded on the case and named in the first alert', async () => {
    h = await startHarness({ env: US, reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: HIGH });
    await h.bot.drainAlerts();
    expect(h.sink.alerts.map((a) => a.kind)).toEqual(['new']);
    expect(h.sink.alerts[0]!.resourcesSent).toEqual((await h.bot.cases.getCase(1))?.resourcesSent);
    expect(h.sink.alerts[0]!.resourcesSent).toContain('us-988-voice');
  });
});
