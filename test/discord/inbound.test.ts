/** Pure normalization of Discord MESSAGE_CREATE payloads. */
import { describe, expect, it } from 'vitest';
import { normalizeDiscordMessage } from '../../adapters/discord/inbound.js';
import {
  alice, asPayload, bob, BOT_MENTION, BOT_ROLE_ID, botUser, context, directMessage, GENERAL, GUILD_ID, guildMessage,
  LISTED, mentionOf, replyToBot, THREAD,
} from './fixtures.js';

const normalize = (raw: Record<string, unknown>, ctx = context()) => normalizeDiscordMessage(asPayload(raw), ctx);

describe('discord inbound normalization', () => {
  it('gives a DM no community and treats it as addressed', () => {
    const m = normalize(directMessage(alice, 'hi'));
    expect(m).toMatchObject({ isDirect: true, mentionsBot: true, text: 'hi' });
    expect(m!.conversation.communityId).toBeUndefined();
  });

  it('sets the guild as community and keeps the message id as dedupe key', () => {
    const raw = guildMessage(alice, 'hello');
    const m = normalize(raw);
    expect(m!.id).toBe(raw.id);
    expect(m!.conversation).toEqual({ platform: 'discord', channelId: GENERAL, communityId: GUILD_ID });
    expect(m!.mentionsBot).toBe(false);
  });

  it('maps a thread message to parent channel plus thread id', () => {
    const m = normalize(guildMessage(alice, 'in a thread', { channel_id: THREAD, channel_type: 11 }), context({ threadParentId: GENERAL }));
    expect(m!.conversation).toEqual({ platform: 'discord', channelId: GENERAL, threadId: THREAD, communityId: GUILD_ID });
  });

  it('answers everything in a listed channel and in threads under it', () => {
    expect(normalize(guildMessage(alice, 'no mention', { channel_id: LISTED }))!.mentionsBot).toBe(true);
    const inThread = normalize(guildMessage(alice, 'no mention', { channel_id: THREAD }), context({ threadParentId: LISTED }));
    expect(inThread!.mentionsBot).toBe(true);
  });

  it('treats a reply to one of its own messages as addressed', () => {
    const m = normalize(replyToBot(alice, 'thanks, and one more thing'));
    expect(m).toMatchObject({ mentionsBot: true, text: 'thanks, and one more thing' });
  });

  it('does not treat a forward of its message as a reply', () => {
    const forward = replyToBot(alice, 'look at this');
    (forward.message_reference as { type: number }).type = 1;
    forward.mentions = [];
    expect(normalize(forward)!.mentionsBot).toBe(false);
  });

  it('strips the bot mention, with a trailing comma, in either mention form', () => {
    expect(normalize(guildMessage(alice, `${BOT_MENTION}, are you there?`))!.text).toBe('are you there?');
    expect(normalize(guildMessage(alice, `hey <@!${botUser.id}> what now`))).toMatchObject({ text: 'hey what now', mentionsBot: true });
  });

  it("counts a mention of the bot's managed role as a mention of the bot", () => {
    const m = normalize(guildMessage(alice, `<@&${BOT_ROLE_ID}> hello`, { mention_roles: [BOT_ROLE_ID] }));
    expect(m).toMatchObject({ mentionsBot: true, text: 'hello' });
  });

  it('resolves other users, roles, channels, emoji and timestamps to what a reader sees', () => {
    const raw = guildMessage(
      alice,
      `<@${bob.id}> and <@${alice.id}> see <#${LISTED}> with <@&1300000000000000001> <:wave:123456789012345678> at <t:1700000000:R>`,
      { mentions: [mentionOf(bob, 'Bobcat'), mentionOf(alice)] },
    );
    expect(normalize(raw)!.text).toBe('@Bobcat and @Alice see #ask-oyster with @Moderators :wave: at 2023-11-14T22:13:20.000Z');
  });

  it('uses server nickname, then display name, then username for the author', () => {
    expect(normalize(guildMessage(alice, 'x', { member: { nick: 'Ally' } }))!.author.displayName).toBe('Ally');
    expect(normalize(guildMessage(alice, 'x'))!.author.displayName).toBe('Alice');
    expect(normalize(guildMessage(bob, 'x'))!.author.displayName).toBe('bobby');
  });

  it('ignores its own messages, other bots, webhooks and system messages', () => {
    expect(normalize(guildMessage(botUser, 'mine'))).toBeUndefined();
    expect(normalize(guildMessage({ ...bob, bot: true }, `${BOT_MENTION} hi`))).toBeUndefined();
    expect(normalize(guildMessage(alice, 'bridged', { webhook_id: '1700000000000000001' }))).toBeUndefined();
    expect(normalize(guildMessage(alice, '', { type: 7 }))).toBeUndefined(); // member join
  });

  it('drops a message whose text is empty (content blanked, or an attachment only)', () => {
    expect(normalize(guildMessage(alice, ''))).toBeUndefined();
    expect(normalize(guildMessage(alice, BOT_MENTION))).toBeUndefined();
  });

  it('keeps the message time as receivedAt, so a replay keeps its original time', () => {
    const raw = directMessage(alice, 'hi');
    expect(normalize(raw)!.receivedAt.toISOString()).toBe('2025-03-14T09:30:00.000Z');
  });
});
