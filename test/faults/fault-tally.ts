/**
 * What a fault run counts, from what the fakes recorded and the database the bot left:
 * messages lost and answers doubled, resources lost and doubled, alerts lost, webhook alerts
 * doubled, moderator-channel posts doubled, and the bytes of a forgotten person still in the
 * database files (main file, -wal, -shm and anything else in the folder, such as the case
 * journal).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Outbound } from './fault-platforms.js';
import type { WebhookReceiver } from '../hardening/webhook-receiver.js';

export interface Sent {
  person: number;
  ref: string;
  crisis: boolean;
}

export interface FaultCounts {
  sent: number;
  crisis: number;
  /** Messages the platform gave up on (Slack after its retries): the bot never acknowledged them. */
  undeliverable: number;
  lost: number;
  answersDoubled: number;
  resourcesLost: number;
  resourcesDoubled: number;
  /** Crisis messages without a case, alerts never accepted by the webhook, cases never posted to the channel. */
  alertsLost: number;
  /** Alert ids the webhook accepted more than once (a repeat after a 200; the receiver's key dedupes them). */
  webhookDoubled: number;
  channelDoubled: number;
  /** What each non-zero count is made of, for the report (refs, case and alert ids; never text). */
  details: string[];
}

/** A resource message carries the US crisis line; model answers and notices do not. */
export const isResources = (text: string) => text.includes('988');

