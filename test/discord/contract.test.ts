/** The shared adapter contract, run against Discord MESSAGE_CREATE payloads and the Discord renderer. */
import { normalizeDiscordMessage } from '../../adapters/discord/inbound.js';
import { DISCORD_MAX_MESSAGE_LENGTH, discordVisibleText, renderDiscord } from '../../adapters/discord/outbound.js';
import { runAdapterContract } from '../contract/platform-adapter.contract.js';
import {
  alice, asPayload, BOT_MENTION, botUser, mentionOf, context, directMessage, guildMessage, otherBotMessage, selfMessage,
} from './fixtures.js';

const text = 'I have had a rough week and wanted to talk';
const direct = directMessage(alice, text);

runAdapterContract({
  platform: 'discord',
  maxMessageLength: DISCORD_MAX_MESSAGE_LENGTH,
  fixtureText: text,
  fixtures: {
    direct,
    groupMention: guildMessage(alice, `${BOT_MENTION} ${text}`, { mentions: [mentionOf(botUser)] }),
    groupPlain: guildMessage(alice, 'anyone up for the harbour walk on sunday?'),
    fromSelf: selfMessage('I sent this myself'),
    fromOtherBot: otherBotMessage(`${BOT_MENTION} automated ping`),
    // After a RESUME the gateway replays the same MESSAGE_CREATE (same message id).
    redelivered: [direct, structuredClone(direct)],
  },
  normalize: (raw) => normalizeDiscordMessage(asPayload(raw), context()),
  render: renderDiscord,
  visibleText: discordVisibleText,
});
