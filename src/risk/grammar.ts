/**
 * The grammar that reads meaning from concept occurrences (concepts.ts): a rule fires in a
 * language when each of its concepts occurs close enough together (grammar.yaml `window_*`),
 * in any order and with other words between them. Then:
 * - self-reference: the writer must be the subject, either said ("I", "ik", "我") or implied
 *   (no other person named before the risk words in that clause: chat drops pronouns);
 *   otherwise the finding is about someone else and reads as concern for a third party;
 * - negation: "not", "never" just before the rule's first concept cancels it;
 * - frames: a finding inside a clause that speaks of the past, fiction, the news, an offer of
 *   support or a harmless purpose does not count, unless the rule is `frame_proof` (method
 *   questions "for a story" stay risk). A present first-person finding in another clause still
 *   stands: frames lower only what they frame.
 */
import { maxLevel, riskRank, type RiskLevel } from '../messages.js';
import { FRAME_CONCEPTS, type Concept, type GrammarFile, type GrammarRule } from './concept-schema.js';
import type { ConceptHit, ConceptIndex, ConceptScan } from './concepts.js';
import type { Signal } from './policy-schema.js';

export interface GrammarHit {
  /** "<language>.grammar.<name>", a reason code. */
  id: string;
  level: RiskLevel;
  signals: Signal[];
  language: string;
}

export interface GrammarResult {
  level: RiskLevel;
  hits: GrammarHit[];
  /** Per language: clauses (by number) that carry a frame: past, fiction, news, support, harmless purpose. */
  framedClauses: Map<string, Set<number>>;
  /** How many clauses the message has (a message whose every clause is framed is framed as a whole). */
  clauses: number;
  /**
   * Per language: clauses of a sentence told as a story or a report about someone else (a
   * fiction or news frame, another person named, and no first person anywhere in the sentence:
   * "in the crime novel the inspector finds a farewell letter"). Even an imminent phrase match
   * there is not the writer's own risk.
   */
  storyClauses: Map<string, Set<number>>;
  /**
   * Clauses told in the past with nothing present in them (a past frame, and no time, "again"
   * or recent past in that clause: "ten years ago I swallowed a bottle of pills"). Even an
   * imminent phrase match there is history, not an attempt now; "years ago I tried, and
   * tonight I'm doing it again" keeps its present clause.
   */
  pastClauses: Set<number>;
  /** Whether the message names a fiction or news frame, and whether the writer speaks of themself now (MessageAnalysis.voice). */
  voice: { story: boolean; own: boolean };
  /**
   * The message plans a return ("bye all, see you monday"): its goodbye is not a farewell, so
   * no farewell rule (phrase or grammar) matches it. Other findings stand.
   */
  returning: boolean;
}

const FRAMES: ReadonlySet<Concept> = new Set(FRAME_CONCEPTS);
/** Frames that speak for their whole sentence; a harmless purpose or the past frame only their clause. */
const SENTENCE_FRAMES: ReadonlySet<Concept> = new Set<Concept>(['frame_support', 'frame_news', 'frame_fiction']);
/** Function words and circumstances: they do not show that a message is written in a language. */
const PLAIN: ReadonlySet<Concept> = new Set<Concept>(['self', 'other', 'negation', 'filler', 'time', 'again', 'recent_past', 'question', 'finality', 'some', 'return', 'intake', 'whole', 'ending', 'routine', 'consume']);
const SENTENCE_END = /[.!?\n。！？؟]/;

/** Scripts whose entries are read as substrings although their words are separated by spaces. */
const SPACED_SUBSTRINGS = /[\u0600-\u06FF\u0750-\u077F\uAC00-\uD7AF\u1100-\u11FF\u3130-\u318F]/;

/** How many words a stretch of text spans (spaces plus one); a stretch with no space is one word. */
function wordsBetween(text: string, from: number, to: number): number {
  let words = 1;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 32) words++;
  return words;
}

/** The sentence number of each clause: a clause starts a new sentence when a sentence end closed the last one. */
function sentenceOfClauses(clauseStarts: number[], text: string): number[] {
  const out: number[] = [];
  let sentence = 0;
  for (const [i, start] of clauseStarts.entries()) {
    if (i > 0 && SENTENCE_END.test(text[start - 1] ?? '')) sentence++;
    out.push(sentence);
  }
  return out;
}

