/**
 * Moderator alerts in the Discord moderator channel: one message per case with an embed and
 * Acknowledge / Resolve buttons, edited in place as the case changes, and digests of held
 * normal-priority alerts. Rendering is pure; the board calls the post/edit functions index.ts
 * passes in.
 */
import { createHash } from 'node:crypto';
import type { APIActionRowComponent, APIComponentInMessageActionRow, APIEmbed } from 'discord.js';
import { alertCard, clip, fact, type AlertCard, type AlertFact } from '../../src/alerts/card.js';
import type { AlertDigest, AlertView, ModeratorSink } from '../../src/ports.js';
import { createAlertSink } from '../shared/alert-sink.js';
import { CustomIds } from './commands.js';
import { DISCORD_PLATFORM } from './inbound.js';
import { NO_MENTIONS, renderDiscordMarkdown } from './outbound.js';

/** The JSON body of an alert post or edit (POST/PATCH /channels/{id}/messages). */
export interface AlertMessageBody {
  content: string;
  embeds: APIEmbed[];
  components: Array<APIActionRowComponent<APIComponentInMessageActionRow>>;
  allowed_mentions: { parse: never[]; replied_user: boolean };
  /** Posts only: a nonce derived from the alert, so a retried post returns the first message. */
  nonce?: string;
  enforce_nonce?: boolean;
}

/**
 * Discord keeps a nonce for a few minutes: a second post with the same nonce (enforce_nonce)
 * returns the message the first one created instead of posting again. Derived from the alert id
 * (or the digest id), it makes a retry after a lost answer or a crash exactly once in that window
 * (issue 17 item 2). Nonces are at most 25 characters.
 */
export function alertNonce(key: string): string {
  return createHash('sha256').update(`oyster-alert:${key}`).digest('base64url').slice(0, 25);
}

// Discord embed limits (PLATFORMS.md §3.1): title 256, description 4096, field value 1024.
const TITLE_MAX = 256;
const FIELD_MAX = 1024;
const EXCERPT_MAX = 500;

const COLORS: Record<AlertView['level'], number> = {
  none: 0x95a5a6,
  low: 0x3498db,
  moderate: 0xf1c40f,
  high: 0xe67e22,
  imminent: 0xe74c3c,
};

function unix(iso: string): number | undefined {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : Math.floor(t / 1000);
}

/** Discord renders `<t:…:f>` in each reader's own time zone. */
function when(iso: string): string {
  const t = unix(iso);
  return t === undefined ? iso : `<t:${t}:f> (<t:${t}:R>)`;
}

/** A Discord channel of the alert's own platform links as <#id>; anything else reads as the card says. */
function where(alert: AlertView, card: AlertCard): string {
  const c = alert.conversation;
  if (c.platform !== DISCORD_PLATFORM || alert.isDirect) return renderDiscordMarkdown(fact(card, 'where')!.text);
  const channel = c.threadId ?? c.channelId;
  return c.communityId ? `<#${channel}> · https://discord.com/channels/${c.communityId}/${channel}` : `<#${channel}>`;
}

const SNOWFLAKE = /^\d{15,25}$/;

/**
 * A jump link to the triggering message: https://discord.com/channels/<guild>/<channel>/<message>,
 * where <channel> is the thread when there is one (the message lives in the thread channel). It
 * opens only for people who can see that channel. Never for DMs: moderators cannot open them.
 * InboundMessage.id on Discord is the message snowflake (inbound.ts).
 */
export function discordMessageLink(alert: Pick<AlertView, 'platform' | 'isDirect' | 'messageId' | 'conversation'>): string | undefined {
  const c = alert.conversation;
  const channel = c.threadId ?? c.channelId;
  if (alert.platform !== DISCORD_PLATFORM || alert.isDirect || c.communityId === undefined) return undefined;
  if (![alert.messageId ?? '', channel, c.communityId].every((id) => SNOWFLAKE.test(id))) return undefined;
  return `https://discord.com/channels/${c.communityId}/${channel}/${alert.messageId}`;
}

/** The core's card for this alert, with Discord's message links and time tokens. */
function cardOf(alert: AlertView): AlertCard {
  return alertCard(alert, { messageLink: discordMessageLink(alert), time: when, excerptMax: EXCERPT_MAX });
}

/** One fact as Discord markdown: links masked, everything else neutralized. */
function factValue(alert: AlertView, card: AlertCard, f: AlertFact): string {
  if (f.key === 'where') return where(alert, card);
  return f.url ? `[${renderDiscordMarkdown(f.text)}](${f.url})` : renderDiscordMarkdown(f.text);
}

const INLINE = new Set<AlertFact['key']>(['level', 'priority', 'status', 'country', 'reached']);

