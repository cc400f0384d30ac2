/**
 * Reading one policy YAML file and turning every problem into a BotError('POLICY_INVALID')
 * that names the file, the field and how to fix it. An invalid policy stops startup
 * (ARCHITECTURE.md §5), so the message is what an on-call engineer reads at 3 a.m.: it has
 * to point at the exact line to change, like NeMo Guardrails' fix-it errors.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { BotError } from '../errors.js';
import { recordedParse, rememberParse } from './parsed-cache.js';

/** Where the README explains every field; appended to schema errors as the generic fix. */
export const SCHEMA_HELP = 'see the schema in policies/README.md';

/** One thing wrong in a policy file: where (`field`, empty for the whole file), what, and how to fix it. */
export interface PolicyProblem {
  field: string;
  problem: string;
  fix: string;
}

/** How many problems one error lists; the rest are counted, so a broken folder stays readable. */
const MAX_LISTED = 20;

function problemLine(file: string, p: PolicyProblem): string {
  const where = p.field === '' ? file : `${file} at ${p.field}`;
  return `Invalid policy ${where}: ${p.problem}. Fix: ${p.fix}.`;
}

/**
 * The one error shape for policy problems, one line each:
 * `Invalid policy <file> at <field>: <problem>. Fix: <fix>.`
 * `file` is relative to the policy folder, so messages are the same on every machine.
 */
export function policyProblems(file: string, problems: readonly PolicyProblem[], cause?: unknown): BotError {
  const lines = problems.slice(0, MAX_LISTED).map((p) => problemLine(file, p));
  if (problems.length > MAX_LISTED) lines.push(`… and ${problems.length - MAX_LISTED} more in ${file}.`);
  const first = problems[0];
  return new BotError(lines.join('\n'), 'POLICY_INVALID', {
    context: { file, field: first?.field ?? '', problems: problems.length },
    ...(cause === undefined ? {} : { cause }),
  });
}

/** A single problem; see policyProblems for the shape. */
export function policyError(file: string, field: string, problem: string, fix: string): BotError {
  return policyProblems(file, [{ field, problem, fix }]);
}

/** `contacts[2].hours.timezone` from a zod/yaml path. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** Parses YAML text without validating: syntax errors carry the line and column. */
export function parseYamlText(file: string, text: string): unknown {
  const known = recordedParse(text);
  if (known) return known.value;
  const doc = parseDocument(text, { prettyErrors: true });
  const first = doc.errors[0];
  if (first !== undefined) {
    // yaml's message ends with a code frame; the first line says what and where.
    const line = first.message.split('\n')[0] ?? first.message;
    throw policyError(file, '', `YAML syntax error: ${line.replace(/:$/, '')}`, 'correct the YAML syntax at that line');
  }
  const value: unknown = doc.toJS();
  rememberParse(text, value);
  return value;
}

/** Reads `<policyDir>/<file>` as text; a missing file says which one to restore. */
export function readPolicyText(policyDir: string, file: string): string {
  const path = join(policyDir, file);
  if (!existsSync(path)) {
    throw policyError(file, '', 'the file is missing', `create ${file} (${SCHEMA_HELP})`);
  }
  return readFileSync(path, 'utf8');
}

/** Reads and parses one YAML file without validating it. */
export function readYaml(policyDir: string, file: string): unknown {
  return parseYamlText(file, readPolicyText(policyDir, file));
}

/** Every schema issue as a problem, a missing key said plainly. */
export function schemaProblems(error: z.ZodError): PolicyProblem[] {
  return error.issues.map((issue) => {
    // zod reports a missing key as "expected X, received undefined"; say it plainly.
    const missing = issue.code === 'invalid_type' && /received undefined$/.test(issue.message);
    return {
      field: formatPath(issue.path),
      problem: missing ? `required field is missing (${issue.message})` : issue.message,
      fix: SCHEMA_HELP,
    };
  });
}

/** Reads and validates one file; the first schema issue becomes the error. */
export function readPolicyYaml<S extends z.ZodType>(policyDir: string, file: string, schema: S): z.output<S> {
  const result = schema.safeParse(readYaml(policyDir, file));
  if (result.success) return result.data;
  throw policyProblems(file, schemaProblems(result.error).slice(0, 1));
}
