/** Pure rendering: mentions neutralized, 2000-character parts, request bodies. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { discordVisibleText, messageBodies, renderDiscord, renderDiscordMarkdown } from '../../adapters/discord/outbound.js';
import type { OutboundMessage } from '../../src/messages.js';

const conv = { platform: 'discord', channelId: '1200000000000000001' };
let n = 0;
const nonce = () => `nonce-${n++}`;

describe('discord outbound rendering', () => {
  it('keeps the core markdown subset as Discord reads it', () => {
    const text = '**bold** _italic_ `code` [help](https://988lifeline.org)\n```\nblock\n```';
    expect(renderDiscordMarkdown(text)).toBe(text);
  });

  it('neutralizes @everyone and @here with a zero-width joiner', () => {
    const out = renderDiscordMarkdown('hey @everyone and @here');
    expect(out).not.toMatch(/@everyone|@here/);
    expect(discordVisibleText(out)).toBe('hey @everyone and @here');
  });

  it('escapes user, role and channel mention markup outside code, and leaves code alone', () => {
    const out = renderDiscordMarkdown('ping <@123456789012345678> <@!1> <@&2> <#3> but `<@4>` stays');
    expect(out).toBe('ping <\\@123456789012345678> <\\@!1> <\\@&2> <\\#3> but `<@4>` stays');
  });

  it('never leaves mention markup in any rendered text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('<', '@', '!', '&', '#', '1', '2', 'e', 'veryone', 'here', ' ', '`', '\n') }), (s) => {
        for (const part of renderDiscord(s.length ? s : 'x')) {
          // Markup only forms inside one stretch of prose; code shows its content literally.
          for (const prose of part.split(/```[\s\S]*?```|`[^`\n]+`/g)) expect(prose).not.toMatch(/<@!?\d|<@&\d|<#\d/);
          expect(part).not.toMatch(/@everyone|@here/);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('splits a 2600-character answer into two parts of at most 2000 on a sentence boundary', () => {
    const answer = 'Slow breathing can help when things feel too much. '.repeat(51).trim();
    expect(answer.length).toBeGreaterThan(2500);
    const parts = renderDiscord(answer);
    expect(parts).toHaveLength(2);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(2000);
    expect(parts[0]!.endsWith('.')).toBe(true);
  });

  it('closes and reopens a code fence cut by a split', () => {
    const code = ['```ts', ...Array.from({ length: 150 }, (_, i) => `const line${i} = ${i}; // keep`), '```'].join('\n');
    const parts = renderDiscord(code);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(2000);
      expect((p.match(/```/g) ?? []).length % 2).toBe(0);
    }
    expect(parts[1]!.startsWith('```ts\n')).toBe(true);
  });

  it('measures after escaping, so mention-heavy text still fits', () => {
    for (const p of renderDiscord('<@1 '.repeat(700))) expect(p.length).toBeLessThanOrEqual(2000);
  });

  it('puts allowed_mentions, suppressed embeds and a distinct nonce on every body', () => {
    const bodies = messageBodies({ conversation: conv, text: 'a. '.repeat(1000), kind: 'reply', replyToId: '99' }, nonce);
    expect(bodies.length).toBe(2);
    for (const b of bodies) {
      expect(b.allowed_mentions).toEqual({ parse: [], replied_user: false });
      expect(b.flags & 4).toBe(4);
      expect(b.enforce_nonce).toBe(true);
      expect(b.nonce.length).toBeLessThanOrEqual(25);
    }
    expect(new Set(bodies.map((b) => b.nonce)).size).toBe(2);
  });

  it('replies to the message only with the first part of an ordinary answer', () => {
    const bodies = messageBodies({ conversation: conv, text: 'a. '.repeat(1000), kind: 'reply', replyToId: '99' }, nonce);
    expect(bodies[0]!.message_reference).toEqual({ message_id: '99', fail_if_not_exists: false });
    expect(bodies[1]!.message_reference).toBeUndefined();
  });

  it('never quotes the user in a crisis note, resources or a fallback', () => {
    for (const kind of ['public-note', 'resources', 'fallback'] as OutboundMessage['kind'][]) {
      const [body] = messageBodies({ conversation: conv, text: 'I have sent you a private message.', kind, replyToId: '99' }, nonce);
      expect(body!.message_reference).toBeUndefined();
    }
  });

  it('keeps a phone number byte for byte', () => {
    const text = 'Call or text **988** (US), or 116 123 (UK), or +61 13 11 14.';
    expect(renderDiscord(text)).toEqual([text]);
  });

  it('sends nothing for whitespace-only text', () => {
    expect(messageBodies({ conversation: conv, text: '  \n ', kind: 'reply' }, nonce)).toEqual([]);
  });
});
