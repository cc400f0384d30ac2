/**
 * Block Kit for moderator alerts (CRISIS.md §6: minimum necessary). Limits from Slack's Block
 * Kit reference: header text ≤ 150 chars, section text ≤ 3000, each field ≤ 2000 and ≤ 10
 * fields per section, button value ≤ 2000; `text` is always sent too, as the notification
 * and screen-reader fallback. The user is shown by name and id, never as a <@U…> mention:
 * a mention in an alert would point others at the person (CRISIS.md §4, rule 8).
 */
import type { AlertDigest, AlertView } from '../../src/ports.js';
import { safeText } from './outbound.js';

export const ACTION_ACK = 'oyster_case_ack';
export const ACTION_RESOLVE = 'oyster_case_resolve';

/** A Block Kit block: a plain object, validated by Slack. Kept structural to stay SDK-free. */
export type Block = Record<string, unknown>;

const LEVEL_LABEL: Record<AlertView['level'], string> = {
  none: 'No risk', low: 'Low risk', moderate: 'Moderate risk', high: 'High risk', imminent: 'Imminent risk',
};
const KIND_LABEL: Record<AlertView['kind'], string> = {
  new: 'New case', escalated: 'Escalated', realert: 'Still unacknowledged', update: 'Case update',
};
const STATUS_LABEL: Record<AlertView['status'], string> = {
  open: 'Open', acknowledged: 'Acknowledged', resolved: 'Resolved',
};
const PRIORITY_EMOJI: Record<AlertView['priority'], string> = {
  normal: ':large_yellow_circle:', high: ':large_orange_circle:', urgent: ':red_circle:',
};

const EXCERPT_MAX = 280;

function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

function mrkdwn(text: string): Block {
  return { type: 'mrkdwn', text: clip(text, 2000) };
}

/** Where the conversation is, as a moderator can find it. Slack channels link as <#C…>. */
function where(alert: AlertView): string {
  const c = alert.conversation;
  if (alert.isDirect) return `Direct message with the bot (${safeText(alert.platform)})`;
  if (alert.platform === 'slack') {
    return c.threadId === undefined ? `<#${c.channelId}>` : `<#${c.channelId}> (thread ${safeText(c.threadId)})`;
  }
  const thread = c.threadId === undefined ? '' : `, thread ${safeText(c.threadId)}`;
  return `${safeText(alert.platform)} channel ${safeText(c.channelId)}${thread}`;
}

/** What the renderers need to know about this workspace. */
export interface AlertRenderOptions {
  /** The workspace's URL from auth.test (`https://<workspace>.slack.com/`), for message permalinks. */
  workspaceUrl?: string | undefined;
  /** The slash command moderators use (`/oyster`), shown in digests. */
  command?: string | undefined;
}

/**
 * A permalink to the triggering message: `<workspace url>archives/<channel>/p<ts without the
 * dot>`, with `?thread_ts=<root>&cid=<channel>` for a reply in a thread: the form
 * chat.getPermalink answers. The workspace URL comes from the auth.test the adapter runs at
 * start, so an alert costs no extra call. Never for DMs: moderators cannot open them.
 * InboundMessage.id on Slack is `${channel}:${ts}` (inbound.ts).
 */
export function slackMessageLink(
  alert: Pick<AlertView, 'platform' | 'isDirect' | 'messageId' | 'conversation'>, workspaceUrl: string | undefined,
): string | undefined {
  const m = /^([CG][A-Z0-9]+):(\d+)\.(\d+)$/.exec(alert.messageId ?? '');
  if (alert.platform !== 'slack' || alert.isDirect || !m || !workspaceUrl || !/^https:\/\/[^\s<>|]+$/.test(workspaceUrl)) return undefined;
  const [, channel, seconds, micros] = m;
  const base = `${workspaceUrl.endsWith('/') ? workspaceUrl : `${workspaceUrl}/`}archives/${channel}/p${seconds}${micros}`;
  const root = alert.conversation.threadId;
  return root !== undefined && root !== `${seconds}.${micros}` ? `${base}?thread_ts=${root}&cid=${channel}` : base;
}

