/**
 * `npm run train:risk`: trains the learned risk model and writes
 * policies/detection/model/risk-model.json with a note of what it was trained on and when.
 *
 * Training data: the team's composed corpus (training/risk-corpus/*.yaml via risk-corpus.ts)
 * plus ../shared/eval/dev/*.jsonl, read in place at train time and never copied. Sentences of
 * the corpus that come close to a blind probe (test/risk/blind/) are dropped before training:
 * the blind set stays blind. Deterministic: same data and seed, same weights.
 *
 * Prints, never on training rows:
 *   - k-fold figures (5 folds; dev rows fold by id, corpus rows fold by main clause, so a held-out
 *     corpus sentence's clause was never seen), for the model alone and for rules + model on dev;
 *   - the final model's figures on the blind probe set, tuning half and held-out half apart.
 *
 *   npm run train:risk                 k-fold, train, write the weights, blind figures
 *   npm run train:risk -- --no-kfold   skip the k-fold figures
 *   npm run train:risk -- --dry-run    everything but writing the file
 *   npm run train:risk -- --dev DIR    another folder of labelled rows
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { RiskLevel } from '../src/messages.js';
import { createRiskAssessor } from '../src/risk/assessor.js';
import { modelLevel } from '../src/risk/model/combine.js';
import { encodeHeads, MODEL_FORMAT, ModelPolicy, type ModelJson } from '../src/risk/model/model-file.js';
import type { RiskModel } from '../src/risk/model/risk-model.js';
import { DEFAULT_TRAINING, encodeRows, trainModel, type TrainingRow } from '../src/risk/model/train.js';
import { normalizeText } from '../src/risk/normalize.js';
import { analyzeMessage } from '../src/risk/screen.js';
import { assessConversation } from '../src/risk/trajectory.js';
import { generateCorpus, loadCorpusParts } from './risk-corpus.js';
import { table, type Scored } from './risk-model-metrics.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
// ../shared/eval/dev beside the checkout; from a worktree (/work/wt/<lane>) it is one level further up.
const devDir = resolve(option('--dev') ?? [join(root, '..', 'shared', 'eval', 'dev'), join(root, '..', '..', 'shared', 'eval', 'dev')].find((d) => existsSync(d)) ?? join(root, '..', 'shared', 'eval', 'dev'));
const modelDir = join(root, 'policies', 'detection', 'model');
const FOLDS = 5;
const DEV_WEIGHT = 1.5;
const CORPUS_SEED = 11;

interface Row extends TrainingRow { id: string; lang: string; kind: string; source: 'dev' | 'corpus'; fold: number; split?: string }

const readJsonl = <T>(path: string): T[] =>
  readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as T);
const hash = (s: string) => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
};

// Blind probes (test/risk/blind, tune and held halves; test/risk/blind2, all held): only ever
// scored, and used here to keep the corpus away from them.
const BLIND_SETS = ['blind', 'blind2'].filter((d) => existsSync(join(root, 'test', 'risk', d)));
const blind = BLIND_SETS.flatMap((set) => {
  const dir = join(root, 'test', 'risk', set);
  return readdirSync(dir).filter((f) => f.endsWith('.jsonl') && f !== 'conversations.jsonl').sort()
    .flatMap((f) => readJsonl<{ id: string; lang: string; text: string; level: RiskLevel; kind: string; split: string }>(join(dir, f)))
    .map((r) => ({ ...r, set }));
});

/** Character 4-gram shingles of the normalized text (spaces removed, so it works for every script). */
function shingles(text: string): Set<string> {
  const t = normalizeText(text).text.replace(/[\s\p{P}]+/gu, '');
  const out = new Set<string>();
  for (let i = 0; i + 4 <= t.length; i++) out.add(t.slice(i, i + 4));
  return out;
}
const blindIndex = new Map<string, number[]>();
const blindSizes = blind.map((b, i) => {
  const s = shingles(b.text);
  for (const g of s) blindIndex.set(g, [...(blindIndex.get(g) ?? []), i]);
  return s.size;
});
/** Whether `text` shares more than half of the shorter one's shingles with some blind probe. */
function nearBlind(text: string): boolean {
  const s = shingles(text);
  const shared = new Map<number, number>();
  for (const g of s) for (const i of blindIndex.get(g) ?? []) shared.set(i, (shared.get(i) ?? 0) + 1);
  for (const [i, k] of shared) if (k / Math.max(1, Math.min(s.size, blindSizes[i]!)) > 0.5) return true;
  return false;
}

