/** The shared adapter contract, run against Telegram update payloads and the HTML renderer. */
import { runAdapterContract } from '../contract/platform-adapter.contract.js';
import { normalizeUpdate, type TelegramUpdate } from '../../adapters/telegram/inbound.js';
import { renderChunks, visibleText, TELEGRAM_TEXT_LIMIT } from '../../adapters/telegram/outbound.js';
import { alice, BOT, groupText, otherBot, privateText, self } from './fixtures.js';

const text = 'I have had a rough week and wanted to talk';
const direct = privateText(alice, text, { messageId: 301 });

runAdapterContract({
  platform: 'telegram',
  maxMessageLength: TELEGRAM_TEXT_LIMIT,
  fixtureText: text,
  fixtures: {
    direct,
    groupMention: groupText(alice, `@${BOT.username} ${text}`),
    groupPlain: groupText(alice, 'anyone up for the harbour walk on sunday?'),
    fromSelf: groupText(self, 'I sent this myself'),
    fromOtherBot: groupText(otherBot, `@${BOT.username} automated ping`),
    // Telegram redelivers the same update (same update_id and message) after a failed ack.
    redelivered: [direct, structuredClone(direct)],
  },
  normalize: (raw) => normalizeUpdate(raw as TelegramUpdate, BOT),
  render: (markdown) => renderChunks(markdown).map((c) => c.html),
  visibleText,
});
