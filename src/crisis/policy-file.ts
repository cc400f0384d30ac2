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

/** Where the README explains every field; appended to schema errors as the generic fix. */
export const SCHEMA_HELP = 'see the schema in policies/README.md';

/**
 * The one error shape for policy problems: `Invalid policy <file> at <field>: <problem>. Fix: <fix>`.
 * `file` is relative to the policy folder, so messages are the same on every machine.
 */
export function policyError(file: string, field: string, problem: string, fix: string): BotError {
  const where = field === '' ? file : `${file} at ${field}`;
  return new BotError(`Invalid policy ${where}: ${problem}. Fix: ${fix}.`, 'POLICY_INVALID', {
    context: { file, field },
  });
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

/** Parses YAML without validating: syntax errors carry the line and column. */
export function readYaml(policyDir: string, file: string): unknown {
  const path = join(policyDir, file);
  if (!existsSync(path)) {
    throw policyError(file, '', 'the file is missing', `create ${file} (${SCHEMA_HELP})`);
  }
  const doc = parseDocument(readFileSync(path, 'utf8'), { prettyErrors: true });
  const first = doc.errors[0];
  if (first !== undefined) {
    // yaml's message ends with a code frame; the first line says what and where.
    const line = first.message.split('\n')[0] ?? first.message;
    throw policyError(file, '', `YAML syntax error: ${line.replace(/:$/, '')}`, 'correct the YAML syntax at that line');
  }
  return doc.toJS();
}

/** Reads and validates one file; the first schema issue becomes the error. */
export function readPolicyYaml<S extends z.ZodType>(policyDir: string, file: string, schema: S): z.output<S> {
  const raw = readYaml(policyDir, file);
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = formatPath(issue.path);
  // zod reports a missing key as "expected X, received undefined"; say it plainly.
  const missing = issue.code === 'invalid_type' && /received undefined$/.test(issue.message);
  const problem = missing ? `required field is missing (${issue.message})` : issue.message;
  throw policyError(file, field, problem, SCHEMA_HELP);
}
