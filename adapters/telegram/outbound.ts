/**
 * Pure rendering for Telegram: the core's small markdown subset (**bold**, _italic_,
 * `code`, ``` fences, [label](url)) to Telegram HTML, plain-text fallbacks, and splitting.
 *
 * HTML parse mode, not MarkdownV2: in HTML only <, > and & need escaping (plus " inside
 * attributes), while MarkdownV2 fails with "can't parse entities" on any stray . or !
 * (PLATFORMS.md §4.1). The source text is split first and each part rendered afterwards, so
 * an escape sequence or a tag is never cut in half.
 */
import { isDeceptiveLink } from '../../src/render/links.js';
import { splitText } from '../../src/render/split.js';

/** sendMessage accepts 1-4096 characters (Bot API). We measure the HTML, which is never shorter. */
export const TELEGRAM_TEXT_LIMIT = 4096;

/** Schemes Telegram accepts in <a href> (others make sendMessage fail with a 400). */
const LINK_SCHEMES = /^(https?:\/\/|tg:\/\/)/i;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeHtml(text).replace(/"/g, '&quot;');
}

/**
 * Inline syntax, earliest match wins: `code`, [label](url), **bold**, *italic*, _italic_.
 * Single markers need a non-word character outside and a non-space inside, so snake_case
 * names and "2 * 3 * 4" stay text.
 */
const INLINE =
  /`([^`\n]+)`|\[([^\]\n]+)\]\(([^()\s]+)\)|\*\*(?=\S)([\s\S]*?\S)\*\*|(?<![\w*])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\w*])|(?<![\p{L}\p{N}_])_(?=[^\s_])([^_\n]*?[^\s_])_(?![\p{L}\p{N}_])/gu;

interface Style {
  text(s: string): string;
  code(s: string): string;
  link(label: string, url: string): string;
  bold(inner: string): string;
  italic(inner: string): string;
  fence(body: string, language: string | undefined): string;
  heading(inner: string): string;
}

/**
 * What a user sees for a link we cannot make clickable: [Call](tel:988) → "Call (988)",
 * so a number or address is never lost with its link.
 */
function linkTarget(label: string, url: string): string {
  const target = url.replace(/^(tel|sms|mailto):/i, '');
  return label.includes(target) ? '' : ` (${target})`;
}

const html: Style = {
  text: escapeHtml,
  code: (s) => `<code>${escapeHtml(s)}</code>`,
  // A label that names another address or number never hides the target (src/render/links.ts).
  link: (label, url) =>
    LINK_SCHEMES.test(url) && !isDeceptiveLink(visibleText(label), url)
      ? `<a href="${escapeAttribute(url)}">${label}</a>`
      : `${label}${escapeHtml(linkTarget(visibleText(label), url))}`,
  bold: (inner) => `<b>${inner}</b>`,
  italic: (inner) => `<i>${inner}</i>`,
  fence: (body, language) =>
    language ? `<pre><code class="language-${language}">${escapeHtml(body)}</code></pre>` : `<pre>${escapeHtml(body)}</pre>`,
  heading: (inner) => `<b>${inner}</b>`,
};

const plain: Style = {
  text: (s) => s,
  code: (s) => s,
  link: (label, url) => `${label}${linkTarget(label, url)}`,
  bold: (inner) => inner,
  italic: (inner) => inner,
  fence: (body) => body,
  heading: (inner) => inner,
};

function inline(text: string, style: Style): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    out += style.text(text.slice(last, m.index));
    const [, code, label, url, bold, star, under] = m;
    if (code !== undefined) out += style.code(code);
    else if (label !== undefined && url !== undefined) out += style.link(inline(label, style), url);
    else if (bold !== undefined) out += style.bold(inline(bold, style));
    else out += style.italic(inline((star ?? under)!, style));
    last = m.index + m[0].length;
  }
  return out + style.text(text.slice(last));
}

function lines(text: string, style: Style): string {
  return text
    .split('\n')
    .map((line) => {
      const heading = /^#{1,6}\s+(.+)$/.exec(line);
      return heading ? style.heading(inline(heading[1]!, style)) : inline(line, style);
    })
    .join('\n');
}

function render(text: string, style: Style): string {
  // Code fences first: nothing inside a fence is markdown. An unclosed fence runs to the end.
  const out: string[] = [];
  const rows = text.split('\n');
  let prose: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const open = /^\s*```([\w+#-]*)\s*$/.exec(rows[i]!);
    if (!open) {
      prose.push(rows[i]!);
      continue;
    }
    let end = i + 1;
    while (end < rows.length && !/^\s*```\s*$/.test(rows[end]!)) end++;
    if (prose.length > 0) out.push(lines(prose.join('\n'), style));
    prose = [];
    out.push(style.fence(rows.slice(i + 1, end).join('\n'), open[1] || undefined));
    i = end;
  }
  if (prose.length > 0) out.push(lines(prose.join('\n'), style));
  return out.join('\n');
}

/** Core markdown → Telegram HTML (parse_mode: 'HTML'). Everything else is escaped text. */
export function renderHtml(markdown: string): string {
  return render(markdown, html);
}

/** Core markdown → the plain text a user should see, for sends without parse_mode. */
export function renderPlain(markdown: string): string {
  return render(markdown, plain);
}

/** One outgoing chunk: HTML for the first try, plain text if Telegram cannot parse it. */
export interface TelegramChunk {
  html: string;
  plain: string;
}

/**
 * Splits core markdown into chunks that each fit one sendMessage. The source is split with
 * the shared splitter measuring the rendered HTML, then each part is rendered; empty parts
 * are dropped because Telegram rejects empty text.
 */
export function renderChunks(markdown: string, limit = TELEGRAM_TEXT_LIMIT): TelegramChunk[] {
  if (markdown.trim() === '') return [];
  return splitText(markdown, limit, (part) => renderHtml(part).length)
    .map((part) => ({ html: renderHtml(part), plain: renderPlain(part) }))
    .filter((c) => c.plain.trim() !== '');
}

/** Telegram HTML → the text a user sees: tags removed, entities decoded. */
export function visibleText(htmlText: string): string {
  return htmlText
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** A t.me deep link that opens a private chat with the bot and sends /start <payload>. */
export function deepLink(botUsername: string, payload = 'support'): string {
  return `https://t.me/${botUsername}?start=${payload}`;
}

/** Telegram caps answerCallbackQuery text at 200 characters; longer alerts fail. */
export function callbackAnswerText(markdown: string): string {
  const text = renderPlain(markdown).replace(/\s+/g, ' ').trim();
  return text.length <= 200 ? text : `${text.slice(0, 197).replace(/[\uD800-\uDBFF]$/, '')}...`;
}
