/**
 * `npx tsx scripts/eval-probe-overlap.ts --dir test/risk/blind6`: before a new probe set is scored,
 * checks that none of its sentences is a near copy of a sentence the team has already read or
 * tuned on (the earlier blind sets, the tuning sets) or of a ../shared/eval/dev row. Overlap is the
 * share of character 5-grams (normalized text, spaces and punctuation removed) that a new sentence
 * has in common with the closest earlier one, over the shorter of the two.
 *
 * Prints only the new set's own rows (id, ratio, which set the close sentence is in), never the
 * earlier sentence: the earlier blind sets stay unread. Exits 1 when a row is above --max (0.7).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalizeText } from '../src/risk/normalize.js';
import { sharedEvalDir } from './eval-dir.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1]! : fallback; };
const dir = resolve(arg('--dir', 'test/risk/blind5'));
const max = Number(arg('--max', '0.7'));
const report = Number(arg('--report', '0.5'));
const against = arg('--against', 'blind,blind2,blind3,blind4,blind5,blind6,tune3,tune4,tune5,tune5-intl,tune6,tune6-intl')
  .split(',').filter((s) => resolve(root, 'test', 'risk', s) !== dir); // never the set being checked itself
const devDir = join(sharedEvalDir(root), 'dev');

interface Probe { id: string; text: string; set: string }

/** Single rows and every conversation turn of one probe directory. */
function readDir(path: string, set: string): Probe[] {
  if (!existsSync(path)) return [];
  return readdirSync(path).filter((f) => f.endsWith('.jsonl')).sort().flatMap((f) =>
    readFileSync(join(path, f), 'utf8').split('\n').filter((l) => l.trim()).flatMap((line) => {
      const row = JSON.parse(line) as { id: string; text?: string; turns?: string[] };
      if (row.turns) return row.turns.map((text, i) => ({ id: `${row.id}#${i}`, text, set }));
      return [{ id: row.id, text: row.text ?? '', set }];
    }));
}

function shingles(text: string): Set<string> {
  const t = normalizeText(text).text.replace(/[\s\p{P}\p{S}]+/gu, '');
  const out = new Set<string>();
  for (let i = 0; i + 5 <= t.length; i++) out.add(t.slice(i, i + 5));
  if (out.size === 0 && t) out.add(t);
  return out;
}

const mine = readDir(dir, 'new');
const earlier = [
  ...against.flatMap((s) => readDir(join(root, 'test', 'risk', s), s)),
  ...readDir(devDir, 'dev'),
];
const index = new Map<string, number[]>();
const sizes = earlier.map((p, i) => {
  const s = shingles(p.text);
  for (const g of s) { const list = index.get(g); if (list) list.push(i); else index.set(g, [i]); }
  return s.size;
});

let over = 0;
let worst = 0;
for (const p of mine) {
  const s = shingles(p.text);
  const shared = new Map<number, number>();
  for (const g of s) for (const i of index.get(g) ?? []) shared.set(i, (shared.get(i) ?? 0) + 1);
  let best = 0;
  let bestSet = '';
  for (const [i, k] of shared) {
    const r = k / Math.max(1, Math.min(s.size, sizes[i]!));
    if (r > best) { best = r; bestSet = earlier[i]!.set; }
  }
  worst = Math.max(worst, best);
  if (best > max) over++;
  if (best > report) console.log(`${best > max ? 'NEAR' : 'close'} ${best.toFixed(2)} ${p.id} (${bestSet}): ${p.text}`);
}
console.log(`${mine.length} new texts against ${earlier.length} earlier ones (${against.join(', ')}, dev): ` +
  `${over} above ${max}, highest overlap ${worst.toFixed(2)}`);
process.exit(over > 0 ? 1 : 0);
