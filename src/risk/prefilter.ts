/**
 * A cheap pre-check for each rule, derived automatically from its compiled regex: a few literal
 * substrings of which every possible match must contain at least one ("kill myself" or
 * "killing myself" → "kill"). Most messages contain none of a rule's literals, so the rule's
 * full regex (alternations with gaps such as [^.!?]{0,40}) never runs on them.
 *
 * The analysis follows the "necessary factors" idea of trigram indexes (Russ Cox, "Regular
 * Expression Matching with a Trigram Index", 2012), simplified: for every part of the pattern it
 * tracks either the finite set of strings it can match, or a set of strings one of which any match
 * contains. It is conservative: whatever it does not understand (classes, backreferences,
 * unbounded repeats) counts as "anything", which can only weaken the pre-check, never drop a match.
 */
import { memoLiterals } from './literal-memo.js';

const ANY = null;
/** Strings one of which must occur, or ANY when nothing is required. */
type Needs = Set<string> | typeof ANY;

interface Info {
  /** Every string this part can match, when few and finite. */
  exact: Set<string> | undefined;
  needs: Needs;
}

const MAX_EXACT = 64;
/**
 * Literals that filter too little are not worth a check: at least three Latin-like letters, or
 * one Chinese, Japanese or Korean character (each is about a word).
 */
const MIN_WEIGHT = 3;
/** Literals are cut to this weight: a substring of a required string is also required. */
const MAX_WEIGHT = 5;
const WIDE = /[\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF]/u;
const weight = (ch: string) => (WIDE.test(ch) ? 3 : 1);

/**
 * Words so frequent that a literal made of them filters almost nothing ("how do", "i am"):
 * function words of the Latin-script languages the policies cover. Only the choice of literal
 * uses this list; any substring of a required string is equally sound.
 */
const COMMON = new Set(
  ('a an the i im ive id ill me my mine myself you your yourself he she it its we they them this that these those ' +
    'is am are was were be been being do does did done have has had having will would can could should shall may ' +
    'might must to of in on at by for with from up out about into over off so and or but if then than not no yes ' +
    'just really very too also all any some what which who how why when where there here now get got want wanna ' +
    'gonna going need like feel know think say said make one more most much many way well even still again ever ' +
    'de la el los las que y en un una por para con no es se lo le les et est pas je tu il elle und der das ich ' +
    'nicht ist mich mir ein eine zu eu nao com um uma do da di che e non sono mi').split(' '),
  // "die", "mit", "tot" look like German function words but are exactly what English and German rules need.
);

/** The most distinctive part of a required string: its longest uncommon word, else the string. */
function bestPart(s: string): string {
  if (WIDE.test(s) || !/[a-z]/.test(s)) return s;
  let best = '';
  for (const word of s.split(/[^a-z0-9]+/)) {
    if (word.length >= 2 && !COMMON.has(word) && word.length > best.length) best = word;
  }
  return best.length >= 3 ? best : s;
}

/** How selective a required string is, judged by its best part, up to MAX_WEIGHT. */
const strength = (s: string) => {
  const part = bestPart(s);
  let total = 0;
  for (const ch of part) total += weight(ch);
  // A string made only of common words is about as selective as a single letter.
  if (part === s && /[a-z]/.test(s) && s.split(/[^a-z0-9]+/).every((w) => w === '' || COMMON.has(w))) return 1;
  return Math.min(total, MAX_WEIGHT);
};

const EMPTY: Info = { exact: new Set(['']), needs: ANY };
const ANYTHING: Info = { exact: undefined, needs: ANY };
/** An empty class [] never matches; treat it like anything (conservative). */
const NOTHING: Info = ANYTHING;

function needsOf(info: Info): Needs {
  if (info.exact && ![...info.exact].some((s) => s.length === 0)) return info.exact;
  return info.needs;
}

/** The more selective of two requirements: the one whose shortest literal is longest. */
function better(a: Needs, b: Needs): Needs {
  if (a === ANY) return b;
  if (b === ANY) return a;
  // Literals are cut to MAX_WEIGHT later, so longer ones are not more selective than that.
  const minA = Math.min(...[...a].map(strength));
  const minB = Math.min(...[...b].map(strength));
  if (minA !== minB) return minA > minB ? a : b;
  const shortestA = Math.min(...[...a].map((s) => s.length));
  const shortestB = Math.min(...[...b].map((s) => s.length));
  if (shortestA !== shortestB) return shortestA > shortestB ? a : b;
  return a.size <= b.size ? a : b;
}

