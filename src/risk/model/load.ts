/**
 * Loads policies/detection/model/: the combine policy and the weights it names, both validated.
 * Any problem throws one BotError POLICY_INVALID in the shared policy shape (src/policy/
 * policy-file.ts: `Invalid policy <file> at <field>: <problem>. Fix: <fix>.`), so a bad edit or
 * a truncated weights file stops startup instead of silently running without the model. A
 * policy folder with no model/ subfolder (a custom rules-only policy) loads as "no model".
 * Parsing the ~0.5 MB weights file and decoding the weights takes a few milliseconds.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { formatPath, policyError, policyProblems, readPolicyText, readYaml } from '../../policy/policy-file.js';
import { decodeModel, ModelJson, ModelPolicy } from './model-file.js';
import type { RiskModel } from './risk-model.js';

export interface LoadedModel {
  model: RiskModel;
  policy: ModelPolicy;
  /** From the weights file's note, for logs and reports. */
  trainedAt: string;
}

export const MODEL_POLICY_FILE = 'detection/model/policy.yaml';
const RETRAIN = 'run `npm run train:risk` to rewrite it, or restore it from version control';
const POLICY_HELP = 'see policies/detection/model/README.md';

/** Reads `<policyDir>/detection/model/`; undefined when that folder does not exist. */
export function loadRiskModel(policyDir: string): LoadedModel | undefined {
  if (!existsSync(join(policyDir, 'detection', 'model'))) return undefined;

  const policyResult = ModelPolicy.safeParse(readYaml(policyDir, MODEL_POLICY_FILE));
  if (!policyResult.success) {
    throw policyProblems(MODEL_POLICY_FILE, policyResult.error.issues.map((issue) => ({
      field: formatPath(issue.path), problem: issue.message, fix: POLICY_HELP,
    })));
  }
  const policy = policyResult.data;

  const weightsFile = `detection/model/${policy.model}`;
  let raw: unknown;
  try {
    raw = JSON.parse(readPolicyText(policyDir, weightsFile));
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw policyProblems(weightsFile, [{ field: '', problem: `not valid JSON (${error.message})`, fix: RETRAIN }], error);
  }
  const json = ModelJson.safeParse(raw);
  if (!json.success) {
    throw policyProblems(weightsFile, json.error.issues.slice(0, 6).map((issue) => ({
      field: formatPath(issue.path), problem: issue.message, fix: RETRAIN,
    })));
  }
  try {
    return { model: decodeModel(json.data), policy, trainedAt: json.data.note.trained_at };
  } catch (error) {
    const [field, ...rest] = (error as Error).message.split(': ');
    throw policyError(weightsFile, field ?? '', rest.join(': ') || (error as Error).message, RETRAIN);
  }
}
