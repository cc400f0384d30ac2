/**
 * Checking every detection rule against its own examples costs over a second of CPU at each
 * start (thousands of regex runs), and parsing the YAML another 0.3 s. Both depend only on
 * the detection files and the code, so the build checks the bundled policies once and records
 * their digest and parsed content next to the compiled loader
 * (dist/src/risk/verified-policies.json). A start whose detection folder has that digest
 * reads the parsed content (JSON, fast) and skips the examples pass; the schema and
 * cross-checks still run. An edited or custom policy folder has another digest and gets the
 * full check, so a bad edit still stops startup with its fix-it message.
 *
 * Only the compiled code has a stamp: run from source (tsx, tests), every load checks in full,
 * and the stamp can never vouch for code other than the build that wrote it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const STAMP = fileURLToPath(new URL('./verified-policies.json', import.meta.url));

/** A content hash of every file in `<policyDir>/detection/` (names and bytes). */
export function detectionDigest(policyDir: string): string | undefined {
  const dir = join(policyDir, 'detection');
  try {
    const hash = createHash('sha256');
    // Files only: detection/model/ (the learned model) is a folder with its own loader.
    for (const name of readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort()) {
      hash.update(name).update('\0').update(readFileSync(join(dir, name))).update('\0');
    }
    return hash.digest('hex');
  } catch {
    return undefined; // the loader reports the unreadable folder itself
  }
}

interface Stamp { digest: string; files: Record<string, unknown> }

/**
 * The parsed files (name → YAML content) when this build already checked the examples of
 * exactly these detection files; undefined otherwise.
 */
export function verifiedSnapshot(policyDir: string): Record<string, unknown> | undefined {
  if (!existsSync(STAMP)) return undefined;
  const digest = detectionDigest(policyDir);
  try {
    const stamp = JSON.parse(readFileSync(STAMP, 'utf8')) as Partial<Stamp>;
    return digest !== undefined && stamp.digest === digest && stamp.files ? stamp.files : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Records `policyDir`'s detection files as checked (the build calls this after a full load).
 * @public scripts/verify-policies.mjs imports it from dist/, which the unused-code check does not follow.
 */
export function recordVerified(policyDir: string, files: Record<string, unknown>): string {
  const digest = detectionDigest(policyDir);
  if (!digest) throw new Error(`${policyDir}/detection cannot be read`);
  const stamp: Stamp = { digest, files };
  writeFileSync(STAMP, JSON.stringify(stamp));
  return STAMP;
}
