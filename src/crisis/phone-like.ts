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
 * Folds text to the plain forms the checks are written for (issue 17 item 6):
 * - NFKC: full-width and mathematical digits and letters to ASCII;
 * - decimal digits of every script (Arabic-Indic ٠١٢, Devanagari ०१२, Bengali, Thai…) to 0-9,
 *   so "٩٩٩" is the number 999;
 * - every default-ignorable code point removed (zero-width joiners, soft hyphens, tag
 *   characters, variation selectors), so "9\u00ad9\u00ad9" and "@\u200beveryone" are caught;
 * - typographic apostrophes to ', dashes between digits to -, non-breaking spaces to spaces.
 */
export function normalizeForCheck(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\p{Default_Ignorable_Code_Point}/gu, '')
    .replace(/\p{Nd}/gu, asciiDigit)
    .replace(/[\u2018\u2019\u201b\u02bc\u2032\uff07`\u00b4]/g, "'")
    .replace(/(?<=\d)[\u2010-\u2015\u2212](?=\d)/g, '-')
    .replace(/[\u00a0\u2007\u202f]/g, ' ');
}

/**
 * The ASCII digit of any decimal digit. Unicode lays out each script's digits as a run of ten
 * from zero, so the value is the position in the run (runs that touch, such as the
 * mathematical ones, are folded by NFKC before this).
 */
function asciiDigit(d: string): string {
  if (d >= '0' && d <= '9') return d;
  let cp = d.codePointAt(0)!;
  let value = 0;
  while (value < 9 && /\p{Nd}/u.test(String.fromCodePoint(cp - 1))) {
    cp--;
    value++;
  }
  return String(value);
}