function concat(a: Info, b: Info): Info {
  if (a.exact && b.exact && a.exact.size * b.exact.size <= MAX_EXACT) {
    const exact = new Set<string>();
    for (const x of a.exact) for (const y of b.exact) exact.add(x + y);
    return { exact, needs: ANY };
  }
  return { exact: undefined, needs: better(needsOf(a), needsOf(b)) };
}

function alternate(a: Info, b: Info): Info {
  if (a.exact && b.exact && a.exact.size + b.exact.size <= MAX_EXACT) {
    return { exact: new Set([...a.exact, ...b.exact]), needs: ANY };
  }
  const na = needsOf(a);
  const nb = needsOf(b);
  return { exact: undefined, needs: na === ANY || nb === ANY ? ANY : new Set([...na, ...nb]) };
}

function repeat(x: Info, min: number, max: number): Info {
  if (max === 0) return EMPTY;
  if (min === 0) {
    if (max === 1 && x.exact && x.exact.size < MAX_EXACT) return { exact: new Set(['', ...x.exact]), needs: ANY };
    return ANYTHING;
  }
  if (min === 1 && max === 1) return x;
  // At least one copy must occur.
  return { exact: undefined, needs: needsOf(x) };
}

/** A recursive-descent reader for the JavaScript regex syntax the policies use. */
class Reader {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Info {
    const info = this.alternation();
    if (this.i < this.src.length) throw new Error(`unexpected ${this.src[this.i]} at ${this.i}`);
    return info;
  }

  private alternation(): Info {
    let info = this.sequence();
    while (this.src[this.i] === '|') {
      this.i++;
      info = alternate(info, this.sequence());
    }
    return info;
  }

