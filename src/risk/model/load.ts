/**
 * Loads policies/detection/model/: the combine policy and the weights it names, both validated.
 * Any problem throws one BotError POLICY_INVALID naming the file, what is wrong and how to fix
 * it, so a bad edit or a truncated weights file stops startup instead of silently running
 * without the model. A policy folder with no model/ subfolder (a custom rules-only policy)
 * loads as "no model". Parsing the ~350 KB weights file takes a few milliseconds.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { BotError } from '../../errors.js';
import { decodeModel, ModelJson, ModelPolicy } from './model-file.js';
import type { RiskModel } from './risk-model.js';

export interface LoadedModel {
  model: RiskModel;
  policy: ModelPolicy;
  /** From the weights file's note, for logs and reports. */
  trainedAt: string;
}

const RETRAIN = 'Fix: run `npm run train:risk` to rewrite it, or restore it from version control.';

/** Reads `<policyDir>/detection/model/`; undefined when that folder does not exist. */
export function loadRiskModel(policyDir: string): LoadedModel | undefined {
  const dir = join(policyDir, 'detection', 'model');
  if (!existsSync(dir)) return undefined;
  const show = (name: string) => relative(process.cwd(), join(dir, name)) || name;
  const fail = (message: string, cause?: unknown): never => {
    throw new BotError(`learned risk model is invalid:\n  ${message}`, 'POLICY_INVALID', cause === undefined ? {} : { cause });
  };

  const policyFile = 'policy.yaml';
  let rawPolicy: unknown;
  try {
    rawPolicy = parse(readFileSync(join(dir, policyFile), 'utf8'));
  } catch (error) {
    return fail(`${show(policyFile)}: cannot be read as YAML (${firstLine(error)}). Fix the syntax, or restore the file from version control.`, error);
  }
  const policy = check(ModelPolicy, rawPolicy, show(policyFile), 'Fix the value as described in policies/detection/model/README.md.', fail);

  let rawModel: unknown;
  try {
    rawModel = JSON.parse(readFileSync(join(dir, policy.model), 'utf8'));
  } catch (error) {
    return fail(`${show(policy.model)}: cannot be read as JSON (${firstLine(error)}). ${RETRAIN}`, error);
  }
  const json = check(ModelJson, rawModel, show(policy.model), RETRAIN, fail);
  try {
    return { model: decodeModel(json), policy, trainedAt: json.note.trained_at };
  } catch (error) {
    return fail(`${show(policy.model)}: ${firstLine(error)}. ${RETRAIN}`, error);
  }
}

function check<T extends z.ZodType>(schema: T, data: unknown, file: string, fix: string, fail: (m: string) => never): z.infer<T> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const lines = result.error.issues.slice(0, 6).map((issue) => `${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}. ${fix}`);
  return fail(lines.join('\n  '));
}

const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0];
