/**
 * Block Kit for moderator alerts (CRISIS.md §6: minimum necessary). Limits from Slack's Block
 * Kit reference: header text ≤ 150 chars, section text ≤ 3000, each field ≤ 2000 and ≤ 10
 * fields per section, button value ≤ 2000; `text` is always sent too, as the notification
 * and screen-reader fallback. The user is shown by name and id, never as a <@U…> mention:
 * a mention in an alert would point others at the person (CRISIS.md §4, rule 8).
 */
import { alertCard, clip, fact, statusText, whereText, type AlertCard, type AlertFact } from '../../src/alerts/card.js';
import type { AlertDigest, AlertView } from '../../src/ports.js';
import { safeText } from './outbound.js';

export const ACTION_ACK = 'oyster_case_ack';
export const ACTION_RESOLVE = 'oyster_case_resolve';

/** A Block Kit block: a plain object, validated by Slack. Kept structural to stay SDK-free. */
export type Block = Record<string, unknown>;

const PRIORITY_EMOJI: Record<AlertView['priority'], string> = {
  normal: ':large_yellow_circle:', high: ':large_orange_circle:', urgent: ':red_circle:',
};

const EXCERPT_MAX = 280;

function mrkdwn(text: string): Block {
  return { type: 'mrkdwn', text: clip(text, 2000) };
}

/** Where the conversation is, as a moderator can find it. Slack channels link as <#C…>. */
function where(alert: AlertView): string {
  const c = alert.conversation;
  if (alert.isDirect || alert.platform !== 'slack') return safeText(whereText(alert));
  return c.threadId === undefined ? `<#${c.channelId}>` : `<#${c.channelId}> (thread ${safeText(c.threadId)})`;
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

/** A Slack date token renders in each reader's own timezone; the fallback is the ISO time. */
function slackDate(iso: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  if (!Number.isFinite(seconds)) return safeText(iso);
  return `<!date^${seconds}^{date_short_pretty} {time}|${safeText(iso)}>`;
}

/** The core's card for this alert, with Slack's permalink for a Slack message. */
function cardOf(alert: AlertView, options: AlertRenderOptions): AlertCard {
  return alertCard(alert, { messageLink: slackMessageLink(alert, options.workspaceUrl), excerptMax: EXCERPT_MAX });
}

/** One fact as mrkdwn: Slack channels and dates as Slack shows them, links as <url|words>, the rest escaped. */
function factValue(alert: AlertView, f: AlertFact): string {
  if (f.key === 'where') return where(alert);
  if (f.key === 'priority') return `${PRIORITY_EMOJI[alert.priority]} ${safeText(f.text)}`;
  if (f.key === 'status') {
    const { actedAt, ...untimed } = alert;
    return `${safeText(statusText(untimed))}${actedAt ? ` at ${slackDate(actedAt)}` : ''}`;
  }
  // `&` is one of the three characters mrkdwn needs escaped, in link targets too.
  return f.url ? `<${f.url.replace(/&/g, '&amp;')}|${safeText(f.text)}>` : safeText(f.text);
}

/** The one-line notification text (also what screen readers and old clients show). */
export function alertFallbackText(alert: AlertView): string {
  const card = alertCard(alert);
  // The headline goes first: on Slack this line is all a notification shows.
  return safeText(`${card.headline} · ${card.summary}${card.unreachable ? `: ${card.unreachable}` : ''}`);
}

/** Slack allows 10 fields per section. */
const FIELDS_PER_SECTION = 10;

/** The alert as Block Kit: header, the card's facts as fields, excerpt, footer, and the case buttons. */
export function alertBlocks(alert: AlertView, options: AlertRenderOptions = {}): Block[] {
  const card = cardOf(alert, options);
  const fields = card.facts.map((f) => mrkdwn(`*${f.label}*\n${factValue(alert, f)}`));
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(card.title, 150), emoji: true } },
    ...(card.unreachable ? [{ type: 'section', text: mrkdwn(`*${safeText(card.unreachable)}*`) }] : []),
  ];
  for (let i = 0; i < fields.length; i += FIELDS_PER_SECTION) blocks.push({ type: 'section', fields: fields.slice(i, i + FIELDS_PER_SECTION) });
  if (card.excerpt !== '') {
    blocks.push({ type: 'section', text: mrkdwn(`*Excerpt*\n>${safeText(card.excerpt).replace(/\n/g, '\n>')}`) });
  }
  blocks.push({ type: 'context', elements: [mrkdwn(`Opened ${slackDate(alert.createdAt)} · ${safeText(card.footer)}`)] });

  const buttons: Block[] = [];
  if (card.actions.acknowledge) {
    buttons.push({
      type: 'button', action_id: ACTION_ACK, value: String(alert.caseId), style: 'primary',
      text: { type: 'plain_text', text: 'Acknowledge' },
    });
  }
  if (card.actions.resolve) {
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
    const card = cardOf(alert, options);
    const show = (key: AlertFact['key']) => {
      const f = fact(card, key);
      return f ? `${f.label}: ${factValue(alert, f)}` : undefined;
    };
    const status = `${safeText(alert.status)}${alert.actedBy ? ` by ${safeText(alert.actedBy)}` : ''}`;
    const lines = [
      `*#${alert.caseId}* · ${safeText(alert.level)} risk · ${status} · ${slackDate(alert.createdAt)}`,
      `${safeText(card.person)} · ${where(alert)}`,
      ...[show('message'), show('case'), show('paged'), show('reasons'), show('reached'), show('sent')].filter((l): l is string => l !== undefined),
    ];
    if (card.excerpt !== '') lines.push(`>${safeText(clip(card.excerpt, 200)).replace(/\n/g, '\n>')}`);
    blocks.push({ type: 'divider' }, { type: 'section', text: mrkdwn(lines.join('\n')) });
  }
  return blocks;
}
