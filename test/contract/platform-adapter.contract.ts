/**
 * One contract every platform adapter runs (test/<platform>/contract.test.ts calls
 * runAdapterContract). It checks the pure halves of an adapter — inbound normalization and
 * outbound rendering — against the same expectations, so the engine can treat every
 * platform alike.
 */
import { describe, expect, it } from 'vitest';
import { conversationKey, type InboundMessage } from '../../src/messages.js';

export interface AdapterContractSubject {
  platform: string;
  /** The platform's hard limit per message, in UTF-16 code units after escaping. */
  maxMessageLength: number;
  /** Raw platform payloads (update, event, gateway message) the adapter receives. */
  fixtures: {
    /** A private message from a user saying exactly `fixtureText`. */
    direct: unknown;
    /** A group/channel message that mentions the bot, text `fixtureText` after the mention is removed. */
    groupMention: unknown;
    /** A group/channel message without a mention or reply. */
    groupPlain: unknown;
    /** A message the bot itself sent. */
    fromSelf: unknown;
    /** A message from another bot. */
    fromOtherBot: unknown;
    /** The same delivery twice (a redelivery): both payloads must normalize to the same dedupe id. */
    redelivered: [unknown, unknown];
  };
  fixtureText: string;
  /** Raw payload → normalized message, or undefined when the adapter ignores it. */
  normalize(raw: unknown): InboundMessage | undefined;
  /** Core markdown → platform-formatted chunks, each within the limit. */
  render(text: string): string[];
  /** Platform-formatted chunk → the plain text a user sees (undo escaping and markup). */
  visibleText(chunk: string): string;
}

export function runAdapterContract(subject: AdapterContractSubject): void {
  describe(`${subject.platform} adapter contract`, () => {
    it('normalizes a direct message with the author, text and direct flag', () => {
      const m = subject.normalize(subject.fixtures.direct);
      expect(m).toBeDefined();
      expect(m!.conversation.platform).toBe(subject.platform);
      expect(m!.text).toBe(subject.fixtureText);
      expect(m!.isDirect).toBe(true);
      expect(m!.author.isSelf).toBe(false);
      expect(m!.author.isBot).toBe(false);
      expect(m!.id).not.toBe('');
    });

    it('marks a group mention as addressed to the bot and strips the mention', () => {
      const m = subject.normalize(subject.fixtures.groupMention);
      expect(m).toBeDefined();
      expect(m!.isDirect).toBe(false);
      expect(m!.mentionsBot).toBe(true);
      expect(m!.text).toBe(subject.fixtureText);
    });

    it('does not treat a plain group message as addressed to the bot', () => {
      const m = subject.normalize(subject.fixtures.groupPlain);
      // An adapter may drop it outright or pass it on unaddressed; it must never claim a mention.
      if (m) {
        expect(m.isDirect).toBe(false);
        expect(m.mentionsBot).toBe(false);
      } else {
        expect(m).toBeUndefined();
      }
    });

    it('ignores or flags its own messages and other bots', () => {
      const self = subject.normalize(subject.fixtures.fromSelf);
      expect(self === undefined || self.author.isSelf).toBe(true);
      const bot = subject.normalize(subject.fixtures.fromOtherBot);
      expect(bot === undefined || bot.author.isBot).toBe(true);
    });

    it('gives a redelivered payload the same dedupe id', () => {
      const [a, b] = subject.fixtures.redelivered.map((r) => subject.normalize(r));
      expect(a).toBeDefined();
      expect(a!.id).toBe(b!.id);
      expect(conversationKey(a!.conversation)).toBe(conversationKey(b!.conversation));
    });

    it('escapes markup characters so model text cannot form platform syntax', () => {
      const tricky = 'a < b && c > d <script> <!channel> @everyone';
      const chunks = subject.render(tricky);
      expect(chunks.map((c) => subject.visibleText(c)).join('')).toContain('a < b && c > d');
      for (const c of chunks) expect(c).not.toContain('<!channel>');
    });

    it('splits a long answer into chunks within the limit that join back to the whole', () => {
      const paragraph = 'Breathing slowly for a minute can help. '.repeat(40).trim();
      const long = Array.from({ length: 12 }, () => paragraph).join('\n\n');
      const chunks = subject.render(long);
      expect(chunks.length).toBeGreaterThan(1);
      for (const c of chunks) expect(c.length).toBeLessThanOrEqual(subject.maxMessageLength);
      const joined = chunks.map((c) => subject.visibleText(c)).join(' ');
      expect(joined.replace(/\s+/g, ' ').trim()).toBe(long.replace(/\s+/g, ' ').trim());
    });

    it('never splits a surrogate pair', () => {
      const emoji = '🌊'.repeat(subject.maxMessageLength); // 2 code units each: forces a split
      const chunks = subject.render(emoji);
      for (const c of chunks) {
        expect(c.length).toBeLessThanOrEqual(subject.maxMessageLength);
        expect(/^[\uDC00-\uDFFF]/.test(c)).toBe(false);
        expect(/[\uD800-\uDBFF]$/.test(c)).toBe(false);
      }
      expect(chunks.map((c) => subject.visibleText(c)).join('')).toBe(emoji);
    });

    it('escapes after splitting, so escaped text still fits the limit', () => {
      const heavy = '<&>'.repeat(subject.maxMessageLength);
      for (const c of subject.render(heavy)) expect(c.length).toBeLessThanOrEqual(subject.maxMessageLength);
    });
  });
}
