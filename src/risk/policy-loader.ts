/**
 * Loads policies/detection/: every language file, trajectory.yaml and judge.yaml. Three passes,
 * as for the other policies: schema (zod), cross-checks (rule ids unique, rule language matches
 * its file, regexes compile, every example behaves as declared, every match example reaches
 * the file's trigger) and compilation. Any failure throws one BotError POLICY_INVALID whose
 * message names each file, the path inside it and how to fix it, so a bad edit stops startup.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { BotError } from '../errors.js';
import { recordedParse, rememberParse } from '../policy/parsed-cache.js';
import { verifiedSnapshot } from './examples-stamp.js';
import { normalizeText } from './normalize.js';
import {
  JudgeFile,
  LanguageFile,
  TrajectoryFile,
} from './policy-schema.js';
import { ConceptFile, GrammarFile } from './concept-schema.js';
import { checkMeaningExamples } from './meaning-examples.js';
import { compileMeaning, type MeaningPolicy } from './meaning.js';
import { compilePack, PatternError, ruleMatches, triggerPasses, type CompiledPack } from './rules.js';
import { checkLanguageIdExamples, compileLanguageId, LanguageIdFile } from './language-id.js';

export interface DetectionPolicy {
  packs: CompiledPack[];
  trajectory: TrajectoryFile;
  judge: JudgeFile;
  /** Concept lexicons and grammar (concepts.<lang>.yaml, grammar.yaml); absent in older policy folders. */
  meaning?: MeaningPolicy;
}

const SPECIAL = new Set(['trajectory.yaml', 'judge.yaml', 'grammar.yaml', 'language-id.yaml']);
const isConceptFile = (name: string) => /^concepts\.[a-z]{2}\.ya?ml$/.test(name);

/**
 * Reads and validates `<policyDir>/detection/`. Throws BotError POLICY_INVALID on any problem.
 * `checkExamples: 'auto'` (the default) skips the examples pass for files this build already
 * checked (examples-stamp.ts); `'always'` runs it regardless (the build's own check).
 */
export function loadDetectionPolicy(
  policyDir: string,
  options: { checkExamples?: 'auto' | 'always'; onParsed?: (name: string, data: unknown) => void } = {},
): DetectionPolicy {
  const dir = join(policyDir, 'detection');
  const snapshot = options.checkExamples === 'always' ? undefined : verifiedSnapshot(policyDir);
  const problems: string[] = [];
  const show = (file: string) => relative(process.cwd(), join(dir, file)) || file;

  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.yaml') || n.endsWith('.yml')).sort();
  } catch (error) {
    throw new BotError(
      `${dir}: cannot read the detection policy folder (${(error as Error).message}). ` +
        'Fix: point OYSTER_POLICY_DIR at the policies/ folder that contains detection/.',
      'POLICY_INVALID',
      { cause: error },
    );
  }

  const UNREADABLE = Symbol('unreadable');
  const readYaml = (name: string): unknown => {
    if (snapshot && name in snapshot) return snapshot[name];
    try {
      const text = readFileSync(join(dir, name), 'utf8');
      // A text this process parsed before is read back (parsed-cache.ts): test runs build hundreds of bots.
      const known = recordedParse(text);
      const data: unknown = known ? known.value : parse(text);
      if (!known) rememberParse(text, data);
      options.onParsed?.(name, data);
      return data;
    } catch (error) {
      problems.push(`${show(name)}: not valid YAML (${(error as Error).message.split('\n')[0]}). Fix the syntax at that line.`);
      return UNREADABLE;
    }
  };

  const validate = <T extends z.ZodType>(schema: T, name: string, data: unknown): z.infer<T> | undefined => {
    if (data === UNREADABLE) return undefined;
    const result = schema.safeParse(data);
    if (result.success) return result.data;
    for (const issue of result.error.issues.slice(0, 8)) {
      problems.push(`${show(name)}: ${describePath(issue.path, data)}: ${explain(issue, valueAt(data, issue.path))}`);
    }
    return undefined;
  };

  for (const special of SPECIAL) {
    if (special === 'grammar.yaml' || special === 'language-id.yaml') continue;
    if (!names.includes(special)) problems.push(`${show(special)}: missing. Fix: restore the file from version control.`);
  }
  const trajectory = names.includes('trajectory.yaml')
    ? validate(TrajectoryFile, 'trajectory.yaml', readYaml('trajectory.yaml'))
    : undefined;
  const judge = names.includes('judge.yaml') ? validate(JudgeFile, 'judge.yaml', readYaml('judge.yaml')) : undefined;

  const packs: CompiledPack[] = [];
  /** Each pack's `markers` (common words), added to language-id.yaml's lists for its language. */
  const markers = new Map<string, string[]>();
  const seenIds = new Map<string, string>();
  const languages = new Map<string, string>();
  const conceptFiles: ConceptFile[] = [];
  for (const name of names.filter(isConceptFile)) {
    const file = validate(ConceptFile, name, readYaml(name));
    if (!file) continue;
    if (`concepts.${file.language}.yaml` !== name && `concepts.${file.language}.yml` !== name) {
      problems.push(`${show(name)}: language: "${file.language}" does not match the file name. Fix: name the file concepts.${file.language}.yaml.`);
      continue;
    }
    conceptFiles.push(file);
  }
  const grammar = names.includes('grammar.yaml') ? validate(GrammarFile, 'grammar.yaml', readYaml('grammar.yaml')) : undefined;
  if (conceptFiles.length > 0 && !grammar && !names.includes('grammar.yaml')) {
    problems.push(`${show('grammar.yaml')}: missing, but concept lexicons are present. Fix: restore grammar.yaml from version control.`);
  }
  let meaning: MeaningPolicy | undefined;
  if (grammar && conceptFiles.length > 0) {
    meaning = compileMeaning(conceptFiles, grammar);
    const ids = new Set(grammar.rules.map((r) => r.id));
    if (ids.size !== grammar.rules.length) problems.push(`${show('grammar.yaml')}: rules: two rules share an id. Fix: give each rule a unique id.`);
    if (!snapshot || !('grammar.yaml' in snapshot)) problems.push(...checkMeaningExamples(meaning, ids, (f) => show(`concepts.${f}.yaml`)));
  }

  for (const name of names.filter((n) => !SPECIAL.has(n) && !isConceptFile(n))) {
    const file = validate(LanguageFile, name, readYaml(name));
    if (!file) continue;
    const before = problems.length;
    if (languages.has(file.language)) {
      problems.push(`${show(name)}: language: "${file.language}" is also used by ${languages.get(file.language)}. Fix: one file per language.`);
    }
    languages.set(file.language, show(name));
    if (file.script === 'latin') markers.set(file.language, file.markers);
    file.rules.forEach((rule, i) => {
      if (rule.language !== file.language) {
        problems.push(`${show(name)}: rules.${i}.language: "${rule.language}" differs from the file's language "${file.language}". Fix: move the rule or correct its language.`);
      }
      if (!rule.id.startsWith(`${file.language}.`)) {
        problems.push(`${show(name)}: rules.${i}.id: "${rule.id}" must start with "${file.language}.".`);
      }
      const other = seenIds.get(rule.id);
      if (other) problems.push(`${show(name)}: rules.${i}.id: "${rule.id}" is already used in ${other}. Fix: give each rule a unique id.`);
      seenIds.set(rule.id, show(name));
    });
    if (problems.length > before) continue;
    let pack: CompiledPack;
    try {
      pack = compilePack(file);
    } catch (error) {
      if (!(error instanceof PatternError)) throw error;
      problems.push(`${show(name)}: ${error.path}: ${error.message}`);
      continue;
    }
    if (!snapshot) problems.push(...checkExamples(pack, show(name)));
    packs.push(pack);
  }
  // Language identification (language-id.ts) rides with the meaning policy, which every caller of
  // the screen already passes; an older policy folder without the file guesses from pack markers.
  if (meaning && names.includes('language-id.yaml')) {
    const file = validate(LanguageIdFile, 'language-id.yaml', readYaml('language-id.yaml'));
    if (file) {
      const table = compileLanguageId(file, markers);
      problems.push(...checkLanguageIdExamples(file, table, show('language-id.yaml')));
      meaning.languageId = table;
    }
  }
  if (packs.length === 0 && problems.length === 0) {
    problems.push(`${dir}: no language files. Fix: add at least policies/detection/en.yaml.`);
  }
  if (problems.length > 0 || !trajectory || !judge) {
    const shown = problems.slice(0, 20);
    const more = problems.length > shown.length ? `\n  … and ${problems.length - shown.length} more` : '';
    throw new BotError(`detection policy is invalid:\n  ${shown.join('\n  ')}${more}`, 'POLICY_INVALID', {
      context: { problems: problems.length },
    });
  }
  return meaning ? { packs, trajectory, judge, meaning } : { packs, trajectory, judge };
}

