/**
 * The literal index the screen scans each message with (screen.ts): the pre-check literals of
 * every rule and trigger (prefilter.ts) in one table, so one pass over a message tells which rules
 * can possibly match. Cost is about two map look-ups per character, whatever the rule count.
 */
/**
 * Many literals checked in one pass over a message: each literal carries the ids (rules,
 * triggers) it stands for, and `scan` marks the ids whose literal occurs. Lookup is by the first
 * two UTF-16 units, so a message costs about two map look-ups per character however many rules
 * there are; a literal of one unit (one Chinese character) is looked up on its own.
 */
export class LiteralIndex {
  /** ASCII literals of two units, by those units. */
  private readonly ascii2: Array<number[] | undefined> = new Array(128 * 128);
  /** ASCII-led literals of three or more units, by their first three units. */
  private readonly ascii3 = new Map<number, Entry[]>();
  /** Other literals of two or more units, by their first two units. */
  private readonly pairs = new Map<number, Entry[]>();
  /** Literals of one unit (a Chinese or Japanese character). */
  private readonly singles = new Map<number, number[]>();

  add(literal: string, id: number): void {
    const [a, b, c] = [0, 1, 2].map((k) => literal.charCodeAt(k)) as [number, number, number];
    if (literal.length === 1) return addId(this.singles, a, id);
    if (a < 128 && b < 128 && literal.length === 2) {
      const ids = this.ascii2[a * 128 + b] ?? [];
      if (!ids.includes(id)) ids.push(id);
      this.ascii2[a * 128 + b] = ids;
      return;
    }
    const ascii = a < 128 && b < 128 && c < 128;
    const map = ascii ? this.ascii3 : this.pairs;
    const key = ascii ? (a << 14) | (b << 7) | c : a * 65536 + b;
    const entries = map.get(key) ?? [];
    let entry = entries.find((e) => e.literal === literal);
    if (!entry) {
      entry = { literal, ids: [] };
      entries.push(entry);
      map.set(key, entries);
    }
    if (!entry.ids.includes(id)) entry.ids.push(id);
  }

  /** Sets marks[id] = 1 for every id whose literal occurs in `text`. */
  scan(text: string, marks: Uint8Array): void {
    const n = text.length;
    let b = n > 0 ? text.charCodeAt(0) : -1;
    let c = n > 1 ? text.charCodeAt(1) : -1;
    for (let i = 0; i < n; i++) {
      const a = b;
      b = c;
      c = i + 2 < n ? text.charCodeAt(i + 2) : -1;
      if (a >= 128) {
        const ids = this.singles.get(a);
        if (ids) for (const id of ids) marks[id] = 1;
      }
      if (b < 0) break;
      let entries: Entry[] | undefined;
      let known = 2;
      if (a < 128 && b < 128) {
        const ids = this.ascii2[a * 128 + b];
        if (ids) for (const id of ids) marks[id] = 1;
        if (c < 0 || c >= 128) {
          if (c >= 128) entries = this.pairs.get(a * 65536 + b);
        } else {
          entries = this.ascii3.get((a << 14) | (b << 7) | c);
          known = 3;
        }
      } else entries = this.pairs.get(a * 65536 + b);
      if (!entries) continue;
      for (const { literal, ids } of entries) {
        if (literal.length > known && !text.startsWith(literal, i)) continue;
        for (const id of ids) marks[id] = 1;
      }
    }
  }
}

interface Entry {
  literal: string;
  ids: number[];
}

function addId(map: Map<number, number[]>, key: number, id: number): void {
  const ids = map.get(key) ?? [];
  if (!ids.includes(id)) ids.push(id);
  map.set(key, ids);
}
