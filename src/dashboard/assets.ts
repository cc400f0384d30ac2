/**
 * The dashboard's only stylesheet and script, served from the bot itself (no CDN, no web
 * fonts: it must work on a closed network). Kept as strings so a compiled build carries them.
 *
 * Style: quiet and readable at 3 a.m. — system fonts, muted surfaces, a dark scheme when the
 * device asks for one, large touch targets, a visible focus ring. Levels are a word in a
 * badge; the colour only repeats the word.
 */
export const STYLE_CSS = `
:root { --bg:#f6f5f2; --fg:#1f2328; --muted:#5c6370; --card:#fff; --line:#d8d5cf; --focus:#1a5fb4; --link:#1a5fb4;
  --imminent:#8b1a1a; --imminent-bg:#fbe3e1; --high:#8a4300; --high-bg:#fdebd3; --moderate:#6b5600; --moderate-bg:#f8f0c6;
  --low:#2f4f6f; --low-bg:#e2ebf4; --none:#4a4f57; --none-bg:#e9e9ea; --ok:#1e6b3a; --err:#8b1a1a; }
@media (prefers-color-scheme: dark) {
  :root { --bg:#15171a; --fg:#e6e3dd; --muted:#a3a8b1; --card:#1d2024; --line:#34383e; --focus:#8cb4ff; --link:#9cc0ff;
    --imminent:#ffb4ab; --imminent-bg:#4a1512; --high:#ffc58a; --high-bg:#43270b; --moderate:#f0d77a; --moderate-bg:#3a3210;
    --low:#b5cde6; --low-bg:#1f2e3d; --none:#c4c7cc; --none-bg:#2b2e33; --ok:#8fd6a5; --err:#ffb4ab; }
}
* { box-sizing: border-box; }
html { font-size: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
a { color: var(--link); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--card); padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: .5rem; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.top { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; justify-content: space-between;
  padding: .75rem 1rem; border-bottom: 1px solid var(--line); background: var(--card); }
.top nav { display: flex; gap: 1rem; align-items: center; }
.brand { font-weight: 600; color: var(--fg); text-decoration: none; }
.who { display: flex; gap: .75rem; align-items: center; flex-wrap: wrap; margin: 0; font-size: .95rem; }
main { padding: 1rem; max-width: 88rem; margin: 0 auto; }
main:focus { outline: none; }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; display: flex; gap: .75rem; align-items: center; flex-wrap: wrap; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .75rem; }
.muted { color: var(--muted); }
button, select, textarea, input { font: inherit; color: inherit; }
button { min-height: 2.75rem; padding: .5rem 1rem; border: 1px solid var(--line); border-radius: .5rem; background: var(--card); cursor: pointer; }
button.primary { background: var(--link); color: var(--card); border-color: var(--link); font-weight: 600; }
button.link { min-height: auto; padding: 0; border: 0; background: none; color: var(--link); text-decoration: underline; }
select, textarea { min-height: 2.75rem; padding: .4rem .6rem; border: 1px solid var(--line); border-radius: .5rem; background: var(--card); }
textarea { width: 100%; }
.badge { display: inline-block; justify-self: start; width: max-content; padding: .1rem .6rem; border-radius: 1rem; font-weight: 600; font-size: .9rem; border: 1px solid currentColor; }
.level-imminent { color: var(--imminent); background: var(--imminent-bg); }
.level-high { color: var(--high); background: var(--high-bg); }
.level-moderate { color: var(--moderate); background: var(--moderate-bg); }
.level-low { color: var(--low); background: var(--low-bg); }
.level-none { color: var(--none); background: var(--none-bg); }
.status { font-weight: 600; }
.status-open { color: var(--imminent); }
.status-resolved { color: var(--muted); }
.tag { display: inline-block; font-size: .8rem; padding: 0 .4rem; border: 1px solid var(--line); border-radius: .3rem; color: var(--muted); }
.flash { padding: .75rem 1rem; border-radius: .5rem; border: 1px solid var(--line); background: var(--card); }
.flash.ok { border-left: .4rem solid var(--ok); }
.flash.err { border-left: .4rem solid var(--err); }
.filters { display: flex; flex-wrap: wrap; gap: .75rem; align-items: end; margin-bottom: .75rem; }
.filters label { display: flex; flex-direction: column; font-size: .9rem; gap: .2rem; }
.live-status { font-size: .9rem; margin: .25rem 0 .75rem; }
.summary { font-weight: 600; }
.table-wrap { overflow-x: auto; }
table.queue { width: 100%; border-collapse: collapse; background: var(--card); border: 1px solid var(--line); border-radius: .5rem; }
.queue th, .queue td { text-align: left; vertical-align: top; padding: .6rem .7rem; border-bottom: 1px solid var(--line); }
.queue thead th { font-size: .85rem; color: var(--muted); font-weight: 600; }
.queue tbody th a { font-weight: 600; }
.status-row-resolved { opacity: .75; }
.sinks { list-style: none; margin: 0; padding: 0; font-size: .9rem; }
.sinks li { white-space: nowrap; }
.sink-failing { color: var(--err); font-weight: 600; }
.res-refused, .res-pending, .res-none { color: var(--err); }
.res-sent { color: var(--ok); }
.empty { padding: 1rem; background: var(--card); border: 1px dashed var(--line); border-radius: .5rem; }
.back { margin: 0; }
.case-grid { display: grid; gap: 1rem 2rem; grid-template-columns: minmax(0, 2fr) minmax(16rem, 1fr); align-items: start; }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); gap: .75rem 1.5rem; margin: 0;
  background: var(--card); border: 1px solid var(--line); border-radius: .5rem; padding: 1rem; }
.facts dt { font-size: .85rem; color: var(--muted); }
.facts dd { margin: 0; }
.excerpt-box { margin: 1rem 0 0; }
.excerpt-box figcaption { font-size: .85rem; color: var(--muted); }
blockquote { margin: .4rem 0; padding: .5rem .75rem; border-left: .25rem solid var(--line); background: var(--card); white-space: pre-wrap; overflow-wrap: anywhere; }
.timeline { list-style: none; margin: 0; padding: 0; border-left: 2px solid var(--line); }
.tl { display: grid; grid-template-columns: 10.5rem 1fr; gap: .25rem 1rem; padding: .5rem 0 .5rem 1rem; }
.tl time { color: var(--muted); font-size: .9rem; font-variant-numeric: tabular-nums; }
.actions { background: var(--card); border: 1px solid var(--line); border-radius: .5rem; padding: 0 1rem 1rem; position: sticky; top: .5rem; }
.actions h2 { margin-top: 1rem; }
.act { display: flex; flex-direction: column; gap: .4rem; padding: .75rem 0; border-top: 1px solid var(--line); }
.act:first-of-type { border-top: 0; }
.hint { margin: 0; font-size: .85rem; color: var(--muted); }
@media (max-width: 60rem) {
  .case-grid { grid-template-columns: 1fr; }
  .actions { position: static; }
  .tl { grid-template-columns: 1fr; }
  table.queue, .queue tbody, .queue tr, .queue th, .queue td { display: block; width: 100%; }
  .queue thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .queue tr { border-bottom: 2px solid var(--line); padding: .4rem 0; }
  .queue tbody th, .queue td { border: 0; padding: .2rem .8rem; display: grid; grid-template-columns: 7.5rem 1fr; gap: .5rem; }
  .queue td::before, .queue tbody th::before { content: attr(data-label); color: var(--muted); font-size: .85rem; font-weight: 400; }
  /* A long sink name wraps on a phone instead of running off the card. */
  .sinks li { white-space: normal; overflow-wrap: anywhere; }
  .queue td > * { min-width: 0; }
}
`;