/** The message body for one alert: a headline without personal details (it shows in push notifications), an embed, buttons. */
export function renderAlert(alert: AlertView): AlertMessageBody {
  const card = cardOf(alert);
  const fields: Array<{ name: string; value: string; inline?: boolean }> = card.facts.map((f) => ({
    name: f.label, value: factValue(alert, card, f), ...(INLINE.has(f.key) ? { inline: true } : {}),
  }));
  if (card.unreachable) fields.unshift({ name: 'Update', value: card.unreachable });
  const embed: APIEmbed = {
    title: clip(card.title, TITLE_MAX),
    color: COLORS[alert.level],
    fields: fields.map((f) => ({ ...f, value: clip(f.value, FIELD_MAX) })),
    footer: { text: clip(card.footer, 2048) },
  };
  // The excerpt is the user's own words: quoted for moderators only, mentions neutralized.
  if (card.excerpt) embed.description = `> ${renderDiscordMarkdown(card.excerpt).replace(/\n/g, '\n> ')}`;
  if (!Number.isNaN(Date.parse(alert.createdAt))) embed.timestamp = new Date(alert.createdAt).toISOString();
  return {
    // The summary names who acted: neutralized like every other text a person chose.
    content: renderDiscordMarkdown(card.summary),
    embeds: [embed],
    components: [
      {
        type: 1, // action row
        components: [
          { type: 2, style: 1, label: 'Acknowledge', custom_id: CustomIds.ack(alert.caseId), disabled: !card.actions.acknowledge },
          { type: 2, style: 3, label: 'Resolve', custom_id: CustomIds.resolve(alert.caseId), disabled: !card.actions.resolve },
        ],
      },
    ],
    allowed_mentions: { ...NO_MENTIONS, parse: [] },
  };
}

/** Discord: at most 10 embeds per message and 6000 characters across all of them (PLATFORMS.md §3.1). */
const DIGEST_EMBED_BUDGET = 5_600;

/**
 * Held normal-priority alerts as one message (policies/escalation.yaml `digest`): one embed per
 * case (≤ 10). No buttons: a button edits the message it sits on into that one case's alert,
 * which would wipe the other entries; moderators act with /case.
 */
export function renderDigest(digest: AlertDigest): AlertMessageBody {
  const n = digest.alerts.length;
  const perEmbed = Math.floor(DIGEST_EMBED_BUDGET / Math.max(1, n));
  const embeds = digest.alerts.map((alert): APIEmbed => {
    const card = cardOf(alert);
    const show = (key: AlertFact['key']) => {
      const f = fact(card, key);
      return f ? `**${f.label}** ${factValue(alert, card, f)}` : undefined;
    };
    const title = clip(`#${alert.caseId}: ${alert.level} risk · ${alert.status}${alert.actedBy ? ` by ${alert.actedBy}` : ''}`, 120);
    const lines = [show('user'), show('where'), show('message'), show('case'), show('paged'), show('reasons'), show('reached'), show('sent')]
      .filter((l): l is string => l !== undefined);
    if (card.excerpt) lines.push(`> ${clip(renderDiscordMarkdown(card.excerpt), 200).replace(/\n/g, '\n> ')}`);
    const embed: APIEmbed = {
      title,
      color: COLORS[alert.level],
      description: clip(lines.join('\n'), Math.max(100, perEmbed - title.length - 40)),
      footer: { text: `alert ${alert.alertId}` },
    };
    if (!Number.isNaN(Date.parse(alert.createdAt))) embed.timestamp = new Date(alert.createdAt).toISOString();
    return embed;
  });
  return {
    content: `Digest: ${n} ${n === 1 ? 'case' : 'cases'} held for the digest · act with \`/case ack\`, \`/case resolve\` or \`/case list\``,
    embeds,
    components: [],
    allowed_mentions: { ...NO_MENTIONS, parse: [] },
  };
}

/** How the board reaches Discord (index.ts wires these to the REST client). */
export interface AlertTransport {
  post(body: AlertMessageBody): Promise<string>;
  edit(messageId: string, body: AlertMessageBody): Promise<void>;
}

/**
 * The moderator sink for the Discord channel (adapters/shared/alert-sink.ts): each post carries
 * the alert's nonce, so a retry after a lost answer returns the first message.
 */
export function createDiscordModeratorSink(transport: AlertTransport): ModeratorSink {
  return createAlertSink<AlertMessageBody>('discord-moderators', { alert: renderAlert, digest: renderDigest }, {
    post: (body, key) => transport.post({ ...body, nonce: alertNonce(key), enforce_nonce: true }),
    edit: (ref, body) => transport.edit(ref, body),
  });
}
