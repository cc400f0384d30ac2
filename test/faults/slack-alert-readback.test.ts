/**
 * Issue 17 item 2 on Slack: an alert post that a crashed run made but never recorded is found
 * in the moderator channel (message metadata, read back with conversations.history) when the
 * outbox retries the row, so it is not posted a second time. A retry with nothing there posts.
 * The real Slack adapter's sink against the Slack fake, the real outbox and SQLite store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../adapters/slack/index.js';
import { silentLogger } from '../../src/logger.js';
import { startFakeSlack, type FakeSlack } from '../fakes/fake-slack.js';
import { startHarness, type Harness } from '../helpers/bot-harness.js';
import { testConfig } from '../slack/harness.js';
import { readDb } from '../hardening/world.js';

const HIGH = 'I keep thinking about killing myself and I do not know how to stop.';
let h: Harness | undefined;
let fake: FakeSlack | undefined;
afterEach(async () => {
  await h?.close();
  await fake?.close();
  h = undefined;
  fake = undefined;
});

async function start() {
  fake = await startFakeSlack();
  const slack = createSlackAdapter(testConfig(fake), { logger: silentLogger });
  h = await startHarness({ env: { CRISIS_DEFAULT_COUNTRY: 'US' }, extraSinks: [slack.moderatorSink!] });
  return { fake, h, sink: slack.moderatorSink! };
}

const posts = (f: FakeSlack) => f.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0MODS' && c.result?.ok === true);
const slackRow = (dbPath: string) => readDb<{ delivered_at: string | null; attempts: number; ref: string | null }>(
  dbPath, "SELECT delivered_at, attempts, ref FROM alert_outbox WHERE sink = 'slack'")[0]!;

describe('a Slack moderator alert retried after a post the outbox never recorded', () => {
  it('finds the earlier post by its metadata and does not post it again', async () => {
    const { fake, h, sink } = await start();
    // The first try fails (no post), so the row is retried later.
    fake.failNext('chat.postMessage', { error: 'fatal_error' });
    await h.adapter.receive({ text: HIGH });
    await h.bot.drainAlerts();
    const alert = h.sink.alerts[0]!;
    expect(slackRow(h.dbPath).delivered_at).toBeNull();
    // What a run killed between the post and the mark leaves: the message is in the channel.
    const { ref } = await sink.deliver(alert);
    expect(posts(fake)).toHaveLength(1);

    h.clock.advance(10 * 60_000);
    await h.bot.drainAlerts();
    expect(posts(fake)).toHaveLength(1);
    expect(fake.callsTo('conversations.history')).toHaveLength(1);
    const row = slackRow(h.dbPath);
    expect(row.delivered_at).not.toBeNull();
    expect(row.ref).toBe(ref);
  });

  it('posts on the retry when the channel does not have it', async () => {
    const { fake, h } = await start();
    fake.failNext('chat.postMessage', { error: 'fatal_error' });
    await h.adapter.receive({ text: HIGH });
    await h.bot.drainAlerts();
    expect(posts(fake)).toHaveLength(0);
    h.clock.advance(10 * 60_000);
    await h.bot.drainAlerts();
    expect(fake.callsTo('conversations.history')).toHaveLength(1);
    expect(posts(fake)).toHaveLength(1);
    expect(posts(fake)[0]!.args.metadata).toMatchObject({ event_type: 'oyster_alert', event_payload: { key: `a${h.sink.alerts[0]!.alertId}` } });
    expect(slackRow(h.dbPath).delivered_at).not.toBeNull();
  });
});
