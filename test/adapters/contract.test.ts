/**
 * The cross-adapter contract: every adapter, console included, driven through its real SDK
 * against the local fakes, must behave the same way. A message comes in normalized; an answer
 * goes out to the same conversation; a long answer is split within the platform's limit with
 * nothing lost; an alert shows the core card's facts and a status change edits that same message
 * (no second post); a private message the platform refuses is reported, not thrown, and not
 * tried again; a case action from someone who is not a moderator is refused where only they see
 * it, with the alert left as it was; stop resolves. Platform-specific detail stays in
 * test/<platform>/.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BotError } from '../../src/errors.js';
import type { AlertView } from '../../src/ports.js';
import { waitFor } from '../helpers/wait-for.js';
import { consoleDriver, discordDriver, slackDriver, telegramDriver, type ContractDriver, type DriverFactory } from './contract-drivers.js';

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
