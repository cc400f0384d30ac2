/**
 * Splits an answer into parts that each fit a platform's message limit. Split, never
 * truncate: silent truncation is the most-reported bug class in LLM chat bots
 * (vercel/chat#408, #824). Parts break on a paragraph, then a line, then a sentence, then a
 * word, and only as a last resort inside a word, never inside a surrogate pair. A code
 * fence cut in two is closed at the end of one part and reopened at the start of the next.
 *
 * Adapters split the *source* text and escape each part afterwards (escaping first could cut
 * an escape sequence in half), so `measure` returns the length a part will have once
 * rendered for the platform.
 */

export type Measure = (part: string) => number;

const FENCE = '```';
/** A boundary closer to the start than this share of the room is not worth a tiny part. */
const MIN_FILL = 0.3;

const BOUNDARIES: RegExp[] = [
  /\n\s*\n/g, // paragraph
  /\n/g, // line
  /[.!?。！？](?=\s|$)|[。！？]/g, // sentence end (CJK sentences have no space after them)
  /\s/g, // word
];

export function splitText(text: string, limit: number, measure: Measure = (s) => s.length): string[] {
  if (limit < 16) throw new RangeError(`limit ${limit} is too small to split into`);
  const parts: string[] = [];
  let rest = text;
  let reopen = ''; // fence opener to prepend when the previous part ended inside a code block
  while (rest.length > 0) {
    const candidate = reopen + rest;
    if (measure(candidate) <= limit) {
      parts.push(candidate);
      break;
    }
    // Reserve room for closing a fence we might cut inside.
    const room = longestFit(candidate, limit - (FENCE.length + 1), measure);
    let cut = bestBoundary(candidate, room, reopen.length);
    let part = candidate.slice(0, cut);
    const fenceOpen = openFence(part);
    // A reopener must leave room for new text, or each part would only repeat it (no progress).
    if (fenceOpen !== undefined && fenceOpen.length + FENCE.length + 2 <= limit / 2) {
      part = `${part.replace(/\s+$/, '')}\n${FENCE}`;
      reopen = `${fenceOpen}\n`;
    } else {
      reopen = '';
    }
    const trimmed = part.replace(/\s+$/, '');
    if (trimmed.length > 0) parts.push(trimmed);
    // Skip the whitespace at the boundary so the next part does not start with it.
    while (cut < candidate.length && /\s/.test(candidate[cut]!)) cut++;
    // The cut always lies past the reopened fence line, so the remainder is source text.
    rest = candidate.slice(cut);
  }
  return parts;
}

/** The longest prefix length (in code units) whose measure fits, never ending mid-pair. */
function longestFit(text: string, limit: number, measure: Measure): number {
  let lo = 1;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(text.slice(0, mid)) <= limit) lo = mid;
    else hi = mid - 1;
  }
  return avoidSurrogateCut(text, lo);
}

function avoidSurrogateCut(text: string, at: number): number {
  const code = text.charCodeAt(at - 1);
  return code >= 0xd800 && code <= 0xdbff && at > 1 ? at - 1 : at;
}

/** The last boundary within `room`, preferring bigger boundaries, or `room` itself. */
function bestBoundary(text: string, room: number, floor: number): number {
  const window = text.slice(0, room + 1);
  const minimum = Math.max(floor + 1, Math.floor(room * MIN_FILL));
  for (const pattern of BOUNDARIES) {
    let best = -1;
    for (const m of window.matchAll(pattern)) {
      const end = m.index + m[0].length;
      // Cut after sentence punctuation, before whitespace.
      const at = /\s/.test(m[0][0]!) ? m.index : end;
      if (at <= room && at >= minimum) best = at;
    }
    if (best > 0) return best;
  }
  return Math.max(room, 1);
}

/**
 * The opener of a fence left open at the end of `part`, if any: the marker and its language
 * tag only. Code written on the opening line itself ("```x = 1") is not repeated: reopening with
 * a whole long line made every following part start with that line again, so a one-line
 * fence longer than the limit split into thousands of parts or never finished.
 */
function openFence(part: string): string | undefined {
  let open: string | undefined;
  for (const line of part.split('\n')) {
    const t = line.trimStart();
    if (!t.startsWith(FENCE)) continue;
    open = open === undefined ? fenceOpener(t) : undefined;
  }
  return open;
}

function fenceOpener(line: string): string {
  const tag = /^```([\w+#.-]{1,32})\s*$/.exec(line)?.[1];
  return tag === undefined ? FENCE : `${FENCE}${tag}`;
}
