/**
 * The fault suite, small (issue 17 item 7): the real CLI SIGKILLed three times at random
 * moments while people write, against the Telegram and the Slack fake, a signed webhook and the
 * fake model (test/faults/fault-run.ts; `npm run faults -- --kills 30` is the full run). Every
 * wait is for an event (the bot's /readyz, the fakes' records), never a fixed time.
 *
 * Asserted: no message lost, no crisis message without its resources, its case and its alerts,
 * and nothing of a person who asked /forget left in the database files. Doubles are printed:
 * a reply or alert taken by the platform in the instant before a kill is sent again after the
 * restart (at least once; Slack alerts and the webhook's idempotency key cover the alerts).
 */
import { describe, expect, it } from 'vitest';
import { runFaults } from './fault-run.js';

/** Each of the four starts loads the SDKs: many seconds apiece on a loaded 2-core machine. */
const RUN_TIMEOUT_MS = 15 * 60_000;

describe.each(['telegram', 'slack'] as const)('a bot SIGKILLed three times on %s', (platform) => {
  it('loses no message, no resources and no alert, and keeps nothing of a forgotten person', async () => {
    const r = await runFaults({ platform, kills: 3, rate: 3, seed: 11, startDeadlineMs: 180_000 });
    console.log(`fault suite ${platform}: ${JSON.stringify({ ...r, details: r.details.slice(0, 10) })}`);
    expect(r.starts).toBe(4);
    expect(r.sent).toBeGreaterThan(3);
    expect(r.crisis).toBeGreaterThan(0);
    expect(r.undeliverable).toBe(0);
    expect(r.lost).toBe(0);
    expect(r.resourcesLost).toBe(0);
    expect(r.alertsLost).toBe(0);
    expect(r.forgetBytes).toEqual({ total: 0, byFile: {} });
    expect(r.forgetBytesAfterStop.total).toBe(0);
    expect(r.stopExit).toBe(0);
  }, RUN_TIMEOUT_MS);
});
