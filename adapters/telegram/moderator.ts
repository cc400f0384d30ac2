/**
 * Moderator alerts in a Telegram staff group: the alert text (minimum necessary, CRISIS.md
 * §6), its inline keyboard (acknowledge / resolve), the digest of held normal-priority
 * alerts, and the sink that posts each once. Rendering is pure; posting goes through a
 * function index.ts passes in, so this file needs no SDK.
 */
import type { AlertDigest, AlertView, ModeratorSink } from '../../src/ports.js';
import type { Logger } from '../../src/logger.js';
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

const KIND_LINE: Record<AlertView['kind'], string> = {
  new: 'New case',
  escalated: 'Risk level rose',
  realert: 'Re-alert: nobody has acknowledged this yet',
  update: 'Case updated',
};

/** Excerpts are for the private staff chat only, and still kept short. */
const EXCERPT_MAX = 300;

function when(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function where(alert: AlertView): string {
  const c = alert.conversation;
  if (alert.isDirect) return `private chat with the bot (${escapeHtml(alert.platform)})`;
  const topic = c.threadId ? `, topic ${escapeHtml(c.threadId)}` : '';
  return `${escapeHtml(alert.platform)} chat <code>${escapeHtml(c.channelId)}</code>${topic}`;
}

function userLine(alert: AlertView, nameMax = 200): string {
  const name = escapeHtml(cut(alert.user.displayName, nameMax));
  // A tg://user link lets a moderator open the profile to start a DM; it is not an @-mention.
  const who = alert.platform === 'telegram' && /^\d+$/.test(alert.user.id)
    ? `<a href="tg://user?id=${alert.user.id}">${name}</a>`
    : name;
  return `${who} (id <code>${escapeHtml(alert.user.id)}</code>)`;
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

function messageLine(alert: AlertView): string | undefined {
  if (alert.messageId === undefined) return undefined;
  const link = telegramMessageLink(alert);
  if (link) return `Message: <a href="${link}">open it in the group</a>`;
  const why = alert.platform === 'telegram' ? ' (basic groups have no message links)' : '';
  return `Message: ${escapeHtml(alert.platform)} id <code>${escapeHtml(cut(alert.messageId, 100))}</code>${why}`;
}

/** An update the bot wrote itself (no moderator acted): today only "the private message was refused". */
function kindLine(alert: AlertView): string {
  if (alert.kind === 'update' && alert.actedBy === undefined && !alert.reachedPrivately) {
    return 'Update: the user could not be reached privately. Their DMs refused the resources; only a minimal note was posted in the chat';
  }
  return KIND_LINE[alert.kind];
}

function statusLine(alert: AlertView): string {
  if (alert.status === 'open') return 'open, not yet acknowledged';
  const by = alert.actedBy ? ` by ${escapeHtml(alert.actedBy)}` : '';
  const at = alert.actedAt ? ` at ${when(alert.actedAt)}` : '';
  return `${alert.status}${by}${at}`;
}

function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1).replace(/[\uD800-\uDBFF]$/, '')}…`;
}

/** The alert as Telegram HTML. Well under 4096 characters: every free-text field is capped. */
export function renderAlert(alert: AlertView): string {
  const lines = [
    `<b>${PRIORITY_MARK[alert.priority]}</b> · risk <b>${escapeHtml(alert.level)}</b> · case #${alert.caseId}`,
    escapeHtml(kindLine(alert)),
    `Status: ${statusLine(alert)}`,
    `Reasons: ${escapeHtml(cut(alert.reasons.join(', ') || 'none recorded', 400))}`,
    `User: ${userLine(alert)}`,
    `Where: ${where(alert)}`,
    messageLine(alert),
    `Country: ${escapeHtml(alert.country ?? 'unknown')}`,
    `Bot sent: ${escapeHtml(cut(alert.resourcesSent.join(', ') || 'nothing yet', 400))}`,
    `Reached privately: ${alert.reachedPrivately ? 'yes' : '<b>no</b>, the user could not be sent a private message'}`,
    `Excerpt: <blockquote>${escapeHtml(cut(alert.excerpt, EXCERPT_MAX))}</blockquote>`,
    `Raised ${when(alert.createdAt)} · policy ${escapeHtml(alert.policyVersion)}`,
  ];
  return lines.filter((l) => l !== undefined).join('\n');
}

/** Telegram's message limit is 4096 characters; the digest stays under it with room to spare. */
const DIGEST_MAX_CHARS = 3900;

function digestEntry(alert: AlertView, excerptMax: number, detailMax: number): string {
  const link = telegramMessageLink(alert);
  const lines = [
    `<b>#${alert.caseId}</b> · ${escapeHtml(alert.level)} · ${statusLine(alert)} · ${when(alert.createdAt)}`,
    `${userLine(alert, 40)} · ${where(alert)}${link ? ` · <a href="${link}">message</a>` : ''}`,
  ];
  if (detailMax > 0) {
    lines.push(`Reasons: ${escapeHtml(cut(alert.reasons.join(', ') || 'none recorded', detailMax))}`);
    lines.push(`Reached privately: ${alert.reachedPrivately ? 'yes' : '<b>no</b>'} · bot sent: ${escapeHtml(cut(alert.resourcesSent.join(', ') || 'nothing yet', detailMax))}`);
  }
  if (excerptMax > 0 && alert.excerpt.trim() !== '') lines.push(`<blockquote>${escapeHtml(cut(alert.excerpt, excerptMax))}</blockquote>`);
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
  const row: Array<{ text: string; callback_data: string }> = [];
  if (alert.status === 'open') row.push({ text: 'Acknowledge', callback_data: `case:ack:${alert.caseId}` });
  if (alert.status !== 'resolved') row.push({ text: 'Resolve', callback_data: `case:resolve:${alert.caseId}` });
  return { inline_keyboard: row.length > 0 ? [row] : [] };
}

/** Posts HTML with a keyboard to the moderator chat and resolves with the message ref. */
export type PostAlert = (html: string, keyboard: InlineKeyboard) => Promise<string>;
/** Replaces the HTML and keyboard of a message posted earlier (`ref` as PostAlert resolved it). */
export type EditAlert = (ref: string, html: string, keyboard: InlineKeyboard) => Promise<void>;

/**
 * A ModeratorSink for the staff group. The core's outbox dedupes redeliveries and turns a
 * status change into an edit of every message that shows the case.
 */
export function createTelegramModeratorSink(post: PostAlert, edit: EditAlert, logger: Logger): ModeratorSink {
  return {
    name: 'telegram',
    async deliver(alert) {
      const ref = await post(renderAlert(alert), alertKeyboard(alert));
      logger.info('telegram moderator alert posted', { caseId: alert.caseId, alertId: alert.alertId, level: alert.level });
      return { ref };
    },
    async deliverDigest(digest) {
      const ref = await post(renderDigest(digest), { inline_keyboard: [] });
      logger.info('telegram moderator alert posted', { digestId: digest.digestId, alertIds: digest.alerts.map((a) => a.alertId) });
      return { ref };
    },
    edit: (ref, alert) => edit(ref, renderAlert(alert), alertKeyboard(alert)),
  };
}