/**
 * Live updates: the server sends a "change" event (server-sent events) whenever anything on the
 * page changed; the script fetches the page's live parts again and swaps them in place, keeps
 * keyboard focus where it was, and announces the new summary to screen readers. Without
 * JavaScript every page still works; it just needs a reload.
 */
export const APP_JS = `(() => {
  'use strict';
  const status = document.getElementById('live-status');
  if (!document.querySelector('[data-swap]') || !window.EventSource || !window.fetch) return;
  let busy = false, again = false, first = true;
  const say = (text) => { if (status) status.textContent = text; };
  const signedOut = () => say('You are signed out. Ask the bot for a new link with /case web, then reload.');
  async function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    try {
      const res = await fetch(location.pathname + location.search, { headers: { 'X-Fragment': '1' }, credentials: 'same-origin', cache: 'no-store' });
      if (res.status === 401) { signedOut(); return; }
      if (!res.ok) return;
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      for (const fresh of doc.querySelectorAll('[data-swap]')) {
        const current = document.getElementById(fresh.id);
        if (!current) continue;
        if (current.dataset.state !== undefined) {
          // Forms: only when the case changed state, and never under someone typing a note.
          if (current.dataset.state === fresh.dataset.state) continue;
          const typing = Array.from(current.querySelectorAll('textarea')).some((t) => t.value.trim() !== '');
          if (typing) continue;
        }
        const focused = document.activeElement && current.contains(document.activeElement) ? document.activeElement.getAttribute('data-key') : null;
        current.replaceWith(fresh);
        if (focused) { const target = fresh.querySelector('[data-key="' + CSS.escape(focused) + '"]'); if (target) target.focus(); }
      }
      // Screen readers hear the new summary on each change, not on the refresh that follows connecting.
      const summary = document.querySelector('[data-summary]');
      const stamp = 'Live. Last update ' + new Date().toLocaleTimeString() + '.';
      say(first ? stamp : (summary ? summary.textContent : 'This case changed.') + ' ' + stamp);
      first = false;
    } catch (e) {
      say('Live updates paused: the dashboard cannot be reached. Retrying.');
    } finally {
      busy = false;
      if (again) { again = false; refresh(); }
    }
  }
  const events = new EventSource('/events');
  events.addEventListener('change', refresh);
  events.addEventListener('signout', () => { events.close(); signedOut(); });
  events.addEventListener('error', () => { if (events.readyState === EventSource.CONNECTING) say('Live updates paused, reconnecting…'); });
  events.addEventListener('open', () => document.documentElement.setAttribute('data-live', 'on'));
  // Ages ("4 min ago") move on even when nothing else changes.
  setInterval(refresh, 60000);
})();
`;
