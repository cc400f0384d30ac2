/**
 * The queue: every case across platforms, most urgent first, with filters (a plain GET form,
 * so it works without JavaScript) and a live region that app.js refreshes on each server-sent
 * change. The table turns into one card per case on a narrow screen (style.css).
 */
import { html } from 'hono/html';
import { RISK_LEVELS } from '../../messages.js';
import type { QueueFilter, QueueItem } from '../../store/dashboard-store.js';
import { ago, levelBadge, priorityWord, resourceText, sinkList, statusBadge, type Html } from './format.js';

export interface QueueView {
  items: QueueItem[];
  filter: QueueFilter;
  platforms: string[];
  now: Date;
}

const STATUS_OPTIONS: Array<[QueueFilter['status'], string]> = [
  ['active', 'Open and claimed'], ['open', 'Needs a moderator'], ['acknowledged', 'Claimed'], ['resolved', 'Resolved'], ['all', 'All'],
];

function option(value: string, label: string, selected: boolean): Html {
  return html`<option value="${value}"${selected ? html` selected` : ''}>${label}</option>`;
}

export function filterForm(v: QueueView): Html {
  const f = v.filter;
  return html`<form class="filters" method="get" action="/" role="search" aria-label="Filter cases">
  <label>Status <select name="status">${STATUS_OPTIONS.map(([value, label]) => option(value, label, f.status === value))}</select></label>
  <label>Level <select name="level">${option('', 'Any level', !f.level)}${[...RISK_LEVELS].reverse().filter((l) => l !== 'none')
    .map((l) => option(l, l === 'imminent' ? 'Imminent' : `${l[0]!.toUpperCase()}${l.slice(1)} and above`, f.level === l))}</select></label>
  <label>Platform <select name="platform">${option('', 'All platforms', !f.platform)}${v.platforms.map((p) => option(p, p, f.platform === p))}</select></label>
  <button type="submit">Show</button>
</form>`;
}

function summary(items: QueueItem[]): string {
  const open = items.filter((c) => c.status === 'open').length;
  const claimed = items.filter((c) => c.status === 'acknowledged').length;
  const parts = [`${open} ${open === 1 ? 'case needs' : 'cases need'} a moderator`, `${claimed} claimed`];
  const urgent = items.filter((c) => c.status === 'open' && c.level === 'imminent').length;
  if (urgent > 0) parts.unshift(`${urgent} imminent and unclaimed`);
  return `${parts.join(' · ')}.`;
}

function row(c: QueueItem, now: Date): Html {
  const claim = c.status === 'resolved'
    ? html`${c.resolvedBy ?? ''}${c.outcome ? html` <span class="muted">(${c.outcome.replace(/_/g, ' ')})</span>` : ''}`
    : c.claimedBy ? html`${c.claimedBy}` : html`<span class="muted">nobody yet</span>`;
  return html`<tr class="case status-row-${c.status}">
  <th scope="row" data-label="Case"><a href="/cases/${c.id}" data-key="case-${c.id}">Case #${c.id}</a>${c.paused ? html` <span class="tag">bot paused</span>` : ''}</th>
  <td data-label="Level">${levelBadge(c.level)}</td>
  <td data-label="Priority">${priorityWord(c.priority)}</td>
  <td data-label="Status">${statusBadge(c.status)}</td>
  <td data-label="Claimed by">${claim}</td>
  <td data-label="Where">${c.platform} · ${c.community}</td>
  <td data-label="Opened">${ago(c.openedAt, now)}</td>
  <td data-label="Last signal">${ago(c.lastSignalAt, now)}</td>
  <td data-label="Resources">${resourceText(c.resources)}</td>
  <td data-label="Alerts">${sinkList(c.sinks)}</td>
</tr>`;
}

/** The part app.js swaps in place on every change (elements marked data-swap). */
export function queueLive(v: QueueView): Html {
  return html`<div id="live" data-swap><p class="summary" data-summary>${summary(v.items)}</p>
${v.items.length === 0
    ? html`<p class="empty">No cases match these filters.</p>`
    : html`<div class="table-wrap"><table class="queue">
  <caption class="sr-only">Cases, most urgent first</caption>
  <thead><tr>
    <th scope="col">Case</th><th scope="col">Level</th><th scope="col">Priority</th><th scope="col">Status</th>
    <th scope="col">Claimed by</th><th scope="col">Where</th><th scope="col">Opened</th><th scope="col">Last signal</th>
    <th scope="col">Resources</th><th scope="col">Alerts</th>
  </tr></thead>
  <tbody>${v.items.map((c) => row(c, v.now))}</tbody>
</table></div>`}</div>`;
}

export function queueBody(v: QueueView): Html {
  return html`<h1>Cases</h1>
${filterForm(v)}
<p id="live-status" class="live-status muted" role="status" aria-live="polite">Reload the page to see changes.</p>
${queueLive(v)}`;
}
