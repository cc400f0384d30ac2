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
 *   npm run train:risk -- --kfold-only the k-fold figures alone (no final model, no blind figures)
 *   npm run train:risk -- --dev DIR    another folder of labelled rows
 *   npm run train:risk -- --kfold-only --bits 16 --epochs 8 --rate 0.2 --l2 1e-6
 *                                      try other training settings (the defaults are train.ts's
 *                                      DEFAULT_TRAINING; write weights only with the defaults)
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { riskRank, type RiskLevel } from '../src/messages.js';
import { createRiskAssessor } from '../src/risk/assessor.js';
import { modelLevel } from '../src/risk/model/combine.js';
import { FEATURE_SCHEME } from '../src/risk/model/features.js';
import { encodeModel, MODEL_FORMAT, ModelPolicy, type ModelJson } from '../src/risk/model/model-file.js';
import type { RiskModel } from '../src/risk/model/risk-model.js';
import { DEFAULT_TRAINING, encodeRows, trainModel, type TrainingRow } from '../src/risk/model/train.js';
import { normalizeText } from '../src/risk/normalize.js';
import { analyzeMessage } from '../src/risk/screen.js';
import { assessConversation } from '../src/risk/trajectory.js';
import { nearBlindFilter, readBlindProbes, readBlindTurns } from './risk-blind-filter.js';
import { generateCorpus, loadCorpusParts } from './risk-corpus.js';
import { table, type Scored } from './risk-model-metrics.js';
import { cappedTable, combined, languageSweep, languageTable, sweepTable, type OutOfFold } from './risk-model-sweep.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
// ../shared/eval/dev beside the checkout; from a worktree (/work/wt/<lane>) it is one level further up.
const devDir = resolve(option('--dev') ?? [join(root, '..', 'shared', 'eval', 'dev'), join(root, '..', '..', 'shared', 'eval', 'dev')].find((d) => existsSync(d)) ?? join(root, '..', 'shared', 'eval', 'dev'));
const modelDir = join(root, 'policies', 'detection', 'model');
const FOLDS = 5;
// Settings other than the defaults, for trying them out by k-fold.
const TRAINING = {
  ...DEFAULT_TRAINING,
  ...Object.fromEntries((['bits', 'epochs', 'rate', 'l2'] as const).filter((k) => option(`--${k}`) !== undefined).map((k) => [k, Number(option(`--${k}`))])),
};
const DEV_WEIGHT = 2;
const CORPUS_SEED = 11;

interface Row extends TrainingRow { id: string; lang: string; kind: string; source: 'dev' | 'corpus'; fold: number; split?: string }

const readJsonl = <T>(path: string): T[] =>
  readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as T);
const hash = (s: string) => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
};

// Blind probes: every set keeps the corpus away from it (composed sentences near a probe are
// dropped, risk-blind-filter.ts). Only blind and blind2 (tune and held halves; all held) are
// scored here, as before; blind3 and blind4 are scored only by `npm run eval:blind -- --dir ...`.
const blind = readBlindProbes(join(root, 'test', 'risk'));
const FILTER_SETS = [...new Set(blind.map((b) => b.set))];
const BLIND_SETS = ['blind', 'blind2'].filter((d) => FILTER_SETS.includes(d));
// Conversation turns too: a corpus sentence close to a blind turn would flatter the conversation figures.
const nearBlind = nearBlindFilter([...blind, ...readBlindTurns(join(root, 'test', 'risk'))]);

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
console.log(`features: 2^${TRAINING.bits} buckets; ${TRAINING.epochs} epochs; rate ${TRAINING.rate}; l2 ${TRAINING.l2}; seed ${TRAINING.seed}; thresholds from policy.yaml`);

const encoded = encodeRows(rows, TRAINING.bits);
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
    return { level, kind, scores, predicted: modelLevel(scores, policy, analyzeMessage(rules.policy.packs, text, rules.policy.meaning).language) };
  }
  return { level, kind, predicted: screenLevel(text, model) };
};

// The rules' reading of every row, once: its level, and whether the policy lets the model act on it.
const rulesView = rows.map((r) => {
  const analysis = analyzeMessage(rules.policy.packs, r.text, rules.policy.meaning);
  const eligible = riskRank(analysis.level) < riskRank(policy.only_below) && !policy.defer_to.some((s) => analysis.signals.has(s));
  const capped = policy.moderate_only_after.signals.some((s) => analysis.signals.has(s));
  return { rules: assessConversation(rules.policy.trajectory, analysis, [], undefined, now).level, eligible, capped, screenLang: analysis.language };
});