/** Whether every clause of the message is framed in some language (an offer of support, a report, a story). */
export function wholeMessageFramed(result: GrammarResult): boolean {
  for (const set of result.framedClauses.values()) if (set.size >= result.clauses) return true;
  return false;
}
const KANA = /[\u3040-\u30FF]/;
/** No window reaches further than this (grammar.yaml caps window_words at 60 and window_chars at 120). */
const REACH = 120;
/** Concepts that name things and circumstances rather than acts: never where a subject stands. */
const OBJECT_CONCEPTS: ReadonlySet<Concept> = new Set<Concept>(['means', 'height', 'time', 'finality', 'some', 'lethal', 'distress', 'whole', 'letter', 'substance', 'poison']);

/** Occurrences of one concept, sorted by position (spaced and unspaced positions share one axis; the window tells them apart). */
function pick(hits: ConceptHit[], concept: Concept): ConceptHit[] {
  return hits.filter((h) => h.concept === concept).sort((a, b) => a.pos - b.pos);
}

/** The nearest occurrence of `concept` to `anchor` within the window, if any. */
function nearest(list: ConceptHit[], anchor: ConceptHit, window: (a: ConceptHit, b: ConceptHit) => boolean): ConceptHit | undefined {
  let best: ConceptHit | undefined;
  let bestDistance = Infinity;
  // `list` is sorted by position (pick); only occurrences within REACH of the anchor can be in
  // its window, so a long message with thousands of occurrences stays linear, not quadratic.
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.pos < anchor.pos - REACH) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < list.length; i++) {
    const h = list[i]!;
    if (h.pos > anchor.end + REACH) break;
    if (h.spaced !== anchor.spaced || !window(anchor, h)) continue;
    const d = Math.abs(h.pos - anchor.pos);
    if (d < bestDistance) (best = h), (bestDistance = d);
  }
  return best;
}

