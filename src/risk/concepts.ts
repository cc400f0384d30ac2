/**
 * The concept lexicons compiled into lookup tables, and the scan of one normalized message for
 * concept occurrences. Words of space-separated scripts (Latin, Cyrillic, Devanagari, Greek)
 * are looked up token by token: whole words, stems ("pill*" → pills) and phrases, with one typo
 * tolerated in longer words. Scripts without spaces between words (Chinese, Japanese, Korean,
 * Arabic with its attached particles, Thai) are looked up as substrings. One table serves every
 * language; each occurrence remembers its language, so the grammar never mixes languages.
 */
import { normalizeText } from './normalize.js';
import type { Concept, ConceptFile } from './concept-schema.js';

export interface ConceptEntry {
  lang: number;
  concept: Concept;
  /** Substring entries of spaced scripts (Arabic, Korean) that must stand as a whole word. */
  whole?: boolean;
}

interface PhraseEntry extends ConceptEntry {
  /** Tokens after the first; a trailing * makes that token a stem. */
  rest: string[];
}

export interface ConceptIndex {
  languages: string[];
  /** Per language: which messages it reads (concept-schema.ts `route`). */
  routes: Array<'kana' | 'no_kana' | undefined>;
  words: Map<string, ConceptEntry[]>;
  stems: Map<string, ConceptEntry[]>;
  stemLengths: number[];
  /** Phrases by their first token (exact), and by their first token's stem. */
  phrases: Map<string, PhraseEntry[]>;
  phraseStems: Map<string, PhraseEntry[]>;
  /** One-deletion variants of words and stems of 5+ letters, for a single typo. */
  typos: Map<string, Array<ConceptEntry & { size: number; stem: boolean; first: string }>>;
  substrings: Map<string, ConceptEntry[]>;
  substringLengths: number[];
  /** Entry lengths by first character: a position whose character starts no entry is skipped. */
  substringStarts: Map<string, number[]>;
  /** Ordinary words never read as a typo, by word: the languages that list them (`not_typos`). */
  notTypos: Map<string, Set<number>>;
  /** Filler words of every language, removed before matching. */
  fillers: Set<string>;
  /** Languages that read a count ("took 40 of them", "60 painkillers") as an amount (`whole`). */
  countLangs: number[];
}

export interface ConceptHit {
  lang: number;
  concept: Concept;
  /** Token index (spaced scripts) or character index (unspaced); `end` is exclusive. */
  pos: number;
  end: number;
  clause: number;
  spaced: boolean;
}

export interface ConceptScan {
  hits: ConceptHit[];
  /** Languages with at least one hit other than self/negation/filler/time. */
  active: Set<number>;
  /** Char offset of each clause start in the normalized text, for locating rule matches. */
  clauseStarts: number[];
  /** The clause number of each word of a spaced script (what follows a concept, for `bare`). */
  tokenClauses: number[];
}

