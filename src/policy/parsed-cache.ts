/**
 * Parsing the policy YAML (templates, resources, output check, places…) cost about half a
 * second of CPU at every start, for content that depends only on each file's text. So the
 * build parses the bundled policy files once and records each file's parsed content under a
 * hash of its text, next to the compiled code (dist/src/policy/parsed-policies.json). At start
 * a text whose hash is recorded is read back from JSON (fast); an edited or custom file has
 * another hash and is parsed as YAML, so its syntax errors still name the line. Every file's
 * schema and cross-checks run either way: the record only replaces the YAML parser's work.
 *
 * Only the compiled code has a record: run from source (tsx, tests), a file's first load in a
 * process parses it, and later loads of the same text read back what that parse gave.
 * detection/ is left out: the risk loader keeps its own verified snapshot (risk/examples-stamp.ts).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { parseDocument } from 'yaml';

const RECORD = fileURLToPath(new URL('./parsed-policies.json', import.meta.url));

const textHash = (text: string) => createHash('sha256').update(text).digest('base64url');

/** Looks texts up in one record file: the parsed content for exactly that text (a fresh copy), or undefined. */
export function parsedRecord(path: string): (text: string) => { value: unknown } | undefined {
  let entries: Map<string, string> | null;
  try {
    entries = new Map(Object.entries(JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>));
  } catch {
    entries = null; // missing or unreadable: every file is parsed as YAML
  }
  return (text) => {
    const json = entries?.get(textHash(text));
    return json === undefined ? undefined : { value: JSON.parse(json) };
  };
}

let atBuild: ReturnType<typeof parsedRecord> | undefined;

/**
 * Texts this process parsed already, by hash, as JSON. A process that builds many bots (the test
 * suite, run from source, builds hundreds) parsed the same policy files each time: a third of
 * building a bot. Only clean parses that survive a JSON round trip are kept, as for the record.
 */
const parsedHere = new Map<string, string>();

/** The parsed content this build recorded, or this process parsed, for exactly this text (a fresh copy), or undefined. */
export function recordedParse(text: string): { value: unknown } | undefined {
  atBuild ??= parsedRecord(RECORD);
  const recorded = atBuild(text);
  if (recorded) return recorded;
  const json = parsedHere.get(textHash(text));
  return json === undefined ? undefined : { value: JSON.parse(json) };
}

/** Keeps a clean parse of `text` for the next recordedParse of the same text in this process. */
export function rememberParse(text: string, value: unknown): void {
  const json = JSON.stringify(value);
  if (json !== undefined && isDeepStrictEqual(JSON.parse(json), value)) parsedHere.set(textHash(text), json);
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return e.name === 'detection' ? [] : yamlFiles(join(dir, e.name));
    return /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : [];
  });
}

/**
 * Records every YAML file under `policyDir` that parses cleanly and survives a JSON round trip
 * unchanged (the build calls this); a file that does not is simply left to the YAML parser.
 * @public scripts/verify-policies.mjs imports it from dist/, which the unused-code check does not follow.
 */
export function recordParsedPolicies(policyDir: string, path = RECORD): { path: string; files: number; skipped: string[] } {
  const out: Record<string, string> = {};
  const skipped: string[] = [];
  for (const file of yamlFiles(policyDir)) {
    const text = readFileSync(file, 'utf8');
    const doc = parseDocument(text, { prettyErrors: true });
    const value: unknown = doc.errors.length === 0 ? doc.toJS() : undefined;
    const json = value === undefined ? undefined : JSON.stringify(value);
    if (json === undefined || !isDeepStrictEqual(JSON.parse(json), value)) {
      skipped.push(relative(policyDir, file));
      continue;
    }
    out[textHash(text)] = json;
  }
  writeFileSync(path, JSON.stringify(out));
  if (path === RECORD) atBuild = undefined;
  return { path, files: Object.keys(out).length, skipped };
}
