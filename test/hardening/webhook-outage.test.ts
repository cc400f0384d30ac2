/**
 * The moderator webhook failing: the real webhook sink posting to a local receiver that
 * answers 500, the harness clock advanced through ten minutes of outage, then recovery.
 * What moderators get: every alert once (per X-Oyster-Alert-Id) after recovery; meanwhile the
 * failure is visible (outbox stats, `oyster-bot cases`, error-level log lines with a code),
 * and other sinks keep receiving alerts.
 */
import { PassThrough } from 'node:stream';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { casesCommand } from '../../src/cli/cases.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';
import { HIGH, IMMINENT, readDb, startWorld, SUPPORTIVE, tempDbPath, type World } from './world.js';

const SECRET = 'hardening-webhook-secret-0123456789';
const MINUTE = 60_000;
let world: World | undefined;
let receiver: WebhookReceiver | undefined;
afterEach(async () => {
  // The receiver first: a held request would otherwise keep the final drain waiting.
  await receiver?.close();
  await world?.close();
  world = undefined;
  receiver = undefined;
});

const webhookEnv = (r: WebhookReceiver) => ({ MODERATOR_WEBHOOK_URL: r.url, MODERATOR_WEBHOOK_SECRET: SECRET });

/** Runs `oyster-bot cases --open` in process against the live database file. */
async function casesCli(dbPath: string): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await casesCommand.run(['--open', '--db', dbPath], { stdin: new PassThrough(), stdout, stderr: new PassThrough(), env: {} });
  return { code, out };
}

describe('the moderator webhook failing for ten minutes', () => {
  it('keeps retrying visibly, keeps other sinks fed, and delivers every alert exactly once after recovery', async () => {
    receiver = await startWebhookReceiver(SECRET, 'fail');
    world = await startWorld({ env: webhookEnv(receiver), reply: () => SUPPORTIVE });
    const w = world;
    await w.adapter.receive({ text: IMMINENT });
    // The user is not affected by the outage: emergency number and crisis line first, then the reply.
    expect(w.adapter.sent.map((m) => m.kind)).toEqual(['resources', 'reply']);
    expect(w.adapter.sent[0]!.text.indexOf('911')).toBeLessThan(w.adapter.sent[0]!.text.indexOf('988'));

    let sawFailingInCli = false;
    for (let elapsed = 0; elapsed < 10 * MINUTE; elapsed += 15_000) {
      await w.bot.drainAlerts();
      if (!sawFailingInCli && (await w.bot.outbox.stats()).failing > 0) {
        const cli = await casesCli(w.dbPath);
        expect(cli.code).toBe(1); // monitoring scripts see a failing alert
        expect(cli.out).toMatch(/FAILING 1.*\(ESCALATION_NOTIFY_FAILED:http_500\)/);
        expect(cli.out).toMatch(/Outbox: \d+ undelivered, [1-9]\d* failing\./);
        sawFailingInCli = true;
      }
      w.clock.advance(15_000);
    }
    await w.bot.drainAlerts();
    expect(sawFailingInCli).toBe(true);

    // Imminent and unacknowledged: re-alerts every 5 minutes; the healthy sink got each one at once.
    expect(w.sink.alerts.map((a) => a.kind)).toEqual(['new', 'realert', 'realert']);
    expect(receiver.accepted.size).toBe(0);
    const during = await w.bot.outbox.stats();
    expect(during.depth).toBe(3); // the three webhook rows, none dropped
    expect(during.failing).toBeGreaterThanOrEqual(1);
    const failingLines = w.logs.lines.filter((l) => l.msg === 'moderator alert failing: still retrying');
    expect(failingLines.length).toBeGreaterThan(0);
    expect(failingLines.every((l) => l.level === 50 && l.code === 'ESCALATION_NOTIFY_FAILED' && l.cause === 'ESCALATION_NOTIFY_FAILED:http_500')).toBe(true);
    const refused = receiver.raw.length;
    // Backoff doubles from 5 s up to 5 min: about eight tries for the first alert in ten minutes, not hundreds.
    expect(refused).toBeGreaterThanOrEqual(6);
    expect(refused).toBeLessThanOrEqual(20);

    // Recovery: the longest backoff is 5 minutes, so everything is due within one interval.
    receiver.mode = 'ok';
    w.clock.advance(5 * MINUTE);
    await w.bot.drainAlerts();
    await w.bot.drainAlerts();

    const ids = readDb<{ id: number }>(w.dbPath, 'SELECT id FROM alerts ORDER BY id').map((r) => String(r.id));
    expect([...receiver.accepted.keys()]).toEqual(ids);
    for (const id of ids) expect(receiver.raw.filter((r) => r.alertId === id && r.status === 200)).toHaveLength(1);
    expect(receiver.raw.every((r) => r.signatureOk)).toBe(true);
    expect(await w.bot.outbox.stats()).toEqual({ depth: 0, failing: 0 });
    expect((await casesCli(w.dbPath)).code).toBe(0);
    // The test sink never got a second copy of any alert.
    expect(new Set(w.sink.alerts.map((a) => a.alertId)).size).toBe(w.sink.alerts.length);
  });
});

describe('a restart while the moderator webhook is in trouble', () => {
  it('retries an alert at once after a restart instead of waiting out the backoff chosen before it', async () => {
    const dbPath = tempDbPath();
    receiver = await startWebhookReceiver(SECRET, 'fail');
    world = await startWorld({ env: webhookEnv(receiver), reply: () => SUPPORTIVE, dbPath });
    await world.adapter.receive({ text: HIGH });
    await world.bot.drainAlerts();
    const [row] = readDb<{ attempts: number; delivered_at: string | null }>(dbPath, "SELECT attempts, delivered_at FROM alert_outbox WHERE sink = 'webhook'");
    expect(row).toEqual({ attempts: 1, delivered_at: null });
    await world.close();

    // Same database, same clock reading: the retry scheduled seconds ahead is not due yet.
    receiver.mode = 'ok';
    world = await startWorld({ env: webhookEnv(receiver), reply: () => SUPPORTIVE, dbPath });
    await waitFor(() => receiver!.accepted.size === 1, { what: 'the alert after the restart' });
    expect(receiver.raw.map((r) => r.status)).toEqual([500, 200]);
  });

  it('answers users at once after a restart even when the webhook hangs on a pending alert', async () => {
    const dbPath = tempDbPath();
    receiver = await startWebhookReceiver(SECRET, 'fail');
    world = await startWorld({ env: webhookEnv(receiver), reply: () => SUPPORTIVE, dbPath });
    await world.adapter.receive({ text: HIGH });
    await world.close();
    // The pending row is due (as after a crash mid-send), whatever backoff the failure chose.
    const db = new Database(dbPath);
    db.prepare("UPDATE alert_outbox SET next_attempt_at = '2000-01-01T00:00:00.000Z' WHERE delivered_at IS NULL").run();
    db.close();

    receiver.mode = 'hang';
    const started = performance.now();
    world = await startWorld({ env: webhookEnv(receiver), reply: () => SUPPORTIVE, dbPath });
    // Before the fix, start() awaited the first outbox pass: 10 s per hanging webhook row. The
    // bound sits just under that, so a slow start on a loaded machine still passes.
    expect(performance.now() - started).toBeLessThan(9_500);
    await world.adapter.receive({ id: 'after-restart-1', text: 'hello again', userId: 'u2' });
    expect(world.adapter.textsIn('dm-u2')).toEqual([SUPPORTIVE]);
    await waitFor(() => receiver!.hanging === 1, { what: 'the pending alert in flight' });
  });
});
