/**
 * The catch-up for a session Discord no longer keeps (Invalid Session on RESUME: it expired, or
 * ended some other way), when nothing can be replayed: read the recent history of each channel
 * the shard saw lately, through REST, after the message up to which everything there was taken
 * (intake-marks.ts, kept in the store). The engine drops by message id whatever it already has,
 * so reading from a mark that lags costs a little REST and nothing else.
 *
 * What this cannot bring back: a message in a channel the shard had not seen in the last
 * RECENT_CHANNELS_MS (a person's first message there, or a DM from someone new), and more than
 * MAX_PAGES pages of one channel.
 */
import type { Client, Message } from 'discord.js';
import type { Logger } from '../../src/logger.js';
import type { ChannelMark } from '../../src/ports.js';
import { mapDiscordError } from './errors.js';

/** Channels the shard saw within this long are read back. */
export const RECENT_CHANNELS_MS = 15 * 60 * 1000;
/** Discord's largest page of channel messages. */
const PAGE = 100;
/** At most this many pages per channel: a catch-up, not an archive import. */
const MAX_PAGES = 5;

const byId = (a: Message, b: Message) => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0);

/** Messages after each mark, oldest first across channels (so one person's messages keep their order). */
export async function readMissedHistory(client: Client, marks: ChannelMark[], log: Logger): Promise<Message[]> {
  const found: Message[] = [];
  for (const mark of marks) {
    try {
      const channel = await client.channels.fetch(mark.channelId);
      if (channel === null || !channel.isTextBased()) continue;
      let after = mark.lastMessageId;
      for (let page = 0; page < MAX_PAGES; page++) {
        // Discord answers newest first; cache: false keeps old history out of the client's cache.
        const batch = [...(await channel.messages.fetch({ after, limit: PAGE, cache: false })).values()].sort(byId);
        found.push(...batch);
        if (batch.length < PAGE) break;
        after = batch.at(-1)!.id;
        if (page === MAX_PAGES - 1) log.warn('discord channel history catch-up stopped at its page limit', { channelId: mark.channelId, pages: MAX_PAGES });
      }
    } catch (error) {
      // One channel we can no longer read (deleted, access removed) must not stop the others.
      log.warn('discord channel history could not be read for a catch-up', { channelId: mark.channelId, code: mapDiscordError(error).code });
    }
  }
  return found.sort(byId);
}