if (!args.includes('--no-kfold')) {
  const started = Date.now();
  const outOfFold: OutOfFold[] = [];
  let checked = 0;
  let mismatched = 0;
  for (let fold = 0; fold < FOLDS; fold++) {
    const train = encoded.filter((_, i) => rows[i]!.fold !== fold);
    const model = trainModel(train, TRAINING);
    rows.forEach((row, i) => {
      if (row.fold !== fold) return;
      const entry: OutOfFold = { level: row.level, kind: row.kind, lang: row.lang, source: row.source, scores: model.score(normalized[i]!), ...rulesView[i]! };
      // The sweep's shortcut must be the screen's own combination: checked on every dev row.
      if (row.source === 'dev') {
        checked++;
        if (screenLevel(row.text, model) !== combined(entry, policy)) mismatched++;
      }
      outOfFold.push(entry);
    });
  }
  const scored = (pred: (e: OutOfFold) => boolean) => outOfFold.filter(pred).map((e): Scored => ({ level: e.level, kind: e.kind, scores: e.scores, predicted: modelLevel(e.scores, policy, e.screenLang) }));
  console.log(`\n${FOLDS}-fold, every row scored by the model trained without its fold (${((Date.now() - started) / 1000).toFixed(0)} s); thresholds of policy.yaml`);
  console.log(table('model alone', [
    ['dev (all files)', scored((e) => e.source === 'dev')],
    ['corpus (held clauses)', scored((e) => e.source === 'corpus')],
    ...languages.map((l): [string, Scored[]] => [`  corpus ${l}`, scored((e) => e.source === 'corpus' && e.lang === l)]),
  ]));
  console.log(`\nthreshold sweep, out-of-fold (recall and precision of the head's level; FP = harmless rows shown resources)`);
  console.log(sweepTable(outOfFold, policy, 'risk', [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]));
  console.log('');
  console.log(sweepTable(outOfFold, policy, 'escalate', [0.8, 0.85, 0.9, 0.95, 0.97, 0.99]));
  console.log('');
  console.log(cappedTable(outOfFold, policy, [0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.99]));
  console.log('');
  console.log(languageSweep(outOfFold, policy, [0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9]));
  console.log(`\nper language, out-of-fold corpus, at policy.yaml's thresholds (moderate ${policy.lift.moderate.risk}, high ${policy.lift.high?.risk ?? '-'}/${policy.lift.high?.escalate ?? '-'})`);
  console.log(languageTable(outOfFold, policy, languages));
  const both = (e: OutOfFold): Scored => ({ level: e.level, kind: e.kind, predicted: combined(e, policy) });
  console.log('');
  console.log(table('dev, one message each', [
    ['rules alone', outOfFold.filter((e) => e.source === 'dev').map((e): Scored => ({ level: e.level, kind: e.kind, predicted: e.rules }))],
    ['rules + model (k-fold)', outOfFold.filter((e) => e.source === 'dev').map(both)],
  ]));
  console.log(`(the sweep's combination agrees with the screen's on ${checked - mismatched}/${checked} dev rows)`);
}

if (args.includes('--kfold-only')) process.exit(0);

const started = Date.now();
const model = trainModel(encoded, { ...TRAINING, vocabulary: { texts: corpus.map((r) => r.text), perHead: 2000 } });
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
    seed: TRAINING.seed,
    data: {
      corpus_sentences: corpus.length,
      corpus_clauses: parts.reduce((n, p) => n + Object.values(p.clauses).flat().length, 0),
      corpus_seed: CORPUS_SEED,
      corpus_languages: languages.length,
      corpus_dropped_near_blind: dropped,
      ...Object.fromEntries(devFiles.map((f) => [`dev_${f.replace('.jsonl', '')}`, dev.filter((r) => r.id.includes(`@${f}:`)).length])),
    },
    description:
      'Logistic regression, two heads (risk: moderate+, escalate: high+), over hashed character 4-grams, 2-3-grams holding a non-ASCII ' +
      'character, CJK characters and word 1-2-grams of the normalized text; int8 weights; long messages scored as their highest window. ' +
      'Trained on the team-written corpus composed from training/risk-corpus/*.yaml (scripts/risk-corpus.ts, seed ' + CORPUS_SEED + ') and ' +
      '../shared/eval/dev/*.jsonl read in place (not copied). Never trained on the blind probe sets (' + FILTER_SETS.map((d) => `test/risk/${d}`).join(', ') + '; composed sentences near ' +
      'a probe are dropped). Thresholds in policy.yaml chosen by ' + FOLDS + '-fold cross-validation on these rows.',
  },
  features: { bits: TRAINING.bits, scheme: FEATURE_SCHEME },
  ...encodeModel(model),
};
if (args.includes('--dry-run')) {
  console.log('\n--dry-run: weights not written');
} else {
  const target = join(modelDir, policy.model);
  writeFileSync(target, `${JSON.stringify(json, null, 1)}\n`);
  console.log(`\nwrote ${relative(root, target)} (${(readFileSync(target).length / 1024).toFixed(0)} KiB)`);
}