/** Letters of scripts written without spaces between words: matched as substrings. */
const UNSPACED = /[\u0600-\u06FF\u0750-\u077F\u0E00-\u0E7F\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uAC00-\uD7AF\u1100-\u11FF\u3130-\u318F]/;
const CJK = /[\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF]/;
const WHOLE_WORD_CONCEPTS: ReadonlySet<Concept> = new Set<Concept>(['negation', 'self', 'other', 'filler']);
const WORD_EDGE = /[\s.,!?;:،؟]/;
const TOKEN = /[^\s.,!?;:"()[\]{}<>…¿¡،؟。！？，、；：「」『』（）—–\-/]+/g;
const CLAUSE_END = /[.!?;,:\n。、！？；，…؟،।]/;
/** Words that cannot be typos of anything: too short to tell apart. */
const TYPO_MIN = 5;
const TYPO_REACH = 8;
const TYPO_PROBES = 24;
/** Concepts whose single words may carry a typo (nouns and verbs of means and acts, not frames or function words). */
const TYPO_CONCEPTS: ReadonlySet<Concept> = new Set<Concept>(['means', 'height', 'act', 'ingest', 'farewell', 'preparation', 'distress']);
const WEAK: ReadonlySet<Concept> = new Set<Concept>(['self', 'other', 'negation', 'filler', 'time', 'again', 'recent_past', 'question', 'finality', 'some', 'took', 'return', 'intake', 'whole', 'ending', 'routine', 'consume']);
/**
 * A count of things (10-999) is an amount like "the whole": "took like 40 of my sertraline".
 * Not a dose, a duration or a time ("20 mg", "40 minutes", "at 10 pm"): the next word says so.
 */
const COUNT = /^[1-9]\d{1,2}$/;
const NOT_A_COUNT = /^(?:mg|mcg|ml|g|gr|grams?|kg|kilos?|lbs?|pounds?|mins?|minutes?|minuten|minuty|minutos|hrs?|hours?|uur|godzin|horas|secs?|seconds?|days?|dagen|dni|dias|weeks?|years?|jaar|lat|anos|am|pm|h|uhr|euro?s?|dollars?|bucks|km|m|cm|miles?|floors?|percent|%|procent)$/;

function deletions(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * A word alone is normalized as it reads inside a message. A Latin word with no ASCII letter
 * (Vietnamese "đã", "ở") does not look Latin to the normalizer on its own and would keep its
 * accents, while messages (which have ASCII letters) lose them: "đã từng" never matched.
 */
function normalizeWord(word: string): string {
  if (/[a-z]/i.test(word) || !/[\u00c0-\u024f\u1e00-\u1eff]/.test(word)) return normalizeText(word).text;
  return normalizeText(`a ${word}`).text.replace(/^a /, '');
}

/**
 * Normalizes a lexicon entry exactly as messages are normalized, keeping its stem marks. A
 * kana-routed (Japanese) file reads only messages with kana, and those keep their kanji, so its
 * entries keep theirs too: a kanji-only entry (橋, 遺書, 自傷) read alone would be folded to
 * simplified Chinese (桥, 遗书, 自伤) and never match a Japanese message.
 */
function normalizeEntry(raw: string, kana = false): string {
  return raw
    .split(/\s+/)
    .map((word) => {
      const stem = word.endsWith('*');
      const bare = stem ? word.slice(0, -1) : word;
      const core = (kana ? normalizeText(`${bare}\u306e`).text.replace(/\u306e$/, '') : normalizeWord(bare)).replace(/\s+/g, '');
      return stem ? `${core}*` : core;
    })
    .filter(Boolean)
    .join(' ');
}

export function compileConcepts(files: ConceptFile[]): ConceptIndex {
  const index: ConceptIndex = {
    languages: files.map((f) => f.language),
    routes: files.map((f) => f.route),
    words: new Map(),
    stems: new Map(),
    stemLengths: [],
    phrases: new Map(),
    phraseStems: new Map(),
    typos: new Map(),
    substrings: new Map(),
    substringLengths: [],
    substringStarts: new Map(),
    fillers: new Set(),
    notTypos: new Map(),
    countLangs: files.flatMap((f, lang) => ((f.concepts.whole?.length ?? 0) > 0 ? [lang] : [])),
  };
  const stemLengths = new Set<number>();
  const subLengths = new Set<number>();
  // Fillers first: they are removed from messages, so they are removed from phrases too.
  for (const file of files) {
    for (const raw of file.concepts.filler ?? []) {
      const text = normalizeEntry(raw);
      if (text && !text.includes(' ') && !text.endsWith('*') && !UNSPACED.test(text)) index.fillers.add(text);
    }
  }
  files.forEach((file, lang) => {
    for (const raw of file.not_typos ?? []) {
      const word = normalizeEntry(raw);
      index.notTypos.set(word, (index.notTypos.get(word) ?? new Set()).add(lang));
    }
    for (const [concept, entries] of Object.entries(file.concepts) as Array<[Concept, string[]]>) {
      for (const raw of entries) {
        if (concept === 'filler') continue;
        const full = normalizeEntry(raw, file.route === 'kana');
        const kept = full.split(' ').filter((w) => !index.fillers.has(w)).join(' ');
        const text = kept || full;
        if (!text) continue;
        const value: ConceptEntry = { lang, concept };
        if (UNSPACED.test(text)) {
          // Chinese and Japanese have no spaces to keep; Arabic and Korean phrases keep theirs.
          const sub = text.replace(/\*/g, '');
          // Short function words (not, I, he) of scripts that do separate words by spaces
          // would otherwise be found inside longer words (Arabic لا inside الان).
          if (WHOLE_WORD_CONCEPTS.has(concept) && !CJK.test(sub)) value.whole = true;
          push(index.substrings, sub, value);
          subLengths.add(sub.length);
          const starts = index.substringStarts.get(sub[0]!) ?? [];
          if (!starts.includes(sub.length)) index.substringStarts.set(sub[0]!, [...starts, sub.length].sort((a, b) => a - b));
          continue;
        }
        const tokens = text.split(' ');
        if (tokens.length > 1) {
          const [first, ...rest] = tokens as [string, ...string[]];
          if (first.endsWith('*')) push(index.phraseStems, first.slice(0, -1), { ...value, rest });
          else push(index.phrases, first, { ...value, rest });
          continue;
        }
        const stem = text.endsWith('*');
        const core = stem ? text.slice(0, -1) : text;
        if (stem) {
          push(index.stems, core, value);
          stemLengths.add(core.length);
        } else {
          push(index.words, core, value);
        }
        if (core.length >= TYPO_MIN && TYPO_CONCEPTS.has(concept)) {
          const typo = { ...value, size: core.length, stem, first: core[0]! };
          push(index.typos, core, typo);
          for (const d of deletions(core)) push(index.typos, d, typo);
        }
      }
    }
  });
  index.stemLengths = [...stemLengths].sort((a, b) => a - b);
  index.substringLengths = [...subLengths].sort((a, b) => a - b);
  return index;
}

function tokenMatches(pattern: string, token: string | undefined): boolean {
  if (token === undefined) return false;
  return pattern.endsWith('*') ? token.startsWith(pattern.slice(0, -1)) : token === pattern;
}

/** Removes filler words ("just", "really", "honestly") so a phrase with one inserted reads alike. */
export function withoutFillers(index: ConceptIndex, text: string): string | undefined {
  if (index.fillers.size === 0) return undefined;
  let changed = false;
  const out = text.replace(/[^\s]+/g, (word) => {
    const bare = word.replace(/[.,!?;:]+$/, '');
    if (!index.fillers.has(bare)) return word;
    changed = true;
    return word.slice(bare.length);
  });
  return changed ? out.replace(/\s+/g, ' ').replace(/\s([.,!?;:])/g, '$1').trim() : undefined;
}

/** The clause number of a character offset: clause ends counted as scanConcepts counts them. */
export function clauseAt(text: string, offset: number): number {
  let clause = 0;
  for (let i = 0; i < offset && i < text.length; i++) if (CLAUSE_END.test(text[i]!)) clause++;
  return clause;
}

/** Finds every concept occurrence in a normalized message. */
export function scanConcepts(index: ConceptIndex, text: string): ConceptScan {
  const hits: ConceptHit[] = [];
  const clauseStarts = [0];
  // Spaced scripts: tokens with their clause number.
  const tokens: string[] = [];
  const clauses: number[] = [];
  let clause = 0;
  let last = 0;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    for (let i = last; i < m.index; i++) {
      if (CLAUSE_END.test(text[i]!)) {
        clause++;
        clauseStarts.push(i + 1);
      }
    }
    last = m.index + m[0].length;
    tokens.push(m[0]);
    clauses.push(clause);
  }
  const exact = new Array<boolean>(tokens.length).fill(false);
  const add = (e: ConceptEntry, pos: number, end: number, spaced: boolean, cl: number) =>
    hits.push({ lang: e.lang, concept: e.concept, pos, end, clause: cl, spaced });
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t]!;
    if (UNSPACED.test(token)) continue;
    for (const e of index.words.get(token) ?? []) (exact[t] = true), add(e, t, t + 1, true, clauses[t]!);
    for (const len of index.stemLengths) {
      if (len > token.length) break;
      for (const e of index.stems.get(token.slice(0, len)) ?? []) (exact[t] = true), add(e, t, t + 1, true, clauses[t]!);
    }
    const phraseLists = [index.phrases.get(token)];
    for (const len of index.stemLengths) if (len <= token.length) phraseLists.push(index.phraseStems.get(token.slice(0, len)));
    for (const list of phraseLists) {
      for (const p of list ?? []) {
        if (p.rest.every((pattern, k) => tokenMatches(pattern, tokens[t + 1 + k]))) add(p, t, t + 1 + p.rest.length, true, clauses[t]!);
      }
    }
  }
  if (index.countLangs.length > 0) {
    for (let t = 0; t < tokens.length; t++) {
      if (!COUNT.test(tokens[t]!) || NOT_A_COUNT.test(tokens[t + 1] ?? '')) continue;
      for (const lang of index.countLangs) hits.push({ lang, concept: 'whole', pos: t, end: t + 1, clause: clauses[t]!, spaced: true });
    }
  }
  const active = new Set<number>();
  for (const h of hits) if (!WEAK.has(h.concept)) active.add(h.lang);
  // One typo in a longer word, only once some language already sees a risk concept: a typo
  // alone never starts a finding, it completes one.
  if (active.size > 0) {
    // Only words near a risk concept are probed, and at most TYPO_PROBES of them: the cost of a
    // long message stays flat.
    const near = new Uint8Array(tokens.length);
    for (const h of hits) {
      // A letter reads a language (for a farewell letter) but is too everyday to invite typos around it.
      if (WEAK.has(h.concept) || h.concept === 'letter') continue;
      for (let t = Math.max(0, h.pos - TYPO_REACH); t < Math.min(tokens.length, h.end + TYPO_REACH); t++) near[t] = 1;
    }
    let probes = 0;
    for (let t = 0; t < tokens.length && probes < TYPO_PROBES; t++) {
      const token = tokens[t]!;
      if (!near[t] || exact[t] || token.length < TYPO_MIN - 1 || UNSPACED.test(token)) continue;
      probes++;
      const ordinary = index.notTypos.get(token);
      const seen = new Set<ConceptEntry>();
      const probe = (candidate: string, stemOnly: number | undefined) => {
        for (const key of [candidate, ...deletions(candidate)]) {
          for (const e of index.typos.get(key) ?? []) {
            if (seen.has(e) || !active.has(e.lang) || ordinary?.has(e.lang)) continue;
            if (stemOnly === undefined ? e.stem : !e.stem || e.size !== stemOnly) continue;
            // A typo rarely hits the first letter; requiring it keeps look-alike words out.
            if (Math.abs(candidate.length - e.size) > 1 || candidate[0] !== e.first) continue;
            seen.add(e);
            add(e, t, t + 1, true, clauses[t]!);
          }
        }
      };
      probe(token, undefined);
      for (const len of index.stemLengths) {
        if (len < TYPO_MIN || len > token.length + 1) continue;
        probe(token.slice(0, len), len);
        if (len + 1 <= token.length) probe(token.slice(0, len + 1), len);
      }
    }
  }
  // Unspaced scripts: substrings at every position.
  if (index.substringLengths.length > 0 && UNSPACED.test(text)) {
    let cl = 0;
    for (let i = 0; i < text.length; i++) {
      if (CLAUSE_END.test(text[i]!)) cl++;
      const lengths = index.substringStarts.get(text[i]!);
      if (!lengths) continue;
      for (const len of lengths) {
        if (i + len > text.length) break;
        const list = index.substrings.get(text.slice(i, i + len));
        if (!list) continue;
        const edges = (i === 0 || WORD_EDGE.test(text[i - 1]!)) && (i + len === text.length || WORD_EDGE.test(text[i + len]!));
        for (const e of list) if (!e.whole || edges) add(e, i, i + len, false, cl);
      }
    }
    for (const h of hits) if (!h.spaced && !WEAK.has(h.concept)) active.add(h.lang);
  }
  // "took" is everyday ("I took the bus", 吃了): it reads a language only with an amount ("took some").
  const took = new Set<number>();
  for (const h of hits) if (h.concept === 'took') took.add(h.lang);
  if (took.size > 0) for (const h of hits) if (h.concept === 'some' && took.has(h.lang)) active.add(h.lang);
  return { hits, active, clauseStarts, tokenClauses: clauses };
}
