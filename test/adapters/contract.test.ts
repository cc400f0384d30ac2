/**
 * The cross-adapter contract: every adapter, console included, driven through its real SDK
 * against the local fakes, must behave the same way. A message comes in normalized (a group
 * mention addressed and stripped, a plain group message never addressed, its own and other
 * bots' messages dropped or flagged, a redelivery under the same id); an answer goes out to the
 * same conversation; a long answer is split within the platform's limit with nothing lost, never
 * inside a surrogate pair, and escaped after splitting; an alert shows the core card's facts and
 * a status change edits that same message (no second post); a private message the platform refuses is reported, not thrown, and not
 * tried again; a case action from someone who is not a moderator is refused where only they see
 * it, with the alert left as it was; stop resolves. Platform-specific detail stays in
 * test/<platform>/.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BotError } from '../../src/errors.js';
import type { AlertView } from '../../src/ports.js';
import { waitFor } from '../helpers/wait-for.js';
import { conversationKey, type InboundMessage } from '../../src/messages.js';
import {
  consoleDriver, discordDriver, slackDriver, telegramDriver, type ContractDriver, type DriverFactory, type InboundKind,
} from './contract-drivers.js';

const DRIVERS: Record<string, DriverFactory> = { discord: discordDriver, telegram: telegramDriver, slack: slackDriver, console: consoleDriver };

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
/** Bold as each platform writes it (Discord **, Slack *, Telegram <b>, a terminal plain) reads the same. */
const words = (text: string) => squash(text.replace(/[*_]/g, ''));

function alertFor(d: ContractDriver, over: Partial<AlertView> = {}): AlertView {
  const m = d.recorder.messages[0]!;
  return {
    caseId: 31, alertId: 301, kind: 'new', level: 'high', priority: 'high', status: 'open', reasons: ['plan'],
    platform: d.platform, conversation: m.conversation, isDirect: true, user: { id: m.author.id, displayName: 'Ana' },
    excerpt: 'I do not want to be here', country: 'US', resourcesSent: ['us-988'], reachedPrivately: true,
    policyVersion: 'p-contract', createdAt: '2026-01-05T10:00:00.000Z', page: 'discord:500000000000000002', ...over,
  };
}