const parts = loadCorpusParts();
const generated = generateCorpus(parts, { seed: CORPUS_SEED });
const corpus: Row[] = [];
let dropped = 0;
for (const r of generated) {
  if (nearBlind(r.text)) { dropped++; continue; }
  corpus.push({ id: `corpus:${corpus.length}`, text: r.text, level: r.level, weight: 1, lang: r.lang, kind: r.kind, source: 'corpus', fold: hash(r.group) % FOLDS });
}
const devFiles = readdirSync(devDir).filter((f) => f.endsWith('.jsonl')).sort();
const dev: Row[] = devFiles.flatMap((f) =>
  readJsonl<{ id: string; lang: string; text: string; level: RiskLevel; kind: string }>(join(devDir, f)).map((r, i) => ({
    id: `${r.id}@${f}:${i}`, text: r.text, level: r.level, kind: r.kind, lang: r.lang, weight: DEV_WEIGHT, source: 'dev' as const, fold: hash(`${r.id}:${i}`) % FOLDS,
  })),
);
const rows = [...corpus, ...dev];
const policy = ModelPolicy.parse(parse(readFileSync(join(modelDir, 'policy.yaml'), 'utf8')));
const languages = [...new Set(corpus.map((r) => r.lang))].sort();
console.log(`corpus: ${corpus.length} sentences in ${languages.length} languages (${languages.join(' ')}) from ${parts.reduce((n, p) => n + Object.values(p.clauses).flat().length, 0)} clauses; ${dropped} dropped as near a blind probe`);
console.log(`dev: ${dev.length} rows from ${devFiles.length} files in ${relative(root, devDir)} (weight ${DEV_WEIGHT})`);
console.log(`features: 2^${DEFAULT_TRAINING.bits} buckets; ${DEFAULT_TRAINING.epochs} epochs; seed ${DEFAULT_TRAINING.seed}; thresholds from policy.yaml`);

const encoded = encodeRows(rows, DEFAULT_TRAINING.bits);
const normalized = rows.map((r) => normalizeText(r.text).text);
// The rules as the bot runs them on one message (screen.ts + trajectory.ts), with or without a
// model: the same path as the assessor's screen, so combined figures are the product's.
const rules = createRiskAssessor({ policyDir: join(root, 'policies'), learnedModel: false });
const now = new Date();
const screenLevel = (text: string, model?: RiskModel) => {
  const analysis = analyzeMessage(rules.policy.packs, text, rules.policy.meaning, model ? { model, policy, trainedAt: 'now' } : undefined);
  return assessConversation(rules.policy.trajectory, analysis, [], undefined, now).level;
};
const ruleLevel = (text: string) => screenLevel(text);

const scoreRow = (model: RiskModel, text: string, norm: string, level: RiskLevel, kind: string, withRules: boolean): Scored => {
  if (!withRules) {
    const scores = model.score(norm);
    return { level, kind, scores, predicted: modelLevel(scores, policy) };
  }
  return { level, kind, predicted: screenLevel(text, model) };
};

let finalModel: RiskModel | undefined;
const model0Score = (text: string) => {
  finalModel ??= trainModel(encoded, DEFAULT_TRAINING);
  return finalModel.score(normalizeText(text).text).risk;
};

