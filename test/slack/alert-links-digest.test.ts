/** Slack moderator alerts: the permalink to the message, the "not reached privately" update, and digests. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDedupe } from '../../src/crisis/sink-dedupe.js';
import {
  ACTION_ACK, alertBlocks, alertFallbackText, digestBlocks, digestFallbackText, slackMessageLink, type Block,
} from '../../adapters/slack/moderator.js';
import type { AlertDigest } from '../../src/ports.js';
import { eventCallback, signedPost, startFakeSlack, type FakeSlack } from '../fakes/fake-slack.js';
import { waitFor } from '../helpers/wait-for.js';
import { channelEvent, nextTs, sampleAlert } from './fixtures.js';
import { RecordingHandlers, SIGNING_SECRET, startAdapter, type Started } from './harness.js';

const WORKSPACE = 'https://oyster-test.slack.com/';
const allText = (blocks: Block[]) => JSON.stringify(blocks);
/** A top-level channel message: its ts is also its thread root (inbound.ts puts channel replies in its thread). */
const topLevel = sampleAlert({
  messageId: 'C0GENERAL:1700000001.000100',
  conversation: { platform: 'slack', channelId: 'C0GENERAL', threadId: '1700000001.000100', communityId: 'T0TEAM' },
});

describe('slack alert: permalink to the message', () => {
  it('builds the permalink from the workspace URL, the channel and the ts without its dot', () => {
    expect(slackMessageLink(topLevel, WORKSPACE)).toBe('https://oyster-test.slack.com/archives/C0GENERAL/p1700000001000100');
    expect(allText(alertBlocks(topLevel, { workspaceUrl: WORKSPACE }))).toContain('<https://oyster-test.slack.com/archives/C0GENERAL/p1700000001000100|open the message>');
  });

  it('adds thread_ts and cid for a reply inside a thread, with & escaped for mrkdwn', () => {
    const reply = sampleAlert({ messageId: 'C0GENERAL:1700000009.000900' });
    expect(slackMessageLink(reply, WORKSPACE)).toBe(
      'https://oyster-test.slack.com/archives/C0GENERAL/p1700000009000900?thread_ts=1700000001.000100&cid=C0GENERAL',
    );
    expect(allText(alertBlocks(reply, { workspaceUrl: WORKSPACE }))).toContain('?thread_ts=1700000001.000100&amp;cid=C0GENERAL|');
  });

  it('falls back to channel and ts without a workspace URL, and never links a DM', () => {
    expect(allText(alertBlocks(topLevel))).toContain('<#C0GENERAL> (thread 1700000001.000100)"},{"type":"mrkdwn","text":"*Message*\\nslack message id C0GENERAL:1700000001.000100');
    expect(slackMessageLink({ ...topLevel, isDirect: true }, WORKSPACE)).toBeUndefined();
    expect(slackMessageLink({ ...topLevel, messageId: 'D0ALICE:1700000001.000100' }, WORKSPACE)).toBeUndefined();
    expect(slackMessageLink(topLevel, 'javascript:alert(1)')).toBeUndefined();
  });
});

describe('slack alert: the user could not be reached privately', () => {
  it('says so in the header, the first section and the notification text of an open update', () => {
    const update = sampleAlert({ kind: 'update', alertId: 8, reachedPrivately: false });
    const blocks = alertBlocks(update);
    expect((blocks[0]!.text as { text: string }).text).toBe('Not reached privately #42: high risk');
    expect(allText(blocks.slice(1, 2))).toContain('could not be reached privately');
    expect(alertFallbackText(update)).toContain('The user could not be reached privately');
    // Still open: the moderator can still acknowledge it from here.
    expect(allText(blocks)).toContain(ACTION_ACK);
  });

  it('keeps the usual header for a moderator update', () => {
    const acked = alertBlocks(sampleAlert({ kind: 'update', status: 'acknowledged', actedBy: 'Mo', reachedPrivately: false }));
    expect((acked[0]!.text as { text: string }).text).toBe('Case updated #42: high risk');
  });
});

describe('slack digest', () => {
  const digest: AlertDigest = {
    digestId: 'dg-1', createdAt: '2025-01-03T09:00:00.000Z',
    alerts: [
      { ...topLevel, level: 'moderate', priority: 'normal' },
      sampleAlert({ caseId: 43, alertId: 9, level: 'moderate', priority: 'normal', status: 'resolved', actedBy: 'Mo' }),
    ],
  };

  it('lists every case with its permalink and how to act, with no buttons and no mentions', () => {
    const blocks = digestBlocks(digest, { workspaceUrl: WORKSPACE, command: '/oyster' });
    const text = allText(blocks);
    expect(blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(text).toContain('*#42* · moderate risk · open');
    expect(text).toContain('*#43* · moderate risk · resolved by Mo');
    expect(text).toContain('archives/C0GENERAL/p1700000001000100');
    expect(text).toContain('/oyster case ack <id>');
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U0BOB>');
    expect(digestFallbackText(digest)).toBe('Digest: 2 cases (#42 moderate, #43 moderate)');
  });

  describe('through the real adapter against the fake Slack', () => {
    let fake: FakeSlack;
    let bot: Started;
    const handlers = new RecordingHandlers();
    beforeAll(async () => {
      fake = await startFakeSlack();
      bot = await startAdapter(fake, handlers);
    });
    afterAll(async () => {
      await bot.adapter.stop();
      await fake.close();
    });

    it('links alerts with the workspace URL auth.test gave at start, at no extra call', async () => {
      fake.calls.length = 0;
      await bot.adapter.moderatorSink!.deliver(topLevel);
      expect(fake.calls.map((c) => c.method)).toEqual(['chat.postMessage']);
      expect(JSON.stringify(fake.callsTo('chat.postMessage')[0]!.args.blocks)).toContain('https://oyster-test.slack.com/archives/C0GENERAL/p1700000001000100');
    });

    it('links the message id the adapter gives a channel message to that very message', async () => {
      const ts = nextTs();
      await signedPost(bot.url, eventCallback(channelEvent('hello there', ts)), { secret: SIGNING_SECRET });
      const [message] = await waitFor(() => handlers.messages.length > 0 && handlers.messages);
      const link = slackMessageLink({ platform: 'slack', isDirect: message!.isDirect, messageId: message!.id, conversation: message!.conversation }, WORKSPACE);
      expect(link).toBe(`https://oyster-test.slack.com/archives/C0GENERAL/p${ts.replace('.', '')}`);
    });

    it('posts a digest once, as a new message in the moderator channel', async () => {
      fake.calls.length = 0;
      const sink = withDedupe(bot.adapter.moderatorSink!);
      const first = await sink.deliverDigest!(digest);
      const again = await sink.deliverDigest!(digest);
      expect(again).toEqual(first);
      const posts = fake.callsTo('chat.postMessage');
      expect(posts).toHaveLength(1);
      expect(posts[0]!.args).toMatchObject({ channel: 'C0MODS', text: 'Digest: 2 cases (#42 moderate, #43 moderate)' });
      expect(fake.callsTo('chat.update')).toHaveLength(0);
    });
  });
});