export function evaluateGrammar(grammar: GrammarFile, index: ConceptIndex, scan: ConceptScan, text: string): GrammarResult {
  // Frames count in their own language only: a short frame word of one language ("song") is
  // often an ordinary word of another (Vietnamese "sống", to live).
  const framedClauses = new Map<string, Set<number>>();
  const storyClauses = new Map<string, Set<number>>();
  const mark = (language: string, clause: number) => {
    let set = framedClauses.get(language);
    if (!set) framedClauses.set(language, (set = new Set()));
    set.add(clause);
  };
  let frames = 0;
  for (const h of scan.hits) if (FRAMES.has(h.concept)) frames++;
  // Most messages carry no frame at all: nothing to mark, and no sentence split to compute.
  if (frames > 0) {
    markFrames(scan, index, text, mark, framedClauses);
    markStories(scan, index, text, storyClauses);
  }
  const returning = scan.hits.some((h) => h.concept === 'return');
  const pastClauses = frames > 0 ? markPast(scan) : new Set<number>();
  // The writer's own voice counts in a language that reads risk words in the message: English
  // "i" is Polish "and".
  const voice = { story: false, own: false };
  const reading = new Set<number>();
  for (const h of scan.hits) {
    if (STORY_FRAMES.has(h.concept)) voice.story = true;
    else if (!FRAMES.has(h.concept) && !PLAIN.has(h.concept)) reading.add(h.lang);
  }
  for (const h of scan.hits) if (OWN_VOICE.has(h.concept) && reading.has(h.lang)) voice.own = true;
  const result: GrammarResult = { level: 'none', hits: [], framedClauses, storyClauses, pastClauses, voice, clauses: scan.clauseStarts.length, returning };
  if (scan.active.size === 0) return result;

  const within = (a: ConceptHit, b: ConceptHit) => {
    const from = Math.min(a.pos, b.pos);
    const to = Math.max(a.end, b.end);
    if (a.spaced) return to - from <= grammar.window_words;
    if (to - from <= grammar.window_chars) return true;
    // Arabic and Korean separate words by spaces although their entries are read as substrings:
    // there the window counts words, like any spaced script, so a farewell one long word past
    // 40 characters still reads together. Chinese and Japanese have no spaces and keep the
    // character window.
    return to - from <= REACH && SPACED_SUBSTRINGS.test(text[a.pos] ?? '') && wordsBetween(text, from, to) <= grammar.window_words;
  };

  // Cross-language markers (concepts.xx.yaml) speak only for messages no language reads.
  const onlyMarkers = [...scan.active].every((l) => index.languages[l] === 'xx');
  const kana = KANA.test(text);
  for (const lang of scan.active) {
    const language = index.languages[lang]!;
    if (language === 'xx' && !onlyMarkers) continue;
    const route = index.routes[lang];
    if ((route === 'kana' && !kana) || (route === 'no_kana' && kana)) continue;
    const mine = scan.hits.filter((h) => h.lang === lang);
    // A language seen only through frames and function words fires no rule: every rule needs a risk concept.
    if (!mine.some((h) => !FRAMES.has(h.concept) && !PLAIN.has(h.concept))) continue;
    const byConcept = new Map<Concept, ConceptHit[]>();
    const get = (c: Concept) => {
      let list = byConcept.get(c);
      if (!list) byConcept.set(c, (list = pick(mine, c)));
      return list;
    };
    const objectFree = (h: ConceptHit) => standsBare(h, mine, scan.tokenClauses);
    for (const rule of grammar.rules) {
      if (returning && rule.signals.includes('farewell')) continue;
      const found = fire(rule, get, within, grammar.negation_reach, objectFree);
      if (!found) continue;
      const { anchor, span } = found;
      const clauses = new Set(span.map((h) => h.clause));
      const framed = framedClauses.get(language);
      if (!rule.frame_proof && framed && [...clauses].some((c) => framed.has(c))) continue;
      let level: RiskLevel = rule.level;
      let signals: Signal[] = rule.signals;
      let id = `${language}.${rule.id}`;
      if (rule.self === 'required' || rule.other_level) {
        if (subjectIsOther(anchor, span, get('self'), get('other'), get('means'))) {
          // Worry about someone else is less certain than one's own words: a harmless purpose
          // anywhere in the message ("dad is on the roof, fixing the antenna") sets it aside.
          if (framed && framed.size > 0) continue;
          // "my brother bought a rope": about someone else. Worry by default (CRISIS.md §2,
          // moderate); danger the rule names as such ("she has the pills, tonight") keeps its
          // weight, so the person gets help-a-friend resources and moderators an alert.
          const otherLevel = rule.other_level ?? 'moderate';
          if (riskRank(level) < riskRank('moderate') || riskRank(otherLevel) < riskRank('moderate')) continue;
          level = otherLevel;
          signals = ['third_party'];
          id = `${id}:other`;
        }
      }
      result.hits.push({ id, level, signals, language });
      result.level = maxLevel(result.level, level);
    }
  }
  return result;
}

/**
 * Whether someone else is the subject of a finding: the person word nearest before its first
 * risk word in that clause is another person ("she", "my brother", "mi hermana") rather than
 * the writer ("my roommate told me she is swallowing them": "she" is nearer than "me"). With no
 * person word before it, the finding is the writer's (chat drops pronouns: "bought a rope
 * today").
 */
function subjectIsOther(
  anchor: ConceptHit,
  span: ConceptHit[],
  selves: ConceptHit[],
  others: ConceptHit[],
  means: ConceptHit[],
): boolean {
  // The subject goes with the verb-like words (has, took, standing on), not with the objects:
  // in "she gave me her pills and I'm taking them" the pills are hers, the taking is mine.
  const verbs = span.filter((h) => h.clause === anchor.clause && !OBJECT_CONCEPTS.has(h.concept));
  const candidates = verbs.length > 0 ? verbs : span.filter((h) => h.clause === anchor.clause);
  const first = candidates.reduce((a, b) => (b.pos < a.pos ? b : a), candidates[0] ?? anchor);
  const before = (h: ConceptHit) => h.spaced === first.spaced && h.clause === first.clause && h.end <= first.pos;
  let nearestSelf = -1;
  for (const h of selves) if (before(h) && h.end > nearestSelf) nearestSelf = h.end;
  // A person named just after the means owns the thing, not the act ("ya tengo el arma de mi
  // padre preparada", "le pillole di mia madre"): the writer still holds it.
  const owner = (h: ConceptHit) => means.some((m) => m.spaced && h.spaced && m.clause === h.clause && m.end <= h.pos && h.pos - m.end <= 2);
  let nearestOther = -1;
  for (const h of others) if (before(h) && !owner(h) && h.end > nearestOther) nearestOther = h.end;
  if (nearestOther < 0) return false;
  return nearestSelf < nearestOther;
}

