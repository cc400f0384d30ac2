/**
 * One case: a summary (the same minimum-necessary view as the alerts: excerpt, reasons,
 * where, who), the moderator actions as plain forms carrying the CSRF token, and the
 * timeline of signals, alerts and where each went, resources, and every audit-log action.
 */
import { html } from 'hono/html';
import { CASE_OUTCOMES } from '../../store/case-store.js';
import type { CaseDetail, TimelineEntry } from '../../store/dashboard-store.js';
import {
  ago, levelBadge, OUTCOME_WORDS, priorityWord, resourceText, sinkList, statusBadge, timeTag, type Html,
} from './format.js';

export const MAX_NOTE_CHARS = 1000;

const ALERT_WORDS: Record<string, string> = {
  new: 'Alert sent: new case', escalated: 'Alert sent: risk level rose', realert: 'Re-alert: nobody had acknowledged',
  update: 'Alert updated',
};

const ACTION_WORDS: Record<string, string> = {
  opened: 'Case opened', escalated: 'Risk level rose', acknowledge: 'Claimed (acknowledged)', resolve: 'Resolved',
  note: 'Note', pause: 'Bot paused for this person', resume: 'Bot resumed for this person', refused: 'Refused attempt (not a moderator)',
  dm_refused: 'Private message refused', realert: 'Re-alert sent (nobody had acknowledged)',
  resources_delivered: 'Resources delivered to the person', disclosure: 'New disclosure at the same level',
  forgotten: 'Details erased (the person asked to be forgotten)', erased: 'Erased',
};

function auditLine(e: Extract<TimelineEntry, { kind: 'audit' }>): Html {
  const via = typeof e.detail['via'] === 'string' ? html` <span class="tag">via ${e.detail['via']}</span>` : '';
  const outcome = typeof e.detail['outcome'] === 'string' ? html` · outcome: ${OUTCOME_WORDS[e.detail['outcome']] ?? e.detail['outcome']}` : '';
  const levels = e.action === 'escalated' && typeof e.detail['to'] === 'string' ? html` · ${String(e.detail['from'])} → ${e.detail['to']}` : '';
  return html`<strong>${ACTION_WORDS[e.action] ?? e.action}</strong>${outcome}${levels}${via}
    <span class="muted">by ${e.actor ?? 'unknown'}</span>${e.note ? html`<blockquote class="note">${e.note}</blockquote>` : ''}`;
}

function entry(e: TimelineEntry): Html {
  switch (e.kind) {
    case 'signal':
      return html`<li class="tl tl-signal">${timeTag(e.at)} <span><strong>Signal</strong> at level ${levelBadge(e.level)}</span></li>`;
    case 'alert':
      return html`<li class="tl tl-alert">${timeTag(e.at)} <div><strong>${ALERT_WORDS[e.alertKind] ?? e.alertKind}</strong>
        · ${levelBadge(e.level)} · ${priorityWord(e.priority)} priority
        ${e.alertKind !== 'update' && e.excerpt ? html`<blockquote class="excerpt">${e.excerpt}</blockquote>` : ''}
        <div class="where-went">Where it went: ${sinkList(e.sinks)}</div></div></li>`;
    case 'resources':
      return html`<li class="tl tl-resources">${timeTag(e.at)} <div><strong>Resources</strong>: ${resourceText(e.state)}
        ${e.resourceIds.length ? html`<span class="muted">(${e.resourceIds.join(', ')})</span>` : ''}${e.detail ? html` · ${e.detail}` : ''}</div></li>`;
    case 'audit':
      return html`<li class="tl tl-audit">${timeTag(e.at)} <div>${auditLine(e)}</div></li>`;
  }
}

