/**
 * Moderator alerts in the console, shown when the local user is a moderator (MODERATOR_IDS
 * has console:local): the core's card (src/alerts/card.ts) as plain lines. A terminal cannot
 * change what it already printed, so a status change prints the alert again, marked as the
 * update of the earlier one, which is how the console "edits in place".
 */
import { alertCard, type AlertCard } from '../../src/alerts/card.js';
import type { AlertDigest, AlertView, ModeratorSink } from '../../src/ports.js';
import { createAlertSink } from '../shared/alert-sink.js';
import { plainForTerminal } from './outbound.js';

function factLines(card: AlertCard): string[] {
  return card.facts.map((f) => `  ${f.label}: ${f.text}${f.url ? ` <${f.url}>` : ''}`);
}

/** The alert as lines of plain text, control characters removed (the excerpt is the user's words). */
export function renderConsoleAlert(alert: AlertView): string {
  const card = alertCard(alert);
  const lines = [
    `[moderators] ${card.title}`,
    ...(card.unreachable ? [`  ${card.unreachable}`] : []),
    ...factLines(card),
    ...(card.excerpt ? [`  Excerpt: "${card.excerpt}"`] : []),
    `  ${card.footer}`,
    `  Act with /case ack ${alert.caseId} or /case resolve ${alert.caseId}.`,
  ];
  return plainForTerminal(lines.join('\n'));
}

export function renderConsoleDigest(digest: AlertDigest): string {
  const entries = digest.alerts.map((alert) => {
    const card = alertCard(alert);
    return `  #${alert.caseId} · ${alert.level} risk · ${alert.status} · ${card.person}`;
  });
  return plainForTerminal([`[moderators] Digest: ${digest.alerts.length} held cases`, ...entries].join('\n'));
}

/** `write` prints a block of lines to the chat (the adapter's own writer, which keeps the prompt tidy). */
export function createConsoleModeratorSink(write: (text: string) => void): ModeratorSink {
  let posted = 0;
  return createAlertSink<string>('console', { alert: renderConsoleAlert, digest: renderConsoleDigest }, {
    async post(text) {
      write(text);
      posted += 1;
      return `console:${posted}`;
    },
    async edit(ref, text) {
      write(`[moderators] update to alert ${ref}:\n${text}`);
    },
  });
}