/** Frames that tell about other people: a story or a report, never the writer's own present. */
const STORY_FRAMES: ReadonlySet<Concept> = new Set<Concept>(['frame_fiction', 'frame_news']);

/**
 * Marks the clauses of sentences told as a story or a report (GrammarResult.storyClauses): the
 * sentence has a fiction or news frame and another person, and no first person anywhere in it,
 * all in one language's lexicon.
 * "last episode, took all my pills" names no other person, so it is not a story.
 */
function markStories(scan: ConceptScan, index: ConceptIndex, text: string, out: Map<string, Set<number>>): void {
  if (!scan.hits.some((h) => STORY_FRAMES.has(h.concept))) return;
  const sentences = sentenceOfClauses(scan.clauseStarts, text);
  // Per language: a short first-person word of one language ("im", English "I'm") is an
  // ordinary word of another (German "im"), so self and other are read in the frame's language.
  const key = (lang: number, sentence: number) => lang * 4096 + sentence;
  const selves = new Set<number>();
  const others = new Set<number>();
  for (const h of scan.hits) {
    if (h.concept === 'self') selves.add(key(h.lang, sentences[h.clause]!));
    if (h.concept === 'other') others.add(key(h.lang, sentences[h.clause]!));
  }
  for (const h of scan.hits) {
    if (!STORY_FRAMES.has(h.concept)) continue;
    const sentence = sentences[h.clause]!;
    if (selves.has(key(h.lang, sentence)) || !others.has(key(h.lang, sentence))) continue;
    const language = index.languages[h.lang]!;
    let set = out.get(language);
    if (!set) out.set(language, (set = new Set()));
    for (let c = 0; c < sentences.length; c++) if (sentences[c] === sentence) set.add(c);
  }
}

/** The writer speaking of themself now: a first person, a time, a recent past, "again". */
const OWN_VOICE: ReadonlySet<Concept> = new Set<Concept>(['self', 'time', 'recent_past', 'again']);

/** What makes a clause present rather than past: a time, "again", a recent past. */
const PRESENT: ReadonlySet<Concept> = new Set<Concept>(['time', 'again', 'recent_past']);

/** GrammarResult.pastClauses: clauses with a past frame and nothing of the present. */
function markPast(scan: ConceptScan): Set<number> {
  const past = new Set<number>();
  const frames = scan.hits.filter((h) => h.concept === 'frame_past');
  for (const h of frames) past.add(h.clause);
  // "ago" inside "ten years ago" is the frame itself, not a recent past.
  const inFrame = (h: ConceptHit) => frames.some((f) => f.spaced === h.spaced && f.pos <= h.pos && h.end <= f.end);
  for (const h of scan.hits) if (PRESENT.has(h.concept) && !inFrame(h)) past.delete(h.clause);
  return past;
}