/** Telegram: the first two lines of the HTML alert (case, level, kind); Slack: the fallback text. */
function channelKey(text: string): string | undefined {
  const lines = text.split('\n');
  if (!/case #\d+/.test(text)) return undefined;
  const key = text.includes('<b>') ? `${lines[0]}|${lines[1]}` : lines[0]!;
  // A re-alert is a deliberate second post (nobody acknowledged in time), not a double.
  return /re-alert/i.test(key) ? undefined : key;
}

export function tally(sent: Sent[], undeliverable: Set<string>, outbound: Outbound[], receiver: WebhookReceiver, dbPath: string): FaultCounts {
  const answers = new Map<string, number>();
  const resources = new Map<number, number>();
  const otherReplies = new Map<number, number>();
  for (const o of outbound) {
    if (o.to === 'moderators') continue;
    if (isResources(o.text)) resources.set(o.to, (resources.get(o.to) ?? 0) + 1);
    const ref = /\bzq[a-j]+x[a-j]+\b/.exec(o.text)?.[0];
    if (ref) answers.set(ref, (answers.get(ref) ?? 0) + 1);
    else if (!isResources(o.text)) otherReplies.set(o.to, (otherReplies.get(o.to) ?? 0) + 1);
  }
  const delivered = sent.filter((s) => !undeliverable.has(s.ref));
  let lost = 0;
  let answersDoubled = 0;
  const details: string[] = [];
  // A message without the model's answer may have had a reply without its ref instead: the
  // reviewed safe reply at risk, or "cannot reach my model". Those are counted per person.
  const unmatched = new Map<number, Sent[]>();
  for (const s of delivered) {
    const n = answers.get(s.ref) ?? 0;
    if (n === 0) unmatched.set(s.person, [...(unmatched.get(s.person) ?? []), s]);
    if (n > 1) {
      answersDoubled++;
      details.push(`${s.ref} (person ${s.person}${s.crisis ? ', crisis' : ''}) answered ${n} times`);
    }
  }
  for (const [person, list] of unmatched) {
    const others = otherReplies.get(person) ?? 0;
    if (others < list.length) {
      lost += list.length - others;
      for (const s of list.slice(others)) details.push(`${s.ref} (person ${person}${s.crisis ? ', crisis' : ''}) not answered`);
    }
  }
  for (const [person, others] of otherReplies) {
    const surplus = others - (unmatched.get(person)?.length ?? 0);
    if (surplus > 0) {
      answersDoubled += surplus;
      details.push(`person ${person}: ${surplus} replies more than messages`);
    }
  }
  const crisis = delivered.filter((s) => s.crisis);
  for (const s of crisis) if ((resources.get(s.person) ?? 0) !== 1) details.push(`person ${s.person}: ${resources.get(s.person) ?? 0} resource messages`);
  const resourcesLost = crisis.filter((s) => (resources.get(s.person) ?? 0) === 0).length;
  const resourcesDoubled = crisis.filter((s) => (resources.get(s.person) ?? 0) > 1).length;

  const db = new Database(dbPath, { readonly: true });
  const caseUsers = new Set((db.prepare('SELECT DISTINCT user_key AS u FROM cases').all() as Array<{ u: string }>).map((r) => r.u));
  const caseIds = (db.prepare('SELECT id FROM cases').all() as Array<{ id: number }>).map((r) => r.id);
  // Rows the webhook never answered with a 2xx (one by one, or in a digest of held alerts).
  const webhookAlerts = (db.prepare("SELECT alert_id AS id FROM alert_outbox WHERE sink = 'webhook' AND delivered_at IS NULL").all() as Array<{ id: number }>).map((r) => String(r.id));
  db.close();
  const personOfCase = (key: string) => Number(/(\d+)$/.exec(key)?.[1] ?? NaN) % 700_000_000;
  const withCase = new Set([...caseUsers].map(personOfCase));
  const casesMissing = crisis.filter((s) => !withCase.has(s.person)).length;
  const webhookMissing = webhookAlerts.length;
  const posts = new Map<string, number>();
  for (const o of outbound) {
    if (o.to !== 'moderators') continue;
    const key = channelKey(o.text);
    if (key) posts.set(key, (posts.get(key) ?? 0) + 1);
  }
  // A case is shown in the channel by its own alert or as an entry of a digest ("#12").
  const posted = new Set(outbound.filter((o) => o.to === 'moderators').flatMap((o) => [...o.text.matchAll(/#(\d+)\b/g)].map((m) => Number(m[1]))));
  const channelMissing = caseIds.filter((id) => !posted.has(id)).length;
  for (const s of crisis) if (!withCase.has(s.person)) details.push(`person ${s.person}: no case`);
  for (const id of webhookAlerts) details.push(`alert ${id}: never accepted by the webhook`);
  for (const id of caseIds) if (!posted.has(id)) details.push(`case ${id}: never posted to the moderator channel`);
  for (const [k, n] of posts) if (n > 1) details.push(`channel post "${k.replace(/<[^>]+>/g, '')}" ${n} times`);
  const acceptedTwice = new Map<string, number>();
  for (const r of receiver.raw) if (r.status === 200 && r.alertId) acceptedTwice.set(r.alertId, (acceptedTwice.get(r.alertId) ?? 0) + 1);
  return {
    sent: sent.length,
    crisis: sent.filter((s) => s.crisis).length,
    undeliverable: undeliverable.size,
    lost,
    answersDoubled,
    resourcesLost,
    resourcesDoubled,
    alertsLost: casesMissing + webhookMissing + channelMissing,
    webhookDoubled: [...acceptedTwice.values()].filter((n) => n > 1).length,
    channelDoubled: [...posts.values()].filter((n) => n > 1).length,
    details,
  };
}

/** Occurrences of each needle (UTF-8, case-insensitive for ASCII) in every file of the database folder. */
export function tracesIn(folder: string, needles: string[]): { total: number; byFile: Record<string, number> } {
  const byFile: Record<string, number> = {};
  let total = 0;
  for (const file of readdirSync(folder)) {
    const bytes = readFileSync(join(folder, file));
    const lower = Buffer.from(bytes.toString('latin1').toLowerCase(), 'latin1');
    let found = 0;
    for (const needle of needles) {
      const n = Buffer.from(needle.toLowerCase(), 'utf8');
      for (let i = lower.indexOf(n); i !== -1; i = lower.indexOf(n, i + 1)) found += n.length;
    }
    if (found > 0) byFile[file] = found;
    total += found;
  }
  return { total, byFile };
}