if (!args.includes('--no-kfold')) {
  const started = Date.now();
  const outOfFold: Array<{ row: Row; model: Scored; combined?: Scored; rulesOnly?: Scored }> = [];
  for (let fold = 0; fold < FOLDS; fold++) {
    const train = encoded.filter((_, i) => rows[i]!.fold !== fold);
    const model = trainModel(train, DEFAULT_TRAINING);
    rows.forEach((row, i) => {
      if (row.fold !== fold) return;
      const entry: (typeof outOfFold)[number] = { row, model: scoreRow(model, row.text, normalized[i]!, row.level, row.kind, false) };
      if (row.source === 'dev') {
        entry.combined = scoreRow(model, row.text, normalized[i]!, row.level, row.kind, true);
        entry.rulesOnly = { level: row.level, kind: row.kind, predicted: ruleLevel(row.text) };
      }
      outOfFold.push(entry);
    });
  }
  const of = (pred: (e: (typeof outOfFold)[number]) => boolean) => outOfFold.filter(pred).map((e) => e.model);
  console.log(`\n${FOLDS}-fold, every row scored by the model trained without its fold (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  console.log(table('model alone', [
    ['dev (all files)', of((e) => e.row.source === 'dev')],
    ...devFiles.map((f): [string, Scored[]] => [`  ${f.replace('.jsonl', '')}`, of((e) => e.row.id.includes(`@${f}:`))]),
    ['corpus (held clauses)', of((e) => e.row.source === 'corpus')],
    ...languages.map((l): [string, Scored[]] => [`  corpus ${l}`, of((e) => e.row.source === 'corpus' && e.row.lang === l)]),
  ]));
  // Threshold sweep for the resources lift (model alone): out-of-fold dev and corpus, and the
  // blind set's tuning half only (the held-out half is never used to choose anything).
  const blindTune = blind.filter((b) => b.set === 'blind' && b.split === 'tune').map((b) => ({ level: b.level, kind: b.kind, risk: model0Score(b.text) }));
  console.log('\nrisk threshold sweep (model alone, moderate lift): resource recall / false positives');
  for (const t of [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95]) {
    const at = (xs: Array<{ level: RiskLevel; risk: number; kind: string }>) => {
      const pos = xs.filter((x) => ['moderate', 'high', 'imminent'].includes(x.level));
      const neg = xs.filter((x) => x.level === 'none');
      const pct = (k: number, n: number) => `${((100 * k) / Math.max(1, n)).toFixed(1)}%`;
      return `${pct(pos.filter((x) => x.risk >= t).length, pos.length)} / ${pct(neg.filter((x) => x.risk >= t).length, neg.length)}`;
    };
    const oof = (source: string) => outOfFold.filter((e) => e.row.source === source).map((e) => ({ level: e.row.level, kind: e.row.kind, risk: e.model.scores!.risk }));
    console.log(`  ${t.toFixed(2)}   dev ${at(oof('dev')).padEnd(16)} corpus ${at(oof('corpus')).padEnd(16)} blind tune ${at(blindTune)}`);
  }
  console.log('');
  console.log(table('dev, one message each', [
    ['rules alone', outOfFold.filter((e) => e.rulesOnly).map((e) => e.rulesOnly!)],
    ['rules + model (k-fold)', outOfFold.filter((e) => e.combined).map((e) => e.combined!)],
  ]));
}

const started = Date.now();
const model = trainModel(encoded, { ...DEFAULT_TRAINING, vocabulary: { texts: corpus.map((r) => r.text), perHead: 2000 } });
console.log(`\nfinal model trained on all ${rows.length} rows in ${((Date.now() - started) / 1000).toFixed(1)} s`);

const blindScored = (set: string, split: string, how: 'model' | 'rules' | 'both') =>
  blind.filter((b) => b.set === set && b.split === split).map((b): Scored =>
    how === 'rules'
      ? { level: b.level, kind: b.kind, predicted: ruleLevel(b.text) }
      : scoreRow(model, b.text, normalizeText(b.text).text, b.level, b.kind, how === 'both'));
console.log(`\nblind probe sets (test/risk/${BLIND_SETS.join(', test/risk/')}; never trained on), final model, one message each`);
console.log(table('set', BLIND_SETS.flatMap((set) => (set === 'blind' ? ['tune', 'held'] : ['held']).flatMap((split): Array<[string, Scored[]]> => [
  [`${set} ${split}: model`, blindScored(set, split, 'model')],
  [`${set} ${split}: rules`, blindScored(set, split, 'rules')],
  [`${set} ${split}: both`, blindScored(set, split, 'both')],
]))));

const json: ModelJson = {
  format: MODEL_FORMAT,
  note: {
    trained_at: new Date().toISOString(),
    command: 'npm run train:risk',
    seed: DEFAULT_TRAINING.seed,
    data: {
      corpus_sentences: corpus.length,
      corpus_languages: languages.length,
      corpus_dropped_near_blind: dropped,
      ...Object.fromEntries(devFiles.map((f) => [`dev_${f.replace('.jsonl', '')}`, dev.filter((r) => r.id.includes(`@${f}:`)).length])),
    },
    description:
      'Logistic regression, two heads (risk: moderate+, escalate: high+), over hashed character 2-4-grams, CJK characters and ' +
      'word 1-2-grams of the normalized text; int8 weights. Trained on the team-written corpus composed from training/risk-corpus/*.yaml ' +
      '(scripts/risk-corpus.ts, seed ' + CORPUS_SEED + ') and ../shared/eval/dev/*.jsonl read in place (not copied). Never trained on test/risk/blind or test/risk/blind2 (composed sentences near a probe are dropped).',
  },
  features: { bits: DEFAULT_TRAINING.bits, scheme: 'char2-4+cjk1+word1-2' },
  heads: encodeHeads(model),
};
if (args.includes('--dry-run')) {
  console.log('\n--dry-run: weights not written');
} else {
  const target = join(modelDir, policy.model);
  writeFileSync(target, `${JSON.stringify(json, null, 1)}\n`);
  console.log(`\nwrote ${relative(root, target)} (${(readFileSync(target).length / 1024).toFixed(0)} KiB)`);
}