/** The message as a link where possible, else channel and ts so a moderator can still find it. */
function messageRef(alert: AlertView, options: AlertRenderOptions): string | undefined {
  if (alert.messageId === undefined) return undefined;
  const link = slackMessageLink(alert, options.workspaceUrl);
  // `&` is one of the three characters mrkdwn needs escaped, in link targets too.
  if (link) return `<${link.replace(/&/g, '&amp;')}|open the message>`;
  const m = /^([CG][A-Z0-9]+):(\d+\.\d+)$/.exec(alert.messageId);
  // The channel is already in "Where"; the ts finds the message in it.
  if (alert.platform === 'slack' && m) return `message ts \`${m[2]}\``;
  return `${safeText(alert.platform)} id \`${safeText(clip(alert.messageId, 100))}\``;
}

/** An update the bot wrote itself (no moderator acted): today only "the private message was refused". */
function isUnreachableUpdate(alert: AlertView): boolean {
  return alert.kind === 'update' && alert.actedBy === undefined && !alert.reachedPrivately;
}

function kindLabel(alert: AlertView): string {
  return isUnreachableUpdate(alert) ? 'Not reached privately' : KIND_LABEL[alert.kind];
}

/** A Slack date token renders in each reader's own timezone; the fallback is the ISO time. */
function slackDate(iso: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  if (!Number.isFinite(seconds)) return safeText(iso);
  return `<!date^${seconds}^{date_short_pretty} {time}|${safeText(iso)}>`;
}

/** The one-line notification text (also what screen readers and old clients show). */
export function alertFallbackText(alert: AlertView): string {
  const head = `${alert.priority.toUpperCase()}: ${LEVEL_LABEL[alert.level].toLowerCase()}, case #${alert.caseId}`;
  const status = alert.status === 'open' ? '' : ` (${STATUS_LABEL[alert.status].toLowerCase()}${alert.actedBy ? ` by ${alert.actedBy}` : ''})`;
  const unreachable = isUnreachableUpdate(alert) ? ': the user could not be reached privately' : '';
  return safeText(`${kindLabel(alert)}: ${head}${status}${unreachable}`);
}

/** The alert as Block Kit: header, facts as fields, excerpt, what the bot did, and the case buttons. */
export function alertBlocks(alert: AlertView, options: AlertRenderOptions = {}): Block[] {
  const header = `${kindLabel(alert)}: ${LEVEL_LABEL[alert.level]}, case #${alert.caseId}`;
  const message = messageRef(alert, options);
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(header, 150), emoji: true } },
    ...(isUnreachableUpdate(alert)
      ? [{ type: 'section', text: mrkdwn('*The user could not be reached privately.* Their DMs refused the resources; only a minimal note was posted where they wrote.') }]
      : []),
    {
      type: 'section',
      fields: [
        mrkdwn(`*Priority*\n${PRIORITY_EMOJI[alert.priority]} ${safeText(alert.priority)}`),
        mrkdwn(`*Status*\n${STATUS_LABEL[alert.status]}`),
        mrkdwn(`*User*\n${safeText(alert.user.displayName)} (\`${safeText(alert.user.id)}\`)`),
        mrkdwn(`*Where*\n${where(alert)}${message ? `\n${message}` : ''}`),
        mrkdwn(`*Reasons*\n${safeText(alert.reasons.join(', ') || 'none recorded')}`),
        mrkdwn(`*Country*\n${safeText(alert.country ?? 'unknown')}`),
        mrkdwn(`*Resources sent*\n${safeText(alert.resourcesSent.join(', ') || 'none')}`),
        mrkdwn(`*Reached privately*\n${alert.reachedPrivately ? 'yes (DM)' : '*no*: DMs closed, minimal note sent in place'}`),
      ],
    },
  ];
  if (alert.excerpt.trim() !== '') {
    blocks.push({ type: 'section', text: mrkdwn(`*Excerpt*\n>${safeText(clip(alert.excerpt, EXCERPT_MAX)).replace(/\n/g, '\n>')}`) });
  }
  const context = [`Opened ${slackDate(alert.createdAt)}`, `policy ${safeText(alert.policyVersion)}`];
  if (alert.actedBy !== undefined) {
    const verb = alert.status === 'resolved' ? 'Resolved' : 'Acknowledged';
    context.unshift(`*${verb} by ${safeText(alert.actedBy)}*${alert.actedAt ? ` ${slackDate(alert.actedAt)}` : ''}`);
  }
  blocks.push({ type: 'context', elements: [mrkdwn(context.join(' · '))] });

  const buttons: Block[] = [];
  if (alert.status === 'open') {
    buttons.push({
      type: 'button', action_id: ACTION_ACK, value: String(alert.caseId), style: 'primary',
      text: { type: 'plain_text', text: 'Acknowledge' },
    });
  }
  if (alert.status !== 'resolved') {
    buttons.push({
      type: 'button', action_id: ACTION_RESOLVE, value: String(alert.caseId),
      text: { type: 'plain_text', text: 'Resolve' },
      confirm: {
        title: { type: 'plain_text', text: 'Resolve this case?' },
        text: { type: 'plain_text', text: 'Only resolve once the person has been reached or the alert was a false positive.' },
        confirm: { type: 'plain_text', text: 'Resolve' },
        deny: { type: 'plain_text', text: 'Cancel' },
      },
    });
  }
  if (buttons.length > 0) blocks.push({ type: 'actions', block_id: `case_${alert.caseId}`, elements: buttons });
  return blocks;
}

