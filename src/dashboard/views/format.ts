/**
 * Small pieces every dashboard page shares: the level badge (colour AND text), ages, times,
 * and the words for delivery and resource states. Every value goes through hono/html's
 * escaping `html` template; nothing here builds markup by string concatenation.
 */
import { html } from 'hono/html';
import type { RiskLevel } from '../../messages.js';
import type { AlertPriority, CaseStatus } from '../../ports.js';
import type { ResourceState, SinkState } from '../../store/dashboard-store.js';

export type Html = ReturnType<typeof html>;

const LEVEL_WORDS: Record<RiskLevel, string> = {
  imminent: 'Imminent', high: 'High', moderate: 'Moderate', low: 'Low', none: 'None',
};

/** The level as a word in a coloured badge; the word carries the meaning, the colour only repeats it. */
export function levelBadge(level: RiskLevel): Html {
  return html`<span class="badge level-${level}">${LEVEL_WORDS[level]}</span>`;
}

const STATUS_WORDS: Record<CaseStatus, string> = {
  open: 'Needs a moderator', acknowledged: 'Claimed', resolved: 'Resolved',
};

export function statusBadge(status: CaseStatus): Html {
  return html`<span class="status status-${status}">${STATUS_WORDS[status]}</span>`;
}

export function priorityWord(p: AlertPriority): string {
  return p === 'urgent' ? 'Urgent' : p === 'high' ? 'High' : 'Normal';
}

/** "4 min", "2 h 5 min", "3 d 2 h": short enough for a phone column. */
export function duration(ms: number): string {
  const min = Math.max(0, Math.floor(ms / 60_000));
  if (min < 1) return 'under a minute';
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d} d` : `${d} d ${h % 24} h`;
}

/** An absolute UTC time in a <time> element (the server does not know the reader's zone). */
export function timeTag(at: Date | undefined): Html {
  if (!at) return html`<span>time erased</span>`;
  const iso = at.toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
}

export function ago(at: Date, now: Date): Html {
  return html`<time datetime="${at.toISOString()}" title="${at.toISOString().slice(0, 16).replace('T', ' ')} UTC">${duration(now.getTime() - at.getTime())} ago</time>`;
}

const RESOURCE_WORDS: Record<ResourceState, string> = {
  sent: 'Reached privately',
  refused: 'DM refused: minimal note in the chat only',
  pending: 'Not yet delivered, retrying',
  none: 'Not sent',
};

export function resourceText(state: ResourceState): Html {
  return html`<span class="res res-${state}">${RESOURCE_WORDS[state]}</span>`;
}

const SINK_WORDS: Record<SinkState['state'], string> = {
  delivered: 'delivered', pending: 'pending', failing: 'FAILING', held: 'held for digest',
};

/** One line per sink: "telegram: delivered". A failing sink is shown in words, not just red. */
export function sinkList(sinks: SinkState[]): Html {
  if (sinks.length === 0) return html`<span class="muted">no alert</span>`;
  return html`<ul class="sinks">${sinks.map((s) => html`<li class="sink sink-${s.state}">${s.sink}: ${SINK_WORDS[s.state]}${
    s.state === 'failing' || (s.state === 'pending' && s.attempts > 0) ? html` (${s.attempts} tries${s.lastError ? html`, ${s.lastError}` : ''})` : ''
  }</li>`)}</ul>`;
}

export const OUTCOME_WORDS: Record<string, string> = {
  false_positive: 'False positive',
  resources_accepted: 'Resources accepted',
  reached_service: 'Reached a service',
  emergency: 'Emergency',
  unknown: 'Unknown',
};
