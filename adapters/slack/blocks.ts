/**
 * Block Kit for moderator alerts (CRISIS.md §6: minimum necessary). Limits from Slack's Block
 * Kit reference: header text ≤ 150 chars, section text ≤ 3000, each field ≤ 2000 and ≤ 10
 * fields per section, button value ≤ 2000; `text` is always sent too, as the notification
 * and screen-reader fallback. The user is shown by name and id, never as a <@U…> mention:
 * a mention in an alert would point others at the person (CRISIS.md §4, rule 8).
 */
import type { AlertView } from '../../src/ports.js';
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
  return safeText(`${KIND_LABEL[alert.kind]}: ${head}${status}`);
}

/** The alert as Block Kit: header, facts as fields, excerpt, what the bot did, and the case buttons. */
export function alertBlocks(alert: AlertView): Block[] {
  const header = `${KIND_LABEL[alert.kind]}: ${LEVEL_LABEL[alert.level]}, case #${alert.caseId}`;
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(header, 150), emoji: true } },
    {
      type: 'section',
      fields: [
        mrkdwn(`*Priority*\n${PRIORITY_EMOJI[alert.priority]} ${safeText(alert.priority)}`),
        mrkdwn(`*Status*\n${STATUS_LABEL[alert.status]}`),
        mrkdwn(`*User*\n${safeText(alert.user.displayName)} (\`${safeText(alert.user.id)}\`)`),
        mrkdwn(`*Where*\n${where(alert)}`),
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
