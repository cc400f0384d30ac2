/**
 * What a moderator alert says, decided once for every sink. An adapter turns this card into its
 * own format (a Discord embed, Slack blocks, Telegram HTML, console lines) and decides nothing
 * about the content: the labels, how the person is named, the "could not be reached privately"
 * line, the links, the status and the on-call moderator being paged all come from here, so a
 * moderator team that watches two platforms reads the same facts on both (issue 13 item 2).
 *
 * Every string here is plain text: each adapter escapes it for its own markup.
 */
import type { AlertView } from '../ports.js';

/** The facts of an alert, in the order every sink shows them. */
export type AlertFactKey =
  | 'level' | 'priority' | 'status' | 'paged' | 'reasons' | 'user' | 'where' | 'message' | 'case' | 'country' | 'reached' | 'sent';

export interface AlertFact {
  key: AlertFactKey;
  label: string;
  /** Plain text; for a link, the words to show on it. */
  text: string;
  /** Set when the fact is a link (the triggering message, the case in the dashboard). */
  url?: string;
}

export interface AlertCard {
  /** "New case", "Risk rose", "Still not acknowledged", "Case updated", "Not reached privately". */
  headline: string;
  /** `<headline> #<case>: <level> risk`. */
  title: string;
  /** One line without personal details: what a push notification or lock screen shows. */
  summary: string;
  /** The person by name and platform id, never as a mention: an alert must not point anyone at them (CRISIS.md §4, rule 8). */
  person: string;
  /** Present when the bot could not reach the person privately and says so in this update. */
  unreachable: string | undefined;
  /** "open, not yet acknowledged" or "acknowledged by Mia at 2025-06-01 12:02 UTC". */
  status: string;
  /** The on-call moderator this urgent alert pages ("discord:123"), from policies/escalation.yaml `paging.on_call`. */
  paged: string | undefined;
  facts: AlertFact[];
  /** The person's words, cut to the card's budget; for the private moderator channel only. */
  excerpt: string;
  /** Which case buttons still apply. */
  actions: { acknowledge: boolean; resolve: boolean };
  footer: string;
}

export interface AlertCardOptions {
  /**
   * A link to the triggering message, when the adapter showing the card can build one for the
   * platform the message came from (each platform's link shape is that adapter's knowledge).
   */
  messageLink?: string | undefined;
  /** How to show a time (Discord and Slack have tokens that follow each reader's time zone). Default: UTC minutes. */
  time?: (iso: string) => string;
  /** The excerpt's budget in characters. Default 300. */
  excerptMax?: number;
}

export const HEADLINES: Record<AlertView['kind'], string> = {
  new: 'New case',
  escalated: 'Risk rose',
  realert: 'Still not acknowledged',
  update: 'Case updated',
};

export const UNREACHABLE_HEADLINE = 'Not reached privately';
export const UNREACHABLE_LINE =
  'The user could not be reached privately: their DMs refused the resources, and only a minimal note was posted where they wrote.';

/** Cuts to `max` characters (code points, so an emoji is never split), ending with an ellipsis. */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** "2025-06-01 12:02 UTC": the same on every platform and in every time zone. */
export function utcMinutes(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** An update the bot wrote itself (no moderator acted): "the private message was refused". */
export function isUnreachableUpdate(alert: AlertView): boolean {
  return alert.kind === 'update' && alert.actedBy === undefined && !alert.reachedPrivately;
}

/** The person as every sink names them: display name and platform id, no mention syntax. */
export function personName(user: AlertView['user'], nameMax = 200): string {
  return `${clip(user.displayName, nameMax)} (id ${user.id})`;
}

export function statusText(alert: AlertView, time: (iso: string) => string = utcMinutes): string {
  if (alert.status === 'open') return 'open, not yet acknowledged';
  const by = alert.actedBy ? ` by ${alert.actedBy}` : '';
  const at = alert.actedAt ? ` at ${time(alert.actedAt)}` : '';
  return `${alert.status}${by}${at}`;
}

/** Where the conversation is, in words any platform can show. */
export function whereText(alert: AlertView): string {
  const c = alert.conversation;
  if (alert.isDirect) return `private chat with the bot (${alert.platform}); moderators cannot open it`;
  const thread = c.threadId ? `, thread ${c.threadId}` : '';
  return `${alert.platform} channel ${c.channelId}${thread}`;
}

function messageFact(alert: AlertView, link: string | undefined): AlertFact | undefined {
  if (alert.messageId === undefined) return undefined;
  if (link) return { key: 'message', label: 'Message', text: 'open the message', url: link };
  return { key: 'message', label: 'Message', text: `${alert.platform} message id ${clip(alert.messageId, 100)}` };
}

/** Builds the card for one alert. Pure: the same alert and options always give the same card. */
export function alertCard(alert: AlertView, options: AlertCardOptions = {}): AlertCard {
  const time = options.time ?? utcMinutes;
  const unreachable = isUnreachableUpdate(alert);
  const headline = unreachable ? UNREACHABLE_HEADLINE : HEADLINES[alert.kind];
  const status = statusText(alert, time);
  const person = personName(alert.user);
  const message = messageFact(alert, options.messageLink);
  const facts: AlertFact[] = [
    { key: 'level', label: 'Level', text: alert.level },
    { key: 'priority', label: 'Priority', text: alert.priority },
    { key: 'status', label: 'Status', text: status },
    ...(alert.page !== undefined ? [{ key: 'paged' as const, label: 'Paged (on call)', text: alert.page }] : []),
    { key: 'reasons', label: 'Reasons', text: clip(alert.reasons.join(', ') || 'none recorded', 400) },
    { key: 'user', label: 'User', text: person },
    { key: 'where', label: 'Where', text: whereText(alert) },
    ...(message ? [message] : []),
    ...(alert.caseUrl !== undefined ? [{ key: 'case' as const, label: 'Case', text: `open case #${alert.caseId} in the dashboard`, url: alert.caseUrl }] : []),
    { key: 'country', label: 'Country', text: alert.country ?? 'unknown (asked the user)' },
    {
      key: 'reached', label: 'Reached privately',
      text: alert.reachedPrivately ? 'yes' : 'no: DMs closed, only a minimal note where they wrote',
    },
    { key: 'sent', label: 'Bot sent', text: clip(alert.resourcesSent.join(', ') || 'nothing yet', 400) },
  ];
  const summaryTail = [
    `${alert.status}${alert.actedBy ? ` by ${alert.actedBy}` : ''}`,
    ...(unreachable ? ['not reached privately'] : []),
    ...(alert.page !== undefined ? [`paging ${alert.page}`] : []),
  ];
  return {
    headline,
    title: `${headline} #${alert.caseId}: ${alert.level} risk`,
    summary: [`Case #${alert.caseId}`, alert.level.toUpperCase(), `${alert.priority} priority`, ...summaryTail].join(' · '),
    person,
    unreachable: unreachable ? UNREACHABLE_LINE : undefined,
    status,
    paged: alert.page,
    facts,
    excerpt: clip(alert.excerpt.trim(), options.excerptMax ?? 300),
    actions: { acknowledge: alert.status === 'open', resolve: alert.status !== 'resolved' },
    footer: `alert ${alert.alertId} · raised ${utcMinutes(alert.createdAt)} · policy ${alert.policyVersion}`,
  };
}

/** One fact by key (for renderers that lay some facts out on their own). */
export function fact(card: AlertCard, key: AlertFactKey): AlertFact | undefined {
  return card.facts.find((f) => f.key === key);
}
