/**
 * Moderator alerts in a Telegram staff group: the alert text (minimum necessary, CRISIS.md
 * §6), its inline keyboard (acknowledge / resolve), the digest of held normal-priority
 * alerts, and the sink that posts each once. Rendering is pure; posting goes through a
 * function index.ts passes in, so this file needs no SDK.
 */
import { alertCard, clip, fact, personName, utcMinutes, type AlertCard, type AlertFact } from '../../src/alerts/card.js';
import type { AlertDigest, AlertView, ModeratorSink } from '../../src/ports.js';
import type { Logger } from '../../src/logger.js';
import { createAlertSink } from '../shared/alert-sink.js';
import { escapeHtml } from './outbound.js';

/** Telegram's inline keyboard markup (Bot API InlineKeyboardMarkup), callback buttons only. */
export interface InlineKeyboard {
  inline_keyboard: Array<Array<{ text: string; callback_data: string }>>;
}

const PRIORITY_MARK: Record<AlertView['priority'], string> = {
  urgent: '🚨 URGENT',
  high: '⚠️ HIGH',
  normal: '🔔 normal',
};

/** Excerpts are for the private staff chat only, and still kept short. */
const EXCERPT_MAX = 300;

function userLine(alert: AlertView, nameMax = 200): string {
  const name = escapeHtml(personName(alert.user, nameMax));
  // A tg://user link lets a moderator open the profile to start a DM; it is not an @-mention.
  return alert.platform === 'telegram' && /^\d+$/.test(alert.user.id) ? `<a href="tg://user?id=${alert.user.id}">${name}</a>` : name;
}

/**
 * A link to the triggering message, for members of the group only (CRISIS.md §6: a link, never a
 * repost). t.me/c/<id>/<message> works in supergroups, whose Bot API chat id is "-100" followed
 * by the <id> the link uses (core.telegram.org/api/links, "Message links"); basic groups and
 * private chats have no message links. InboundMessage.id is `${chatId}:${messageId}` (inbound.ts).
 */
export function telegramMessageLink(alert: Pick<AlertView, 'platform' | 'isDirect' | 'messageId'>): string | undefined {
  if (alert.platform !== 'telegram' || alert.isDirect || alert.messageId === undefined) return undefined;
  const m = /^-100(\d+):(\d+)$/.exec(alert.messageId);
  return m ? `https://t.me/c/${m[1]}/${m[2]}` : undefined;
}

function cardOf(alert: AlertView): AlertCard {
  return alertCard(alert, { messageLink: telegramMessageLink(alert), excerptMax: EXCERPT_MAX });
}

/** One fact as Telegram HTML: ids in <code>, links as <a>, everything escaped. */
function factValue(alert: AlertView, f: AlertFact): string {
  if (f.key === 'user') return userLine(alert);
  if (f.url) return `<a href="${escapeHtml(f.url)}">${escapeHtml(f.text)}</a>`;
  if (f.key === 'reached' && !alert.reachedPrivately) return `<b>${escapeHtml(f.text)}</b>`;
  return escapeHtml(f.text);
}

/** The alert as Telegram HTML. Well under 4096 characters: every free-text field is capped by the card. */
export function renderAlert(alert: AlertView): string {
  const card = cardOf(alert);
  const lines = [
    `<b>${PRIORITY_MARK[alert.priority]}</b> · <b>${escapeHtml(card.title)}</b>`,
    ...(card.unreachable ? [`Update: ${escapeHtml(card.unreachable)}`] : []),
    ...card.facts.map((f) => `${escapeHtml(f.label)}: ${factValue(alert, f)}`),
    `Excerpt: <blockquote>${escapeHtml(card.excerpt)}</blockquote>`,
    escapeHtml(card.footer),
  ];
  return lines.join('\n');
}

/** Telegram's message limit is 4096 characters; the digest stays under it with room to spare. */
const DIGEST_MAX_CHARS = 3900;

