/**
 * The committed weights and combine policy load and validate; a broken file stops loading with
 * one POLICY_INVALID error that names the file, what is wrong and how to fix it. Each broken
 * case is a copy of the real policies/ folder with one file damaged.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BotError } from '../../../src/errors.js';
import { loadRiskModel } from '../../../src/risk/model/load.js';
import { normalizeText } from '../../../src/risk/normalize.js';
import { POLICY_DIR } from '../helpers.js';

const scratch = mkdtempSync(join(tmpdir(), 'oyster-model-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let copies = 0;

/** A copy of policies/ with `damage` applied to one file of detection/model/. */
function damaged(file: string, damage: (text: string) => string): string {
  const dir = join(scratch, `policies-${copies++}`);
  cpSync(POLICY_DIR, dir, { recursive: true });
  const path = join(dir, 'detection', 'model', file);
  writeFileSync(path, damage(readFileSync(path, 'utf8')));
  return dir;
}

function failure(dir: string): BotError {
  try {
    loadRiskModel(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(BotError);
    expect((error as BotError).code).toBe('POLICY_INVALID');
    return error as BotError;
  }
  throw new Error('the damaged model loaded without error');
}

describe('loading the learned risk model', () => {
  it('loads the committed weights, which score a plan above an idiom', () => {
    const loaded = loadRiskModel(POLICY_DIR)!;
    expect(loaded.trainedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const score = (text: string) => loaded.model.score(normalizeText(text).text).risk;
    expect(score('i have all my pills in front of me and i am taking them tonight')).toBeGreaterThan(score('this boss fight is killing me'));
  });

  it('treats a policy folder without a model folder as rules only', () => {
    const dir = join(scratch, 'rules-only');
    cpSync(POLICY_DIR, dir, { recursive: true });
    rmSync(join(dir, 'detection', 'model'), { recursive: true });
    expect(loadRiskModel(dir)).toBeUndefined();
  });

  it('stops on truncated weights and says to retrain', () => {
    const error = failure(damaged('risk-model.json', (t) => t.slice(0, t.length / 2)));
    expect(error.message).toMatch(/^Invalid policy detection\/model\/risk-model\.json: not valid JSON \(.*\)\. Fix: run `npm run train:risk`/);
  });

  it('stops on weights of the wrong size and names the head', () => {
    const error = failure(damaged('risk-model.json', (t) => {
      const json = JSON.parse(t) as { heads: { escalate: { weights: string } } };
      json.heads.escalate.weights = Buffer.alloc(100).toString('base64');
      return JSON.stringify(json);
    }));
    expect(error.message).toContain('Invalid policy detection/model/risk-model.json at heads.escalate.weights: decodes to 100 bytes');
  });

  it('stops on a file of another format', () => {
    const error = failure(damaged('risk-model.json', (t) => t.replace('"oyster-risk-model/2"', '"something-else"')));
    expect(error.message).toMatch(/risk-model\.json at format: .*Fix: run `npm run train:risk`/);
    // A weights file of the first format (reasons named hashed buckets) is refused the same way.
    expect(failure(damaged('risk-model.json', (t) => t.replace('"oyster-risk-model/2"', '"oyster-risk-model/1"'))).message).toMatch(/at format:/);
  });

  it('stops on a malformed line of the strong-feature table and names it', () => {
    const error = failure(damaged('risk-model.json', (t) => t.replace(/"strong": "([^\\]*)\\n/, '"strong": "$1 extra\\n')));
    expect(error.message).toMatch(/risk-model\.json at strong: line 1 is not/);
  });

  it('stops on a threshold above 1 and names the field', () => {
    const error = failure(damaged('policy.yaml', (t) => t.replace(/moderate: \{ risk: [0-9.]+ \}/, 'moderate: { risk: 1.5 }')));
    expect(error.message).toContain('Invalid policy detection/model/policy.yaml at lift.moderate.risk: ');
  });

  it('stops on a per-language threshold that is not a two-letter language and names the field', () => {
    const error = failure(damaged('policy.yaml', (t) => t.replace(/^language_risk: \{/m, 'language_risk: { english: 0.8,')));
    expect(error.message).toMatch(/policy\.yaml at language_risk\.english: .*Fix: see policies\/detection\/model\/README\.md/);
  });

  it('stops on an unknown key in the policy', () => {
    const error = failure(damaged('policy.yaml', (t) => `${t}\nmax_levle: high\n`));
    expect(error.message).toMatch(/Invalid policy detection\/model\/policy\.yaml: Unrecognized key: "max_levle"/);
  });

  it('stops when the policy names a weights file that does not exist', () => {
    const error = failure(damaged('policy.yaml', (t) => t.replace('model: risk-model.json', 'model: missing.json')));
    expect(error.message).toContain('Invalid policy detection/model/missing.json: the file is missing');
  });
});
