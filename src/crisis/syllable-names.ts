/**
 * Vietnamese country names for the country answer (policies/places.yaml `vietnamese`). Vietnamese
 * is written in syllables whose tone marks tell words apart, and a one-syllable country name is
 * also a syllable of everyday words: "pháp" (France) in "phương pháp" (method), "đức" (Germany)
 * in "đạo đức" (morals). With the marks folded away as for other languages, "mỹ" (United States)
 * was the English "my", so "I'm in my room" under United Kingdom lines set the United States.
 * Here the marks are kept, names match whole syllables, and a one-syllable name counts only as
 * the whole answer or right after a word that says where ("tôi ở Pháp", "bên Đức").
 */

/** Case and width go, tone marks stay: "PHÁP" = "pháp", but "phap" is not "pháp". */
export function markedPlace(text: string): string {
  return text.normalize('NFKC').toLowerCase().normalize('NFC').replace(/\s+/gu, ' ');
}

export interface SyllableName {
  /** As markedPlace gives it. */
  name: string;
  code: string;
}

export interface SyllableNames {
  /** The countries named in `marked` (markedPlace's form), and the text with those names blanked out. */
  read(marked: string): { codes: Set<string>; rest: string };
}

const LETTER = /[\p{L}\p{N}]/u;
const WORDS = /[\p{L}\p{N}]+/gu;

export function createSyllableNames(names: readonly SyllableName[], placeWords: readonly string[], fillers: readonly string[]): SyllableNames {
  // Longest first, so "vương quốc anh" is read before any shorter name inside it.
  const entries = names
    .map((n) => ({ ...n, single: (n.name.match(WORDS) ?? []).length === 1 }))
    .sort((a, b) => b.name.length - a.name.length);
  const where = new Set(placeWords.map(markedPlace));
  const filler = new Set(fillers.map(markedPlace));

  /** A one-syllable name after a place word, or with nothing but fillers around it. */
  const framed = (text: string, at: number, length: number): boolean => {
    const before = /([\p{L}\p{N}]+)\s+$/u.exec(text.slice(0, at));
    if (before && where.has(before[1]!)) return true;
    const others = [...(text.slice(0, at).match(WORDS) ?? []), ...(text.slice(at + length).match(WORDS) ?? [])];
    return others.every((w) => filler.has(w) || where.has(w));
  };

  return {
    read(marked) {
      let rest = marked;
      const codes = new Set<string>();
      for (const e of entries) {
        for (let from = 0; ; ) {
          const at = rest.indexOf(e.name, from);
          if (at < 0) break;
          from = at + 1;
          const before = at === 0 ? '' : rest[at - 1]!;
          const after = rest[at + e.name.length] ?? '';
          if (LETTER.test(before) || LETTER.test(after)) continue;
          if (e.single && !framed(rest, at, e.name.length)) continue;
          codes.add(e.code);
          rest = rest.slice(0, at) + ' '.repeat(e.name.length) + rest.slice(at + e.name.length);
        }
      }
      return { codes, rest };
    },
  };
}
