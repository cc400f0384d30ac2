/**
 * The learned model's own figures on a blind probe set, for `npm run eval:blind`: the model
 * alone (its level under policies/detection/model/policy.yaml, no rules), per split, beside the
 * screen's figures that script prints. The model never trained on these rows
 * (scripts/train-risk-model.ts keeps its corpus away from them).
 */
import { join } from 'node:path';
import type { RiskLevel } from '../src/messages.js';
import { modelLevel } from '../src/risk/model/combine.js';
import { loadRiskModel } from '../src/risk/model/load.js';
import { normalizeText } from '../src/risk/normalize.js';
import { createRiskAssessor } from '../src/risk/assessor.js';
import { analyzeMessage } from '../src/risk/screen.js';
import { table, type Scored } from './risk-model-metrics.js';

interface BlindRow { text: string; level: RiskLevel; kind: string; split: string }

/** The table of the model alone on `rows`, one line per split present; a note when no model is loaded. */
export function modelBlindFigures(root: string, rows: BlindRow[]): string {
  const loaded = loadRiskModel(join(root, 'policies'));
  if (!loaded) return 'learned model: none (policies/detection/model missing)';
  // The language the screen reads each message in: policy.yaml `language_risk` is keyed by it.
  const rules = createRiskAssessor({ policyDir: join(root, 'policies'), learnedModel: false });
  const scored = (split: string) => rows.filter((r) => r.split === split).map((r): Scored => {
    const scores = loaded.model.score(normalizeText(r.text).text);
    const language = analyzeMessage(rules.policy.packs, r.text, rules.policy.meaning).language;
    return { level: r.level, kind: r.kind, scores, predicted: modelLevel(scores, loaded.policy, language) };
  });
  const splits = ['tune', 'held'].filter((s) => rows.some((r) => r.split === s));
  return `learned model alone (trained ${loaded.trainedAt}; its level under policy.yaml, no rules)\n` +
    table('[split]', splits.map((s): [string, Scored[]] => [`${s} ALL`, scored(s)]));
}
