/**
 * The learned risk model's own training corpus: sentences composed from small phrase parts the
 * team wrote per language (training/risk-corpus/<lang>.yaml). A sentence is one main clause of
 * a category, its {slots} filled, sometimes with a distress or everyday clause before or after,
 * an opener, an inserted filler word ("just", "really": adjacency-bound rules break on those)
 * and varied punctuation and case. Its level is the highest level among its clauses.
 *
 * Deterministic for a given seed. Every sentence carries its main clause's id (`group`) so
 * k-fold can hold out whole clauses, which is the honest test of a compositional corpus.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { maxLevel, type RiskLevel } from '../src/messages.js';
import { seeded } from '../src/risk/model/train.js';

/** Each clause category, the level it stands for and the eval `kind` it resembles. */
export const CATEGORIES = {
  imminent: { level: 'imminent', kind: 'self', count: 200 },
  high: { level: 'high', kind: 'self', count: 220 },
  method: { level: 'high', kind: 'self', count: 120 },
  moderate: { level: 'moderate', kind: 'self', count: 200 },
  self_harm: { level: 'moderate', kind: 'self', count: 100 },
  third: { level: 'moderate', kind: 'third', count: 80 },
  // Someone else in danger now (means at hand, a place, an act under way): moderators are needed
  // and the person writing needs help-a-friend resources.
  third_danger: { level: 'high', kind: 'third', count: 80 },
  low: { level: 'low', kind: 'distress', count: 260 },
  frame: { level: 'none', kind: 'frame', count: 360 },
  lookalike: { level: 'none', kind: 'lookalike', count: 420 },
  benign: { level: 'none', kind: 'benign', count: 260 },
  // Medicine, a rope or a blade named in an everyday way, with no wish, plan or act: harmless
  // alone. The rules call it a weak signal (means_named) and leave it to the conversation, and
  // the model may lift such a message to moderate (policy.yaml moderate_only_after); without
  // these it learned that "pills" alone means risk.
  means_neutral: { level: 'none', kind: 'lookalike', count: 160 },
  // Everyday care of plants, pets, sourdough starters, devices and game characters, where
  // "alive", "dying", "dead" and "kill" mean what they mean there ("keep my sourdough starter
  // alive", "the basil is wilting"): hard negatives in every language, so the model does not
  // learn that those words alone mean risk.
  everyday: { level: 'none', kind: 'lookalike', count: 180 },
} as const satisfies Record<string, { level: RiskLevel; kind: string; count: number }>;
export type Category = keyof typeof CATEGORIES;
/** Categories a language file may leave out (written so far for the languages that needed them). */
export const OPTIONAL: ReadonlySet<Category> = new Set(['means_neutral', 'everyday']);

const Clauses = z.array(z.string().min(2)).min(2);
export const CorpusParts = z.strictObject({
  language: z.string().regex(/^[a-z]{2}$/),
  /** More sentences for a language the screen is weak in (1 when absent). */
  scale: z.number().min(0.5).max(3).optional(),
  slots: z.record(z.string().regex(/^\w+$/), z.array(z.string().min(1)).min(1)),
  clauses: z.strictObject(
    Object.fromEntries(Object.keys(CATEGORIES).map((c) => [c, OPTIONAL.has(c as Category) ? Clauses.optional() : Clauses])) as Record<Category, typeof Clauses>,
  ),
  glue: z.strictObject({
    openers: z.array(z.string()).min(1),
    fillers: z.array(z.string().min(1)).min(1),
    joiners: z.array(z.string().min(1)).min(1),
  }),
});
export type CorpusParts = z.infer<typeof CorpusParts>;

export interface CorpusRow {
  text: string;
  lang: string;
  level: RiskLevel;
  kind: string;
  /** `<lang>:<category>:<clause index>` of the main clause. */
  group: string;
}

export const PARTS_DIR = new URL('../training/risk-corpus/', import.meta.url);

/** Reads and validates every `<lang>.yaml`; throws naming the file and the path of a problem. */
export function loadCorpusParts(dir: string | URL = PARTS_DIR): CorpusParts[] {
  const path = dir instanceof URL ? dir.pathname : dir;
  return readdirSync(path).filter((f) => f.endsWith('.yaml')).sort().map((file) => {
    const result = CorpusParts.safeParse(parse(readFileSync(join(path, file), 'utf8')));
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw new Error(`${file}: ${issue.path.join('.')}: ${issue.message}`);
    }
    for (const [category, clauses] of Object.entries(result.data.clauses)) {
      for (const clause of clauses ?? []) {
        for (const [, slot] of clause.matchAll(/\{(\w+)\}/g)) {
          if (!result.data.slots[slot!]) throw new Error(`${file}: clauses.${category}: "${clause}" uses unknown slot {${slot}}`);
        }
      }
    }
    return result.data;
  });
}

/** Composes `scale` × each category's count sentences per language (fewer when duplicates collide). */
export function generateCorpus(all: CorpusParts[], options: { seed: number; scale?: number }): CorpusRow[] {
  const rows: CorpusRow[] = [];
  const seen = new Set<string>();
  for (const parts of all) {
    const random = seeded(options.seed ^ hashString(parts.language));
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const fill = (clause: string, depth = 0): string =>
      clause.replace(/\{(\w+)\}/g, (_, slot: string) => (depth > 2 ? pick(parts.slots[slot]!) : fill(pick(parts.slots[slot]!), depth + 1)));
    const spaced = (text: string) => text.includes(' ');

    for (const [category, spec] of Object.entries(CATEGORIES) as Array<[Category, (typeof CATEGORIES)[Category]]>) {
      const clauses = parts.clauses[category];
      if (!clauses) continue;
      const wanted = Math.round(spec.count * (options.scale ?? 1) * (parts.scale ?? 1));
      let made = 0;
      for (let attempt = 0; made < wanted && attempt < wanted * 6; attempt++) {
        const index = Math.floor(random() * clauses.length);
        let text = fill(clauses[index]!);
        let level: RiskLevel = spec.level;
        const r = random();
        // A second clause: distress around a risk clause, an everyday clause around a harmless one.
        const extraCategory: Category = spec.level === 'none' ? (r < 0.5 ? 'benign' : 'lookalike') : 'low';
        if (r < 0.35 || (r > 0.85 && category !== 'low')) {
          const extra = fill(pick(parts.clauses[extraCategory]));
          text = r < 0.35 ? `${extra}${pick(parts.glue.joiners)}${text}` : `${text}${pick(parts.glue.joiners)}${extra}`;
          level = maxLevel(level, CATEGORIES[extraCategory].level);
        }
        if (random() < 0.25) {
          const filler = pick(parts.glue.fillers);
          if (spaced(text)) {
            const words = text.split(' ');
            const at = 1 + Math.floor(random() * Math.max(1, words.length - 1));
            words.splice(Math.min(at, words.length), 0, filler);
            text = words.join(' ');
          } else {
            text = `${filler}${text}`;
          }
        }
        const opener = pick(parts.glue.openers);
        if (opener) text = spaced(text) ? `${opener} ${text}` : `${opener}${text}`;
        const ending = random();
        if (ending < 0.3) text += '.';
        else if (ending < 0.4) text += '...';
        else if (ending < 0.45) text += '!';
        if (random() < 0.3) text = text.charAt(0).toUpperCase() + text.slice(1);
        if (seen.has(text)) continue;
        seen.add(text);
        rows.push({ text, lang: parts.language, level, kind: spec.kind, group: `${parts.language}:${category}:${index}` });
        made++;
      }
    }
  }
  return rows;
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