function summary(c: CaseDetail, now: Date): Html {
  return html`<dl class="facts">
  <div><dt>Level</dt><dd>${levelBadge(c.level)} <span class="muted">${priorityWord(c.priority)} priority</span></dd></div>
  <div><dt>Status</dt><dd>${statusBadge(c.status)}${c.claimedBy && c.status !== 'resolved' ? html` by ${c.claimedBy}` : ''}${
    c.status === 'resolved' ? html` by ${c.resolvedBy ?? 'unknown'}, outcome ${OUTCOME_WORDS[c.outcome ?? 'unknown'] ?? c.outcome}` : ''}${
    c.paused ? html` · <span class="tag">bot paused</span>` : ''}</dd></div>
  <div><dt>Person</dt><dd>${c.user.displayName} <span class="muted">(${c.platform} id ${c.user.id})</span></dd></div>
  <div><dt>Where</dt><dd>${c.platform} · ${c.community}${c.isDirect ? '' : html` · ${c.channel}`}</dd></div>
  <div><dt>Opened</dt><dd>${ago(c.openedAt, now)} · ${timeTag(c.openedAt)}</dd></div>
  <div><dt>Last signal</dt><dd>${ago(c.lastSignalAt, now)}</dd></div>
  <div><dt>Reasons</dt><dd>${c.reasons.length ? c.reasons.join(', ') : html`<span class="muted">none recorded</span>`}</dd></div>
  <div><dt>Resources</dt><dd>${resourceText(c.resources)}${c.country ? html` <span class="muted">(country ${c.country})</span>` : ''}</dd></div>
  <div><dt>Alerts</dt><dd>${sinkList(c.sinks)}</dd></div>
</dl>
<figure class="excerpt-box"><figcaption>Excerpt, as in the alert</figcaption><blockquote class="excerpt">${c.excerpt || '(erased)'}</blockquote></figure>`;
}

/** The parts app.js swaps in place on every change (elements marked data-swap). */
export function caseLive(c: CaseDetail, csrf: string, now: Date): Html {
  return html`<div id="live" data-swap>${summary(c, now)}
<h2 id="timeline-h">Timeline</h2>
<ol class="timeline" aria-labelledby="timeline-h">${c.timeline.map(entry)}</ol></div>
${actions(c, csrf)}`;
}

function actions(c: CaseDetail, csrf: string): Html {
  const post = `/cases/${c.id}/act`;
  const hidden = html`<input type="hidden" name="csrf" value="${csrf}">`;
  // app.js replaces the forms only when this changes, so a note being typed is never wiped.
  const state = `${c.status}:${c.paused ? 'paused' : 'running'}`;
  if (c.status === 'resolved') {
    return html`<section id="actions" data-swap data-state="${state}" aria-labelledby="act-h" class="actions"><h2 id="act-h">Actions</h2>
    <p>This case is resolved.</p>
    <form method="post" action="${post}" class="act note-form">${hidden}<input type="hidden" name="action" value="note">
      <label for="note">Add a note for the team</label>
      <textarea id="note" name="note" rows="3" maxlength="${MAX_NOTE_CHARS}" required></textarea>
      <button type="submit">Add note</button></form></section>`;
  }
  return html`<section id="actions" data-swap data-state="${state}" aria-labelledby="act-h" class="actions"><h2 id="act-h">Actions</h2>
  ${c.status === 'open' ? html`<form method="post" action="${post}" class="act">${hidden}<input type="hidden" name="action" value="acknowledge">
    <button type="submit" class="primary">Claim and acknowledge</button>
    <p class="hint">Tells the team you are looking after this person and stops re-alerts. Introduce yourself as a volunteer moderator and reuse the resources the bot sent.</p></form>` : ''}
  <form method="post" action="${post}" class="act">${hidden}<input type="hidden" name="action" value="${c.paused ? 'resume' : 'pause'}">
    <button type="submit">${c.paused ? 'Resume the bot for this person' : 'Pause the bot for this person'}</button>
    <p class="hint">${c.paused ? 'The bot answers them again.' : 'The bot stops its replies to them while you talk to them yourself.'}</p></form>
  <form method="post" action="${post}" class="act">${hidden}<input type="hidden" name="action" value="resolve">
    <label for="outcome">Outcome</label>
    <select id="outcome" name="outcome" required>
      <option value="">Choose an outcome</option>
      ${CASE_OUTCOMES.map((o) => html`<option value="${o}">${OUTCOME_WORDS[o] ?? o}</option>`)}
    </select>
    <button type="submit">Resolve case</button></form>
  <form method="post" action="${post}" class="act note-form">${hidden}<input type="hidden" name="action" value="note">
    <label for="note">Add a note for the team</label>
    <textarea id="note" name="note" rows="3" maxlength="${MAX_NOTE_CHARS}" required></textarea>
    <button type="submit">Add note</button></form>
</section>`;
}

export function caseBody(c: CaseDetail, csrf: string, now: Date): Html {
  return html`<p class="back"><a href="/">← All cases</a></p>
<h1>Case #${c.id} ${levelBadge(c.level)}</h1>
<p id="live-status" class="live-status muted" role="status" aria-live="polite">Reload the page to see changes.</p>
<div class="case-grid">${caseLive(c, csrf, now)}</div>`;
}
