/**
 * Finding phone-number-like strings in text. Used three ways: the output check rejects any
 * number in a model reply that is not in the verified directory; the directory loader
 * refuses template text that carries its own digits (numbers may only come from the
 * directory); and tests scan every rendering for numbers that are not directory entries.
 *
 * A token is a run of digit groups joined by single spaces, non-breaking spaces or hyphens,
 * optionally led by "+", the way providers write numbers ("0800 111 0 111", "1-800-891-4416",
 * "010-82951332"). Adjacent Latin letters or digits disqualify a token ("24h", "988lifeline",
 * "HOPELINE247"), but CJK characters do not: Chinese text writes "拨打12356热线" with no space.
 */

export interface NumberToken {
  /** The token exactly as written. */
  text: string;
  /** Offset in the scanned text. */
  index: number;
  /** How many digits it holds. */
  digitCount: number;
}

// Lookbehind: not preceded by a Latin letter/digit, or by characters that make the digits
// part of something else (@mention ids, <#channel>, URL paths, ids "ID-123"), nor by a colon
// or dot that follows a digit (times "10:00", versions and decimals "3.12"). A colon after a
// word still counts: "电话：12356" folds to "电话:12356" under NFKC and must be found.
const TOKEN = /(?<![A-Za-z0-9@&#/_\-+])(?<!\d[:.])\+?\d+(?:[ \u00a0\-]\d+)*(?![A-Za-z0-9])/g;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Every phone-number-like token, ISO dates excepted. Text should be NFKC-normalized first. */
export function findNumberTokens(text: string): NumberToken[] {
  const out: NumberToken[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const token = m[0];
    if (ISO_DATE.test(token)) continue;
    out.push({ text: token, index: m.index, digitCount: digitsOf(token).length });
  }
  return out;
}

/** The digits of a number string: "0800 111 0 111" → "08001110111". */
export function digitsOf(text: string): string {
  return text.replace(/\D/g, '');
}

/**
 * Folds full-width digits and letters to ASCII (NFKC), maps non-breaking spaces to spaces
 * and drops zero-width characters, so "１２３５６" and "@\u200beveryone" cannot slip past a
 * check that was written for the plain forms.
 */
export function normalizeForCheck(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u200b-\u200d\u2060\ufeff]/g, '')
    .replace(/\u00a0/g, ' ');
}
