/**
 * The build's record of the prefilter's required literals (prefilter.ts `requiredLiterals`):
 * working them out from every rule's regex source took about half a second of CPU at each
 * start and each `assess`, for answers that depend only on the source and this build's code.
 * scripts/verify-policies.mjs records every answer while it loads the bundled policies and
 * writes them next to the compiled code (dist/src/risk/required-literals.json); a later load
 * reads the answer for the same source instead of working it out. An edited rule has another
 * source and is worked out as before. Run from source there is no record: every one is computed.
 * The build never reads an old record: it recomputes everything with its own code.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RECORD = fileURLToPath(new URL('./required-literals.json', import.meta.url));

type Answer = string[] | null;
let recorded: Map<string, Answer> | undefined;
let recording: Map<string, Answer> | undefined;

function readRecord(): Map<string, Answer> {
  try {
    return new Map(Object.entries(JSON.parse(readFileSync(RECORD, 'utf8')) as Record<string, Answer>));
  } catch {
    return new Map(); // no record (run from source, or not built yet): compute
  }
}

/** The recorded answer for `key`, else `compute()`; a fresh array each call. */
export function memoLiterals(key: string, compute: () => string[] | undefined): string[] | undefined {
  if (recording) {
    const value = compute();
    recording.set(key, value ?? null);
    return value;
  }
  recorded ??= readRecord();
  const known = recorded.get(key);
  if (known !== undefined) return known === null ? undefined : [...known];
  // Kept for this process too: run from source there is no record, and a process that builds
  // many assessors (the test suite) worked the same answers out for every one.
  const value = compute();
  recorded.set(key, value ? [...value] : null);
  return value;
}

/**
 * The build: from now on every answer is computed (never read) and kept for saveLiteralRecord.
 * @public scripts/verify-policies.mjs imports it from dist/, which the unused-code check does not follow.
 */
export function recordLiterals(): void {
  recording = new Map();
}

/**
 * Writes what recordLiterals kept and stops recording; returns the number of answers.
 * @public scripts/verify-policies.mjs imports it from dist/, which the unused-code check does not follow.
 */
export function saveLiteralRecord(path = RECORD): number {
  const entries = recording ?? new Map<string, Answer>();
  writeFileSync(path, JSON.stringify(Object.fromEntries(entries)));
  recording = undefined;
  recorded = undefined;
  return entries.size;
}
