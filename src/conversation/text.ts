/**
 * Text hygiene at the engine's door. Platforms can deliver lone surrogates, control
 * characters and invisible formatting; none of it should reach the store, the model or a
 * moderator's excerpt. (The risk screen does its own, stricter normalization for matching.)
 */

/** Well-formed UTF-16, no NUL or C0/C1 controls other than tab and newline, no bidi overrides. */
export function cleanText(text: string): string {
  return text
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/\r\n?/g, '\n')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '')
    .replace(/[\u202a-\u202e\u2066-\u2069]/g, '');
}

/** At most `max` code units, never ending inside a surrogate pair. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** A short single-line excerpt for the moderators' private channel (CRISIS.md §6). */
export function excerptOf(text: string, max = 280): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${cutText(flat, max - 1)}…`;
}

/** Nothing a person could read: whitespace and invisible format characters only. */
export function isBlank(text: string): boolean {
  return text.replace(/[\s\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u180e]/g, '') === '';
}