function digestEntry(alert: AlertView, excerptMax: number, detailMax: number): string {
  const card = cardOf(alert);
  const status = `${escapeHtml(alert.status)}${alert.actedBy ? ` by ${escapeHtml(alert.actedBy)}` : ''}`;
  const extra = (key: AlertFact['key']) => {
    const f = fact(card, key);
    return f ? `${escapeHtml(f.label)}: ${f.url ? factValue(alert, f) : escapeHtml(clip(f.text, detailMax))}` : undefined;
  };
  const lines = [
    `<b>#${alert.caseId}</b> · ${escapeHtml(alert.level)} · ${status} · ${utcMinutes(alert.createdAt)}`,
    `${userLine(alert, 40)} · ${escapeHtml(fact(card, 'where')!.text)}`,
    ...[extra('message'), extra('case'), extra('paged')].filter((l): l is string => l !== undefined),
  ];
  if (detailMax > 0) {
    lines.push(...[extra('reasons'), extra('reached'), extra('sent')].filter((l): l is string => l !== undefined));
  }
  if (excerptMax > 0 && card.excerpt !== '') lines.push(`<blockquote>${escapeHtml(clip(card.excerpt, excerptMax))}</blockquote>`);
  return lines.join('\n');
}

/**
 * Held normal-priority alerts as one message (policies/escalation.yaml `digest`). It carries no
 * buttons: a button edits the message it sits on into that one case's alert, which would wipe
 * the other entries. Moderators act with /case. Details shrink until the message fits.
 */
export function renderDigest(digest: AlertDigest): string {
  const n = digest.alerts.length;
  const head = [
    `<b>🔔 Digest</b> · ${n} normal-priority ${n === 1 ? 'case' : 'cases'} held for this digest`,
    'Act with <code>/case ack &lt;id&gt;</code>, <code>/case resolve &lt;id&gt;</code> or <code>/case list</code>.',
  ].join('\n');
  let text = '';
  for (const [excerptMax, detailMax] of [[160, 160], [80, 60], [0, 0]] as const) {
    text = [head, ...digest.alerts.map((a) => digestEntry(a, excerptMax, detailMax))].join('\n\n');
    if (text.length <= DIGEST_MAX_CHARS) return text;
  }
  return text;
}

/** Buttons for the case's next steps: none once it is resolved. */
export function alertKeyboard(alert: Pick<AlertView, 'caseId' | 'status'>): InlineKeyboard {
  // The same rule as the card's actions: acknowledge while open, resolve until resolved.
  const row: Array<{ text: string; callback_data: string }> = [];
  if (alert.status === 'open') row.push({ text: 'Acknowledge', callback_data: `case:ack:${alert.caseId}` });
  if (alert.status !== 'resolved') row.push({ text: 'Resolve', callback_data: `case:resolve:${alert.caseId}` });
  return { inline_keyboard: row.length > 0 ? [row] : [] };
}

/** An alert as the staff group shows it: HTML and the keyboard of its next steps. */
export interface TelegramAlertBody {
  html: string;
  keyboard: InlineKeyboard;
}

/** Posts to and edits in the staff group; refs are messageKey(chatId, messageId). */
export interface TelegramAlertChannel {
  /** `key` is stable per alert or digest: a post a crash cut short is read back, not repeated. */
  post(body: TelegramAlertBody, key: string): Promise<string>;
  edit(ref: string, body: TelegramAlertBody): Promise<void>;
}

/** The staff-group sink (adapters/shared/alert-sink.ts). A digest carries no buttons. */
export function createTelegramModeratorSink(channel: TelegramAlertChannel, logger: Logger): ModeratorSink {
  return createAlertSink<TelegramAlertBody>('telegram', {
    alert: (alert) => ({ html: renderAlert(alert), keyboard: alertKeyboard(alert) }),
    digest: (digest) => ({ html: renderDigest(digest), keyboard: { inline_keyboard: [] } }),
  }, { post: (body, key) => channel.post(body, key), edit: (ref, body) => channel.edit(ref, body) }, logger);
}
