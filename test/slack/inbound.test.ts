import { describe, expect, it } from 'vitest';
import { mentionedUserIds, normalizeSlackEvent, plainText, type SlackEventEnvelope, type SlackInboundContext } from '../../adapters/slack/inbound.js';
import { BOT_ID, BOT_USER_ID, TEAM_ID } from '../fakes/fake-slack.js';
import { CHANNEL, channelEvent, DM, dmEvent, editedEvent, envelope, mentionEvent, nextTs, otherBotEvent, selfEvent, USER } from './fixtures.js';

function ctx(threads: string[] = [], names: Record<string, string> = {}): SlackInboundContext {
  return { botUserId: BOT_USER_ID, botId: BOT_ID, inBotThread: (c, t) => threads.includes(`${c}:${t}`), names: new Map(Object.entries(names)) };
}

const norm = (event: Record<string, unknown>, c = ctx()) => normalizeSlackEvent(envelope(event) as unknown as SlackEventEnvelope, c);

describe('slack inbound normalization', () => {
  it('normalizes a DM with the workspace as community and no thread', () => {
    const at = nextTs();
    const m = norm(dmEvent('hello there', at), ctx([], { [USER]: 'Alice' }))!;
    expect(m).toMatchObject({
      id: `${DM}:${at}`, isDirect: true, mentionsBot: true, text: 'hello there',
      conversation: { platform: 'slack', channelId: DM, communityId: TEAM_ID },
      author: { id: USER, displayName: 'Alice', isBot: false, isSelf: false },
    });
    expect(m.conversation.threadId).toBeUndefined();
    expect(m.receivedAt.getTime()).toBe(Math.round(Number(at) * 1000));
  });

  it('threads an app_mention under the message itself and strips the mention', () => {
    const at = nextTs();
    const m = norm(mentionEvent('what is our leave policy?', at))!;
    expect(m.conversation.threadId).toBe(at);
    expect(m.text).toBe('what is our leave policy?');
    expect(m.mentionsBot).toBe(true);
    expect(m.isDirect).toBe(false);
  });

  it('gives the message.channels copy of a mention the same id and flags as the app_mention copy', () => {
    const at = nextTs();
    const fromMention = norm(mentionEvent('ping', at))!;
    const fromMessage = norm(channelEvent(`<@${BOT_USER_ID}> ping`, at))!;
    expect(fromMessage).toEqual(fromMention);
  });

  it('treats a thread reply as addressed only when the bot is part of that thread', () => {
    const root = nextTs();
    const reply = channelEvent('and what about Fridays?', nextTs(), root);
    expect(norm(reply)!.mentionsBot).toBe(false);
    const inThread = norm(reply, ctx([`${CHANNEL}:${root}`]))!;
    expect(inThread.mentionsBot).toBe(true);
    expect(inThread.conversation.threadId).toBe(root);
  });

  it('keeps a DM thread reply in its thread', () => {
    const root = nextTs();
    const m = norm({ ...dmEvent('more'), thread_ts: root })!;
    expect(m.conversation.threadId).toBe(root);
  });

  it('ignores its own posts, other bots, edits and joins', () => {
    expect(norm(selfEvent('my answer'))).toBeUndefined();
    expect(norm(otherBotEvent('deployed'))).toBeUndefined();
    expect(norm(editedEvent('changed text'))).toBeUndefined();
    expect(norm({ ...channelEvent('<@U0ALICE> has joined the channel'), subtype: 'channel_join' })).toBeUndefined();
    expect(normalizeSlackEvent({ type: 'event_callback', team_id: TEAM_ID, event: { type: 'reaction_added' } }, ctx())).toBeUndefined();
  });

  it('accepts file shares and thread broadcasts as user messages', () => {
    expect(norm({ ...dmEvent('see attached'), subtype: 'file_share' })?.text).toBe('see attached');
    expect(norm({ ...channelEvent('also here', nextTs(), nextTs()), subtype: 'thread_broadcast' })).toBeDefined();
  });

  it('resolves user mentions to names and falls back to the id', () => {
    const m = norm(dmEvent('ask <@U0BOB> or <@U0CAROL|carol> or <@U0DAVE>'), ctx([], { U0BOB: 'Bob' }))!;
    expect(m.text).toBe('ask @Bob or @carol or @U0DAVE');
  });

  it('finds mentioned user ids once each', () => {
    expect(mentionedUserIds('<@U1> <@U2|two> <@U1> <#C1|x>')).toEqual(['U1', 'U2']);
  });
});

describe('slack wire text to plain text', () => {
  it('undoes Slack escaping and link markup', () => {
    expect(plainText('a &lt; b &amp;&amp; c &gt; d', BOT_USER_ID, new Map())).toBe('a < b && c > d');
    expect(plainText('see <https://example.com/a?b=1&amp;c=2|the docs>', BOT_USER_ID, new Map()))
      .toBe('see the docs (https://example.com/a?b=1&c=2)');
    expect(plainText('go to <http://example.com|example.com>', BOT_USER_ID, new Map())).toBe('go to example.com');
    expect(plainText('in <#C0RANDOM|random> with <!subteam^S1|@oncall> <!here>', BOT_USER_ID, new Map()))
      .toBe('in #random with @oncall @here');
  });

  it('removes the bot mention wherever it is, with a following colon', () => {
    expect(plainText(`<@${BOT_USER_ID}>: hi`, BOT_USER_ID, new Map())).toBe('hi');
    expect(plainText(`thanks <@${BOT_USER_ID}>`, BOT_USER_ID, new Map())).toBe('thanks');
  });
});
