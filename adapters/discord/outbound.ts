/**
 * Core markdown → Discord message bodies. Pure. The core's subset (**bold**, _italic_, `code`,
 * ``` fences, [label](url)) is already Discord markdown, so rendering is about safety: model
 * text must never ping anyone or form a mention. Two layers, as PLATFORMS.md §2 asks:
 * mentions are neutralized in the text, and every body carries allowed_mentions with an empty
 * parse list, so even a mention that slipped through renders without notifying anyone.
 */
import { createHash } from 'node:crypto';
import type { OutboundMessage } from '../../src/messages.js';
import { isDeceptiveLink } from '../../src/render/links.js';
import { splitText } from '../../src/render/split.js';

/** Discord rejects `content` over 2000 characters with 50035 BASE_TYPE_MAX_LENGTH. */
export const DISCORD_MAX_MESSAGE_LENGTH = 2000;

/** Zero-width joiner: "@\u200Deveryone" reads as @everyone but is not the mention. */
const ZWJ = '\u200D';
/** MessageFlags.SuppressEmbeds (1 << 2): no link previews under crisis texts or model answers. */
const SUPPRESS_EMBEDS = 1 << 2;

/** Never ping: no @everyone/@here, no roles, no users, and no ping to the author of a replied message. */
export const NO_MENTIONS = Object.freeze({ parse: [] as never[], replied_user: false });

/** The JSON body of POST /channels/{id}/messages as the adapter sends it. */
export interface DiscordMessageBody {
  content: string;
  allowed_mentions: { parse: never[]; replied_user: boolean };
  flags: number;
  /** With enforce_nonce, Discord returns the first message instead of posting a second one. */
  nonce: string;
  enforce_nonce: true;
  message_reference?: { message_id: string; fail_if_not_exists: false };
}

/** Code spans and closed fences: Discord shows their content literally, so mention markup inside is inert. */
const CODE = /```[\s\S]*?```|`[^`\n]+`/g;

/** Makes one part safe for Discord. Call it on a part that already fits (escape after splitting). */
export function renderDiscordMarkdown(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(CODE)) {
    out += neutralizeProse(text.slice(last, m.index)) + neutralizeEveryone(m[0]);
    last = m.index + m[0].length;
  }
  return out + neutralizeProse(text.slice(last));
}

function neutralizeEveryone(text: string): string {
  return text.replace(/@(everyone|here)/gi, `@${ZWJ}$1`);
}

/**
 * Outside code: `<@id>`, `<@!id>` (users), `<@&id>` (roles), `<#id>` (channels) and Slack-style
 * `<!channel>` lose their meaning when the character after `<` is backslash-escaped; Discord
 * then shows the text as typed.
 */
function neutralizeProse(text: string): string {
  return neutralizeEveryone(unmaskDeceptiveLinks(text)).replace(/<([@#!&])/g, '<\\$1');
}

/** Discord masked links: [label](url) or [label](<url>). */
const MASKED_LINK = /\[([^\]\n]+)\]\(<?([a-z][a-z0-9+.-]*:[^)\s>]+)>?\)/gi;

/**
 * A masked link whose label names another address or number is shown as "label (url)", so
 * the target is in plain sight (src/render/links.ts); honest masked links stay as they are.
 */
function unmaskDeceptiveLinks(text: string): string {
  return text.replace(MASKED_LINK, (whole, label: string, url: string) => (isDeceptiveLink(label, url) ? `${label} (${url})` : whole));
}

/** Splits the source text at 2000 rendered characters, then renders each part. */
export function renderDiscord(text: string): string[] {
  return splitText(text, DISCORD_MAX_MESSAGE_LENGTH, (part) => renderDiscordMarkdown(part).length).map(
    renderDiscordMarkdown,
  );
}

/** What a reader sees for a rendered chunk (escapes undone). For tests and the contract suite. */
export function discordVisibleText(chunk: string): string {
  return chunk.replaceAll(ZWJ, '').replace(/<\\([@#!&])/g, '<$1');
}

/**
 * A reply reference shows a preview of the user's message above ours. Crisis texts must never
 * quote the person at risk in a shared channel (CRISIS.md), so only ordinary answers use it.
 */
const QUOTING_KINDS = new Set<OutboundMessage['kind']>(['reply', 'notice']);

/** One request body per part; only the first part replies to the user's message. */
export function messageBodies(message: OutboundMessage, makeNonce: () => string): DiscordMessageBody[] {
  const parts = renderDiscord(message.text).filter((p) => p.trim() !== '');
  return parts.map((content, index) => {
    const body: DiscordMessageBody = {
      content,
      allowed_mentions: { ...NO_MENTIONS, parse: [] },
      flags: SUPPRESS_EMBEDS,
      nonce: makeNonce(),
      enforce_nonce: true,
    };
    if (index === 0 && message.replyToId !== undefined && QUOTING_KINDS.has(message.kind)) {
      // fail_if_not_exists: false: if the user deleted their message, still deliver the answer.
      body.message_reference = { message_id: message.replyToId, fail_if_not_exists: false };
    }
    return body;
  });
}

/**
 * Nonces for the parts of a message with a sendKey ("reply:<message id>"), the same for every try:
 * a send repeated after a crash (a resumed message whose reply went out before its completion was
 * recorded) gets Discord's first message back instead of a second copy, within the few minutes
 * Discord checks (enforce_nonce). The kind is part of it, so a fallback is never taken for the
 * reply it stands in for. Without a key: `random`.
 */
export function keyedNonces(message: Pick<OutboundMessage, 'kind' | 'sendKey'>, random: () => string): () => string {
  const key = message.sendKey;
  if (key === undefined) return random;
  let part = 0;
  // 22 base64url characters of SHA-256: within Discord's 25, and never equal by chance.
  return () => createHash('sha256').update(`${message.kind}\n${key}\n${part++}`).digest('base64url').slice(0, 22);
}
