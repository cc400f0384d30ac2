/**
 * The fake Discord's channel history, for GET /channels/{id}/messages: every message posted in a
 * channel (users' through the gateway, the bot's through REST), answered as Discord does — newest
 * first, at most `limit` (default 50, at most 100), `after` / `before` as exclusive snowflake bounds.
 * A stored message is what a REST read returns: the gateway-only fields (guild_id, member,
 * channel_type) are left off, as Discord's message object over REST has none of them.
 */

type Stored = Record<string, any>;

const GATEWAY_ONLY = ['guild_id', 'member', 'channel_type'];

export class FakeChannelHistory {
  private readonly byChannel = new Map<string, Stored[]>();

  add(message: Stored): void {
    const copy: Stored = { ...message };
    for (const field of GATEWAY_ONLY) delete copy[field];
    const list = this.byChannel.get(copy.channel_id) ?? [];
    list.push(copy);
    this.byChannel.set(copy.channel_id, list);
  }

  /** The answer to GET /channels/{channelId}/messages?{query}, or an error string for a bad query. */
  read(channelId: string, query: URLSearchParams): Stored[] | string {
    const limit = query.has('limit') ? Number(query.get('limit')) : 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return 'limit must be 1 to 100';
    const bound = (name: string) => (query.has(name) ? BigInt(query.get(name)!) : undefined);
    let after: bigint | undefined;
    let before: bigint | undefined;
    try {
      after = bound('after');
      before = bound('before');
    } catch {
      return 'after and before must be snowflakes';
    }
    const all = (this.byChannel.get(channelId) ?? []).filter((m) =>
      (after === undefined || BigInt(m.id) > after) && (before === undefined || BigInt(m.id) < before));
    all.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    // With `after`, Discord returns the page just after it (oldest of the rest), still newest first.
    const page = after !== undefined ? all.slice(0, limit) : all.slice(-limit);
    return page.reverse();
  }

  has(channelId: string): boolean {
    return this.byChannel.has(channelId);
  }
}