for (const [platform, start] of Object.entries(DRIVERS)) {
  describe(`${platform} adapter contract`, () => {
    let d: ContractDriver | undefined;
    afterEach(async () => {
      await d?.close();
      d = undefined;
    });

    /** Starts the adapter and has a user write to it, so there is a conversation to answer in. */
    async function withConversation(text = 'hello there'): Promise<ContractDriver> {
      d = await start();
      await d.userWrites(text);
      await waitFor(() => d!.recorder.messages.length > 0, { what: `${platform}: the message reaches the core` });
      return d;
    }

    it('hands the core a normalized private message', async () => {
      const driver = await withConversation('hello there');
      const m = driver.recorder.messages[0]!;
      expect(m.conversation.platform).toBe(platform);
      expect(m.text).toBe('hello there');
      expect(m.isDirect).toBe(true);
      expect(m.author).toMatchObject({ isBot: false, isSelf: false });
      expect(m.id).not.toBe('');
      expect(m.conversation.channelId).not.toBe('');
    });

    it('sends an answer into the conversation the message came from, markup rendered', async () => {
      const driver = await withConversation();
      const conversation = driver.recorder.messages[0]!.conversation;
      const sent = await driver.adapter.send({ conversation, text: 'Glad you wrote, **really**.', kind: 'reply' });
      expect(sent.id).not.toBe('');
      await waitFor(() => driver.sentTo(conversation.channelId).length > 0, { what: `${platform}: the answer arrives` });
      expect(driver.sentTo(conversation.channelId).map(words)).toContain('Glad you wrote, really.');
    });

    it('splits a long answer into parts within the platform limit, losing nothing', async () => {
      const driver = await withConversation();
      const conversation = driver.recorder.messages[0]!.conversation;
      const long = Array.from({ length: 1_800 }, (_, i) => `word${i}`).join(' ');
      await driver.adapter.send({ conversation, text: long, kind: 'reply' });
      const parts = driver.sentTo(conversation.channelId);
      if (Number.isFinite(driver.limit)) expect(parts.length).toBeGreaterThanOrEqual(Math.ceil(long.length / driver.limit));
      for (const part of parts) expect(part.length).toBeLessThanOrEqual(driver.limit);
      expect(squash(parts.join(' '))).toBe(long);
    });

    it('posts an alert with the core card, and edits that same message when the status changes', async () => {
      const driver = await withConversation();
      const sink = driver.adapter.moderatorSink;
      expect(sink, `${platform} has a moderator sink`).toBeDefined();
      const alert = alertFor(driver);
      const { ref } = await sink!.deliver(alert);
      expect(ref).toBeDefined();
      const posted = driver.alert(ref!)!;
      expect(posted.edits).toBe(0);
      for (const fact of [`Ana (id ${alert.user.id})`, 'open, not yet acknowledged', 'discord:500000000000000002', 'Reached privately']) {
        expect(posted.visible, fact).toContain(fact);
      }

      await sink!.edit!(ref!, { ...alert, alertId: 302, kind: 'update', status: 'acknowledged', actedBy: 'Mia', actedAt: '2026-01-05T10:04:00.000Z' });
      const edited = driver.alert(ref!)!;
      expect(edited.edits).toBe(1);
      expect(edited.visible).toContain('acknowledged by Mia');
      expect(driver.moderatorPosts()).toBe(1);
    });

    /**
     * Delivers `kind`, then a private marker message, and resolves with what reached the core
     * before the marker (the platform keeps one sender's order): a message an adapter drops
     * never arrives, so waiting for the marker is the deadline. Undefined when the platform has
     * no such message (the reason is printed).
     */
    async function deliverThenMark(kind: InboundKind, text: string): Promise<InboundMessage[] | undefined> {
      d = await start();
      const driver = d;
      const none = await driver.deliver(kind, text);
      if (none !== undefined) {
        console.info(`${platform}: ${kind}: ${none}`);
        return undefined;
      }
      await driver.userWrites('marker');
      await waitFor(() => driver.recorder.messages.some((m) => m.text === 'marker'), { what: `${platform}: the marker reaches the core` });
      return driver.recorder.messages.filter((m) => m.text !== 'marker');
    }

    /** Answers with `unit` repeated past the platform's limit (3,000 times where there is none); the parts as shown. */
    async function sendPastTheLimit(unit: string) {
      const driver = await withConversation();
      const conversation = driver.recorder.messages[0]!.conversation;
      const whole = unit.repeat(Number.isFinite(driver.limit) ? driver.limit : 3_000);
      await driver.adapter.send({ conversation, text: whole, kind: 'reply' });
      return { driver, conversation, whole, parts: driver.sentTo(conversation.channelId) };
    }

    it('marks a group message that mentions the bot as addressed, with the mention stripped', async () => {
      const got = await deliverThenMark('groupMention', 'I have had a rough week and wanted to talk');
      if (got === undefined) return;
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({ isDirect: false, mentionsBot: true, text: 'I have had a rough week and wanted to talk' });
    });

    it('never treats a plain group message as addressed to the bot', async () => {
      const got = await deliverThenMark('groupPlain', 'anyone up for the harbour walk on sunday?');
      if (got === undefined) return;
      // An adapter may drop it or pass it on unaddressed (the core screens those too); never as a mention.
      for (const m of got) expect(m).toMatchObject({ isDirect: false, mentionsBot: false });
    });

    it('drops or flags its own messages and other bots\' messages', async () => {
      for (const [kind, flag] of [['fromSelf', 'isSelf'], ['fromOtherBot', 'isBot']] as const) {
        const got = await deliverThenMark(kind, 'automated ping');
        if (got === undefined) continue;
        for (const m of got) expect(m.author[flag], kind).toBe(true);
        await d?.close();
        d = undefined;
      }
    });

    it('gives a redelivered message the same id every time, so the core can drop the copy', async () => {
      const got = await deliverThenMark('redelivered', 'is anyone there?');
      if (got === undefined) return;
      expect(got.length).toBeGreaterThan(0);
      expect(new Set(got.map((m) => m.id)).size).toBe(1);
      expect(new Set(got.map((m) => conversationKey(m.conversation))).size).toBe(1);
    });

    it('never splits a surrogate pair, and escapes markup so model text cannot form platform syntax', async () => {
      const { driver, conversation, whole: emoji, parts } = await sendPastTheLimit('🌊');
      for (const part of parts) {
        expect(/^[\uDC00-\uDFFF]/.test(part)).toBe(false);
        expect(/[\uD800-\uDBFF]$/.test(part)).toBe(false);
      }
      expect(parts.join('')).toBe(emoji);

      const tricky = 'a < b && c > d <script> <!channel> @everyone';
      await driver.adapter.send({ conversation, text: tricky, kind: 'reply' });
      expect(driver.sentTo(conversation.channelId).at(-1)).toContain('a < b && c > d');
      // A terminal has no markup for the text to form; every chat platform must escape it.
      if (platform !== 'console') expect(driver.rawSentTo(conversation.channelId).at(-1)).not.toContain('<!channel>');
    });

    it('escapes after splitting, so text that grows when escaped still arrives whole within the limit', async () => {
      const { driver, whole: heavy, parts } = await sendPastTheLimit('<&>');
      for (const part of parts) expect(part.length).toBeLessThanOrEqual(driver.limit);
      expect(parts.join('')).toBe(heavy);
    });

    it('refuses a case action from someone who is not a moderator, only to them, and leaves the alert as it was', async () => {
      const driver = await withConversation();
      const alert = alertFor(driver);
      const { ref } = await driver.adapter.moderatorSink!.deliver(alert);
      const before = driver.alert(ref!)!;
      const presser = await driver.nonModeratorAcknowledges(ref!, alert.caseId);
      await waitFor(() => driver.privateAnswers().length > 0, { what: `${platform}: the refusal reaches the presser` });
      // The core decided, from the presser's platform identity as the adapter passed it on.
      const command = driver.recorder.commands.at(-1)!;
      expect(command).toMatchObject({ name: 'case', args: ['ack', String(alert.caseId)], actor: { id: presser } });
      expect(driver.privateAnswers().map(words).join(' ')).toContain('Only moderators can act on cases.');
      const after = driver.alert(ref!)!;
      expect(after.edits).toBe(0);
      expect(after.visible).toBe(before.visible);
      expect(after.visible).toContain('open, not yet acknowledged');
      expect(driver.moderatorPosts()).toBe(1);
    });

    it('refuses a DM the platform will not deliver: reported, never thrown, and not tried again', async () => {
      d = await start();
      const driver = d;
      const closed = driver.closedDms();
      if (typeof closed === 'string') {
        // No DM on this platform; what stands in for it is the conversation the person is in.
        console.info(`${platform}: no DM to refuse: ${closed}`);
        await driver.userWrites('hello');
        await waitFor(() => driver.recorder.messages.length > 0, { what: `${platform}: the message reaches the core` });
        const own = driver.recorder.messages[0]!.conversation;
        expect(await driver.adapter.openDirect(driver.recorder.messages[0]!.author.id)).toEqual(own);
        return;
      }
      const dm = await driver.adapter.openDirect(closed.userId);
      if (closed.refusedAt === 'open') {
        expect(dm).toBeUndefined();
      } else {
        expect(dm).toBeDefined();
        const refused = await driver.adapter.send({ conversation: dm!, text: 'Crisis lines for you.', kind: 'resources' }).then(() => undefined, (e: unknown) => e);
        expect(refused).toBeInstanceOf(BotError);
        expect((refused as BotError).code).toBe('PLATFORM_PERMISSION');
        expect(driver.sentTo(dm!.channelId)).toEqual([]);
      }
      // Remembered: the next attempt answers "no DM" at once, without failing.
      expect(await driver.adapter.openDirect(closed.userId)).toBeUndefined();
    });

    it('stops cleanly after handling a message', async () => {
      const driver = await withConversation();
      await expect(driver.adapter.stop()).resolves.toBeUndefined();
      expect(driver.recorder.messages).toHaveLength(1);
    });
  });
}