/** Marks the clauses each frame speaks for (see evaluateGrammar). */
function markFrames(scan: ConceptScan, index: ConceptIndex, text: string, mark: (language: string, clause: number) => void, own: Map<string, Set<number>>): void {
  const sentences = sentenceOfClauses(scan.clauseStarts, text);
  const selfClauses = new Set<number>();
  for (const h of scan.hits) if (h.concept === 'self') selfClauses.add(h.clause);
  // "I tried two years ago and I'm thinking about doing it again": the past returning is not the past.
  const againClauses = new Set<number>();
  for (const h of scan.hits) if (h.concept === 'again') againClauses.add(h.clause);
  for (const h of scan.hits) {
    if (!FRAMES.has(h.concept)) continue;
    if (h.concept === 'frame_past' && againClauses.has(h.clause)) continue;
    const language = index.languages[h.lang]!;
    mark(language, h.clause);
    // An offer of support, a story or a report speaks for its whole sentence ("if you ever have
    // suicidal thoughts, you can talk to me"): the sentence's other clauses are framed too,
    // unless the writer speaks of themself there ("..., and I want to die too").
    if (!SENTENCE_FRAMES.has(h.concept)) continue;
    for (let c = 0; c < sentences.length; c++) {
      if (sentences[c] === sentences[h.clause] && !selfClauses.has(c)) mark(language, c);
    }
  }
  // A frame in another language the message is also read in frames the clause too ("i used to
  // self harm in my teens" is English past, though the Indonesian lexicon reads "self harm").
  // Only languages with risk words of their own in the message count: a stray frame word of an
  // unrelated language ("song" inside Vietnamese) frames nothing.
  const reading = new Set<number>();
  for (const h of scan.hits) if (!FRAMES.has(h.concept) && !PLAIN.has(h.concept)) reading.add(h.lang);
  const activeFrames = new Set<number>();
  for (const lang of reading) for (const c of own.get(index.languages[lang]!) ?? []) activeFrames.add(c);
  if (activeFrames.size > 0) {
    for (const lang of reading) for (const c of activeFrames) mark(index.languages[lang]!, c);
  }
}

/**
 * Whether a spaced occurrence has no object of its own (grammar `bare`): the next word ends its
 * clause, or the taken thing, a time, "already", "again" or a feeling starts there ("took some.
 * now…", "took a few of them already", "ein paar genommen"). An unspaced occurrence has no word
 * boundary to read, so it always stands.
 */
function standsBare(h: ConceptHit, mine: ConceptHit[], tokenClauses: number[]): boolean {
  if (!h.spaced) return true;
  if (h.end >= tokenClauses.length || tokenClauses[h.end] !== h.clause) return true;
  return mine.some((o) => o.spaced && o.pos === h.end && BARE_FOLLOWERS.has(o.concept));
}
/** What may follow a `bare` concept without being its object: the thing taken, a time, "already", a feeling. */
const BARE_FOLLOWERS: ReadonlySet<Concept> = new Set<Concept>(['means', 'time', 'recent_past', 'finality', 'again', 'self', 'took', 'ingest', 'some', 'distress', 'negation', 'lethal']);

/** Whether `rule` fires on these occurrences; returns the anchor and the occurrences used. */
function fire(
  rule: GrammarRule,
  get: (c: Concept) => ConceptHit[],
  within: (a: ConceptHit, b: ConceptHit) => boolean,
  reach: number,
  objectFree: (h: ConceptHit) => boolean,
): { anchor: ConceptHit; span: ConceptHit[] } | undefined {
  const needed = rule.all.filter((c) => c !== 'self' || rule.self === 'any');
  const head = needed[0] ?? rule.any?.[0];
  if (!head) return undefined;
  for (const anchor of get(head)) {
    const span: ConceptHit[] = [anchor];
    let ok = true;
    for (const c of needed.slice(1)) {
      const h = nearest(get(c), anchor, within);
      if (!h) {
        ok = false;
        break;
      }
      span.push(h);
    }
    if (!ok) continue;
    if (rule.any && !rule.any.some((c) => {
      const h = nearest(get(c), anchor, within);
      if (h) span.push(h);
      return h !== undefined;
    })) continue;
    if (rule.unless?.some((c) => nearest(get(c), anchor, within) !== undefined)) continue;
    // Overlapping entries start at one word ("a few", "a few of them"): any of them may stand bare.
    if (rule.bare && !span.some((h) => h.concept === rule.bare && get(h.concept).some((o) => o.pos === h.pos && o.spaced === h.spaced && objectFree(o)))) continue;
    if (rule.negatable) {
      const negated = get('negation').some(
        (n) => n.spaced === anchor.spaced && n.clause === anchor.clause && n.end <= anchor.pos && anchor.pos - n.end <= (anchor.spaced ? reach : reach * 2),
      );
      if (negated) continue;
    }
    return { anchor, span };
  }
  return undefined;
}
