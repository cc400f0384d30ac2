/**
 * Pure rendering from the core's markdown subset (**bold**, _italic_, `code`, ``` fences,
 * [label](url)) to Slack mrkdwn, plus splitting. Slack mrkdwn needs only `&`, `<` and `>`
 * escaped (PLATFORMS.md §5.1); escaping `<` is also what keeps model text from forming
 * `<!channel>`, `<!here>`, `<!everyone>` or `<@U…>` mentions. Plain "@channel" only pings
 * with link_names, which we never set; a zero-width space is still inserted after the "@" as a
 * second lock, because a mass ping in a workspace is not recoverable.
 */
import { isDeceptiveLink } from '../../src/render/links.js';
import { splitText } from '../../src/render/split.js';

/** Slack truncates or rejects chat.postMessage text past 40,000 chars and recommends ≤ 4000. */
export const SLACK_TEXT_LIMIT = 4000;

const ZWSP = '\u200B';
const MASS_MENTION = /@(channel|here|everyone)\b/gi;

/** Escapes the three characters mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes and breaks "@channel"-style words so no mass mention can form. */
export function safeText(text: string): string {
  return escapeMrkdwn(text).replace(MASS_MENTION, `@${ZWSP}$1`);
}

/** Only http(s) URLs become links; anything else (javascript:, data:, file:) stays visible text. */
function isWebUrl(url: string): boolean {
  return /^https?:\/\/[^\s<>|]+$/i.test(url);
}

/** [label](url) → <url|label> for web links; tel:/sms: keep the label, which carries the number. */
function renderLink(label: string, url: string): string {
  // A label that names another address or number never hides the target (src/render/links.ts).
  if (isWebUrl(url) && !isDeceptiveLink(label, url)) {
    // The label may not contain '|' or '>' unescaped: '>' is escaped; '|' after the first is literal.
    return `<${escapeMrkdwn(url)}|${inline(label)}>`;
  }
  const digits = url.replace(/^(tel|sms):/i, '').replace(/\D/g, '');
  if (/^(tel|sms):/i.test(url) && digits !== '' && label.replace(/\D/g, '').includes(digits)) return inline(label);
  return `${inline(label)} (${safeText(url)})`;
}

/** Inline markup outside code: links, **bold** → *bold*, *italic* → _italic_, ~~strike~~ → ~strike~. */
function inline(text: string): string {
  const out: string[] = [];
  const link = /\[([^\]\n]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  for (const m of text.matchAll(link)) {
    out.push(emphasis(text.slice(last, m.index)), renderLink(m[1]!, m[2]!));
    last = m.index + m[0].length;
  }
  out.push(emphasis(text.slice(last)));
  return out.join('');
}

function emphasis(text: string): string {
  const BOLD = '\u0000B';
  return safeText(text)
    .replace(/\*\*(?=\S)([^*\n]+?)(?<=\S)\*\*/g, `${BOLD}$1${BOLD}`)
    .replace(/(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])/g, '_$1_')
    .replace(/~~(?=\S)([^~\n]+?)(?<=\S)~~/g, '~$1~')
    .replaceAll(BOLD, '*');
}

/**
 * One part of core markdown → mrkdwn. Code spans and fences keep their content verbatim
 * (escaped only): Slack shows `*` inside backticks literally.
 */
export function toMrkdwn(source: string): string {
  // NUL is our private bold marker below; it has no business in a chat message anyway.
  const text = source.replace(/\u0000/g, '');
  const out: string[] = [];
  // Fences first, then inline code, so a backtick inside a fence is not read as a span.
  const code = /```[\s\S]*?```|```[\s\S]*$|`[^`\n]+`/g;
  let last = 0;
  for (const m of text.matchAll(code)) {
    out.push(inline(text.slice(last, m.index)), renderCode(m[0]));
    last = m.index + m[0].length;
  }
  out.push(inline(text.slice(last)));
  return out.join('');
}

function renderCode(block: string): string {
  if (!block.startsWith('```')) return safeText(block);
  // Slack ignores fence language tags and would show them as the first line: drop a tag that
  // stands alone on the opening line. Code on the opening line itself ("```x = 1```") is kept:
  // dropping the whole first line used to lose a one-line fence entirely.
  const body = block.replace(/^```(?:[\w+#.-]+)?\n/, '').replace(/^```/, '').replace(/\n?```$/, '');
  return `\`\`\`${safeText(body)}\`\`\``;
}

/**
 * Core markdown → mrkdwn parts, each at most `limit` characters after rendering. Splits the
 * source first and renders each part after, so an escape sequence is never cut in half.
 */
export function renderSlack(text: string, limit: number = SLACK_TEXT_LIMIT): string[] {
  if (text.trim() === '') return [];
  // A part can render to nothing (toMrkdwn drops NUL): Slack refuses an empty message.
  return splitText(text, limit, (part) => toMrkdwn(part).length).map(toMrkdwn).filter((part) => part.trim() !== '');
}

/** What a user sees for a rendered part: link labels, unescaped text, no inserted zero-width spaces. */
export function visibleText(mrkdwn: string): string {
  return mrkdwn
    .replace(/<([^<>|]+)\|([^<>]*)>/g, '$2')
    .replace(/<([^<>|]+)>/g, '$1')
    .replaceAll(`@${ZWSP}`, '@')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