/** Every rule must behave as its own examples say, and the file's trigger must let its matches through. */
function checkExamples(pack: CompiledPack, file: string): string[] {
  const out: string[] = [];
  pack.rules.forEach((rule, i) => {
    for (const example of rule.examples.match) {
      const n = normalizeText(example);
      const forms = [n.text, ...n.variants];
      if (!forms.some((t) => ruleMatches(rule, t))) {
        out.push(`${file}: rules.${i} (${rule.id}): examples.match ${JSON.stringify(example)} does not match. Fix the pattern or the example.`);
      } else if (!forms.some((t) => triggerPasses(pack, t))) {
        out.push(`${file}: rules.${i} (${rule.id}): examples.match ${JSON.stringify(example)} contains none of the file's trigger stems, so the rule could never run. Fix: add a stem to trigger.`);
      }
    }
    for (const example of rule.examples.no_match) {
      const n = normalizeText(example);
      if ([n.text, ...n.variants].some((t) => ruleMatches(rule, t))) {
        out.push(`${file}: rules.${i} (${rule.id}): examples.no_match ${JSON.stringify(example)} matches. Fix: add an unless entry or narrow the pattern.`);
      }
    }
  });
  return out;
}

/** "rules.3.level" becomes "rules.3 (en.method.dose).level" so the editor finds the rule by id. */
function describePath(path: PropertyKey[], data: unknown): string {
  if (path.length === 0) return '(top level)';
  const parts = path.map(String);
  const rules = (data as { rules?: Array<{ id?: unknown }> } | undefined)?.rules;
  if (parts[0] === 'rules' && parts[1] !== undefined && Array.isArray(rules)) {
    const id = rules[Number(parts[1])]?.id;
    if (typeof id === 'string') parts[1] = `${parts[1]} (${id})`;
  }
  return parts.join('.');
}

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  let value = data;
  for (const key of path) value = (value as Record<PropertyKey, unknown> | undefined)?.[key];
  return value;
}

function explain(issue: z.core.$ZodIssue, got: unknown): string {
  if (issue.code === 'invalid_value' && 'values' in issue) {
    return `must be one of: ${(issue.values as unknown[]).map(String).join(', ')} (got ${JSON.stringify(got)})`;
  }
  if (issue.code === 'unrecognized_keys') return `${issue.message}. Fix: remove or rename the key (check its spelling).`;
  if (issue.code === 'invalid_type') return `${issue.message}. Fix: check the indentation and the type of this value.`;
  return issue.message;
}
