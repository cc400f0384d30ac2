/**
 * The page frame: one stylesheet and one small script from the dashboard itself (no CDN, no
 * web fonts), a skip link, and a header with who is signed in. Titles never carry case
 * content: "Case #12" at most.
 */
import { html } from 'hono/html';
import type { Html } from './format.js';

export interface PageFrame {
  title: string;
  /** Signed-in moderator, with the CSRF token for the sign-out form. */
  who?: { displayName: string; userKey: string; csrf: string };
  /** A one-time message after an action (role=status, so screen readers hear it). */
  flash?: { text: string; ok: boolean } | undefined;
  body: Html;
}

export function page(frame: PageFrame): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<title>${frame.title} · Oyster moderators</title>
<link rel="stylesheet" href="/assets/style.css">
<script src="/assets/app.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <nav aria-label="Main">
    <a class="brand" href="/">Oyster moderators</a>
    ${frame.who ? html`<a href="/">Case queue</a>` : ''}
  </nav>
  ${frame.who ? html`<form method="post" action="/logout" class="who">
    <span>Signed in as <strong>${frame.who.displayName}</strong> <span class="muted">(${frame.who.userKey})</span></span>
    <input type="hidden" name="csrf" value="${frame.who.csrf}">
    <button type="submit" class="link">Sign out</button>
  </form>` : ''}
</header>
<main id="main" tabindex="-1">
${frame.flash ? html`<p class="flash ${frame.flash.ok ? 'ok' : 'err'}" role="status">${frame.flash.text}</p>` : ''}
${frame.body}
</main>
</body>
</html>`;
}

/** Sign-in help and refusals: no data, just what to do. */
export function messagePage(title: string, lines: string[]): Html {
  return page({
    title,
    body: html`<h1>${title}</h1>${lines.map((l) => html`<p>${l}</p>`)}`,
  });
}

export const SIGN_IN_HELP = [
  'Moderators sign in with a one-time link. Send the bot the command /case web (or your platform\'s case command with "web") and it will send you a private message with a link that works once, for 10 minutes.',
  'An operator can also print one on the server: npx oyster-bot dashboard link platform:userId',
];
