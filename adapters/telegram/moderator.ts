/**
 * Moderator alerts in a Telegram staff group: the alert text (minimum necessary, CRISIS.md
 * §6), its inline keyboard (acknowledge / resolve), and the sink that posts it once per
 * alert id. Rendering is pure; posting goes through a function index.ts passes in, so this
 * file needs no SDK.
 */
import type { AlertView, ModeratorSink } from '../../src/ports.js';
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

function userLine(alert: AlertView): string {
  const name = escapeHtml(alert.user.displayName);
  // A tg://user link lets a moderator open the profile to start a DM; it is not an @-mention.
  const who = alert.platform === 'telegram' && /^\d+$/.test(alert.user.id)
    ? `<a href="tg://user?id=${alert.user.id}">${name}</a>`
    : name;
  return `${who} (id <code>${escapeHtml(alert.user.id)}</code>)`;
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
    escapeHtml(KIND_LINE[alert.kind]),
    `Status: ${statusLine(alert)}`,
    `Reasons: ${escapeHtml(cut(alert.reasons.join(', ') || 'none recorded', 400))}`,
    `User: ${userLine(alert)}`,
    `Where: ${where(alert)}`,
    `Country: ${escapeHtml(alert.country ?? 'unknown')}`,
    `Bot sent: ${escapeHtml(cut(alert.resourcesSent.join(', ') || 'nothing yet', 400))}`,
    `Reached privately: ${alert.reachedPrivately ? 'yes' : '<b>no</b>, the user could not be sent a private message'}`,
    `Excerpt: <blockquote>${escapeHtml(cut(alert.excerpt, EXCERPT_MAX))}</blockquote>`,
    `Raised ${when(alert.createdAt)} · policy ${escapeHtml(alert.policyVersion)}`,
  ];
  return lines.join('\n');
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

const REMEMBERED_ALERTS = 2_000;

/**
 * A ModeratorSink for the staff group. The core's outbox retries deliveries; a retry of an
 * alert this process already posted returns the earlier ref instead of posting twice.
 */
export function createTelegramModeratorSink(post: PostAlert, logger: Logger): ModeratorSink {
  const delivered = new Map<number, string>();
  const inFlight = new Map<number, Promise<{ ref?: string }>>();
  return {
    name: 'telegram',
    deliver(alert) {
      const known = delivered.get(alert.alertId);
      if (known !== undefined) return Promise.resolve({ ref: known });
      const pending = inFlight.get(alert.alertId);
      if (pending) return pending;
      const attempt = post(renderAlert(alert), alertKeyboard(alert))
        .then((ref) => {
          delivered.set(alert.alertId, ref);
          if (delivered.size > REMEMBERED_ALERTS) delivered.delete(delivered.keys().next().value!);
          logger.info('telegram moderator alert posted', { caseId: alert.caseId, alertId: alert.alertId, level: alert.level });
          return { ref };
        })
        .finally(() => inFlight.delete(alert.alertId));
      inFlight.set(alert.alertId, attempt);
      return attempt;
    },
  };
}