  /**
   * A sequence keeps its current run of exactly-known strings growing ("k"+"i"+"l"+"l"); a part
   * that is not exact (a gap such as [^.!?]{0,20}) closes the run, and the best requirement of
   * the closed runs is kept.
   */
  private sequence(): Info {
    let run: Info = EMPTY;
    let best: Needs = ANY;
    let closed = false;
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const part = this.quantified();
      const joined = run.exact && part.exact ? concat(run, part) : undefined;
      if (joined?.exact) {
        run = joined;
        continue;
      }
      best = better(best, needsOf(run));
      closed = true;
      if (part.exact) run = part;
      else {
        best = better(best, needsOf(part));
        run = EMPTY;
      }
    }
    return closed ? { exact: undefined, needs: better(best, needsOf(run)) } : run;
  }

  private quantified(): Info {
    let atom = this.atom();
    for (;;) {
      const c = this.src[this.i];
      let min: number;
      let max: number;
      if (c === '?') [min, max] = [0, 1];
      else if (c === '*') [min, max] = [0, Infinity];
      else if (c === '+') [min, max] = [1, Infinity];
      else if (c === '{' && /^\{\d+(,\d*)?\}/.test(this.src.slice(this.i))) {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i))!;
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
        this.i += m[0].length - 1;
      } else return atom;
      this.i++;
      if (this.src[this.i] === '?') this.i++; // lazy
      atom = repeat(atom, min, max);
    }
  }

  private atom(): Info {
    // Whole code points: in a 'u' regex an emoji is one character, not two halves.
    const c = String.fromCodePoint(this.src.codePointAt(this.i)!);
    if (c === '(') return this.group();
    if (c === '[') return this.charClass();
    if (c === '\\') return this.escape();
    this.i += c.length;
    if (c === '^' || c === '$') return EMPTY;
    if (c === '.') return ANYTHING;
    return { exact: new Set([c]), needs: ANY };
  }

  private group(): Info {
    this.i++;
    let kind: 'capture' | 'look' = 'capture';
    if (this.src[this.i] === '?') {
      const rest = this.src.slice(this.i);
      if (rest.startsWith('?:')) this.i += 2;
      else if (/^\?<?[=!]/.test(rest)) {
        kind = 'look';
        this.i += rest[1] === '<' ? 3 : 2;
      } else if (rest.startsWith('?<')) this.i = this.src.indexOf('>', this.i) + 1;
      else throw new Error(`unsupported group at ${this.i}`);
    }
    const inner = this.alternation();
    if (this.src[this.i] !== ')') throw new Error(`unclosed group at ${this.i}`);
    this.i++;
    // Lookarounds consume nothing and may be negative: they add no requirement.
    return kind === 'look' ? EMPTY : inner;
  }

  private charClass(): Info {
    const start = this.i;
    this.i++;
    const negated = this.src[this.i] === '^';
    const chars = new Set<string>();
    let enumerable = !negated;
    if (negated) this.i++;
    // In JavaScript a ] right after [ or [^ closes the class ([^] is any character).
    while (this.i < this.src.length && this.src[this.i] !== ']') {
      let ch = String.fromCodePoint(this.src.codePointAt(this.i)!);
      if (ch === '\\') {
        const next = this.src[this.i + 1]!;
        this.i += 2;
        if (/[dDwWsSbBpP]/.test(next)) {
          enumerable = false;
          if ((next === 'p' || next === 'P') && this.src[this.i] === '{') this.i = this.src.indexOf('}', this.i) + 1;
          continue;
        }
        if (next === 'u' || next === 'x') {
          enumerable = false;
          const m = /^(\{[0-9a-fA-F]+\}|[0-9a-fA-F]{2,4})/.exec(this.src.slice(this.i));
          if (m) this.i += m[0].length;
          continue;
        }
        ch = next === 'n' ? '\n' : next === 't' ? '\t' : next;
      } else {
        this.i += ch.length;
      }
      if (this.src[this.i] === '-' && this.src[this.i + 1] !== ']') {
        // A range: too many characters to list.
        enumerable = false;
        this.i += 2;
        if (this.src[this.i - 1] === '\\') this.i++;
        continue;
      }
      chars.add(ch);
    }
    if (this.src[this.i] !== ']') throw new Error(`unclosed class at ${start}`);
    this.i++;
    return enumerable && chars.size > 0 && chars.size <= 8 ? { exact: chars, needs: ANY } : negated && chars.size === 0 ? ANYTHING : chars.size === 0 && !negated && enumerable ? NOTHING : ANYTHING;
  }

  private escape(): Info {
    const next = this.src[this.i + 1]!;
    this.i += 2;
    if (next === 'b' || next === 'B') return EMPTY;
    if (/[dDwWsS]/.test(next)) return ANYTHING;
    if (next === 'p' || next === 'P') {
      this.i = this.src.indexOf('}', this.i) + 1;
      return ANYTHING;
    }
    if (/[1-9]/.test(next)) {
      while (/[0-9]/.test(this.src[this.i] ?? '')) this.i++;
      return ANYTHING;
    }
    if (next === 'k') {
      this.i = this.src.indexOf('>', this.i) + 1;
      return ANYTHING;
    }
    if (next === 'u' || next === 'x') {
      const m = /^(\{[0-9a-fA-F]+\}|[0-9a-fA-F]{4}|[0-9a-fA-F]{2})/.exec(this.src.slice(this.i));
      if (!m) return ANYTHING;
      this.i += m[0].length;
      const hex = m[0].replace(/[{}]/g, '');
      return { exact: new Set([String.fromCodePoint(parseInt(hex, 16))]), needs: ANY };
    }
    if (next === 'n') return { exact: new Set(['\n']), needs: ANY };
    if (next === 't') return { exact: new Set(['\t']), needs: ANY };
    if (/[rfv0]/.test(next)) return ANYTHING;
    return { exact: new Set([next]), needs: ANY };
  }
}

/**
 * Short literals one of which every match of `source` contains, or undefined when the pattern
 * requires none of at least `minWeight` (then whatever uses it must always run the pattern).
 * Never throws: a pattern it cannot read gets undefined.
 */
export function requiredLiterals(source: string, minWeight = MIN_WEIGHT): string[] | undefined {
  // A pure function of its arguments: the build records its answers for the bundled policies
  // (literal-memo.ts), which saves about half a second of every start and `assess`.
  return memoLiterals(`${minWeight}\u0000${source}`, () => computeLiterals(source, minWeight));
}

function computeLiterals(source: string, minWeight: number): string[] | undefined {
  let needs: Needs;
  try {
    needs = needsOf(new Reader(source).parse());
  } catch {
    return undefined;
  }
  if (needs === ANY || needs.size === 0) return undefined;
  const literals = new Set<string>();
  for (const s of needs) {
    let total = 0;
    let cut = '';
    for (const ch of bestPart(s)) {
      if (total >= MAX_WEIGHT) break;
      total += weight(ch);
      cut += ch;
    }
    if (total < minWeight || cut.length < 1) return undefined;
    literals.add(cut);
  }
  // Drop literals that contain another literal: the shorter one already lets them through.
  return [...literals].filter((l) => ![...literals].some((o) => o !== l && l.includes(o)));
}