/** One line per entry for the notification and screen readers. */
export function digestFallbackText(digest: AlertDigest): string {
  const n = digest.alerts.length;
  return safeText(`Digest: ${n} ${n === 1 ? 'case' : 'cases'} (${digest.alerts.map((a) => `#${a.caseId} ${a.level}`).join(', ')})`);
}

/**
 * Held normal-priority alerts as one message (policies/escalation.yaml `digest`): a section per
 * case (≤ 10 per digest, far under Slack's 50 blocks). No buttons: a click edits the message it
 * sits on into that one case's alert (listeners.ts), which would wipe the other entries.
 */
export function digestBlocks(digest: AlertDigest, options: AlertRenderOptions = {}): Block[] {
  const n = digest.alerts.length;
  const command = safeText(options.command ?? '/oyster');
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: `Digest: ${n} ${n === 1 ? 'case' : 'cases'}`, emoji: true } },
    { type: 'context', elements: [mrkdwn(`Normal-priority cases held for the digest. Act with \`${command} case ack <id>\`, \`${command} case resolve <id>\` or \`${command} case list\`.`)] },
  ];
  for (const alert of digest.alerts) {
    const message = messageRef(alert, options);
    const status = `${STATUS_LABEL[alert.status]}${alert.actedBy ? ` by ${safeText(alert.actedBy)}` : ''}`;
    const lines = [
      `*#${alert.caseId}* · ${LEVEL_LABEL[alert.level]} · ${status} · ${slackDate(alert.createdAt)}`,
      `${safeText(alert.user.displayName)} (\`${safeText(alert.user.id)}\`) · ${where(alert)}${message ? ` · ${message}` : ''}`,
      `Reasons: ${safeText(clip(alert.reasons.join(', ') || 'none recorded', 300))}`,
      `Reached privately: ${alert.reachedPrivately ? 'yes' : '*no*'} · resources sent: ${safeText(clip(alert.resourcesSent.join(', ') || 'none', 300))}`,
    ];
    if (alert.excerpt.trim() !== '') lines.push(`>${safeText(clip(alert.excerpt, 200)).replace(/\n/g, '\n>')}`);
    blocks.push({ type: 'divider' }, { type: 'section', text: mrkdwn(lines.join('\n')) });
  }
  return blocks;
}
