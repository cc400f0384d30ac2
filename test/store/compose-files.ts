/**
 * The parts of Compose and Docker a native run of compose.yaml needs (compose-native.test.ts):
 * a service's fields, the final stage of the Dockerfile (ENV, ENTRYPOINT, CMD), `.env` files, and
 * Compose's interpolation of ${VAR}, ${VAR:-default} and ${VAR:?error} from them.
 */

export interface ComposeService {
  image?: string;
  build?: string;
  profiles?: string[];
  env_file?: string | string[];
  environment?: Record<string, string>;
  entrypoint?: string[];
  command?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
}

export interface DockerImage {
  env: Record<string, string>;
  entrypoint: string[];
  cmd: string[];
}

/** The final stage's ENV, ENTRYPOINT and CMD (exec form only, which is what the Dockerfile uses). */
export function dockerImage(dockerfile: string): DockerImage {
  // Continuation lines joined, comments dropped, then only what follows the last FROM.
  const lines = dockerfile.replace(/\\\r?\n/g, ' ').split(/\r?\n/).filter((l) => !/^\s*#/.test(l));
  const stage = lines.slice(lines.map((l) => /^\s*FROM\s/i.test(l)).lastIndexOf(true));
  const image: DockerImage = { env: {}, entrypoint: [], cmd: [] };
  for (const line of stage) {
    const m = /^\s*(ENV|ENTRYPOINT|CMD)\s+(.*)$/i.exec(line);
    if (!m) continue;
    const [, keyword, rest] = m;
    if (keyword!.toUpperCase() === 'ENV') {
      for (const pair of rest!.trim().split(/\s+/)) {
        const eq = pair.indexOf('=');
        if (eq > 0) image.env[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
    } else {
      const parsed = JSON.parse(rest!) as string[];
      if (keyword!.toUpperCase() === 'ENTRYPOINT') image.entrypoint = parsed;
      else image.cmd = parsed;
    }
  }
  return image;
}

/** KEY=VALUE lines; blank lines and comments skipped, surrounding quotes removed. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m || /^\s*#/.test(line)) continue;
    out[m[1]!] = m[2]!.replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}

/** ${VAR}, ${VAR:-default} and ${VAR:?error} as Compose resolves them (an empty value counts as unset). */
export function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-?])([^}]*))?\}/g, (_, name: string, op: string | undefined, arg: string | undefined) => {
    const set = vars[name] !== undefined && vars[name] !== '';
    if (set) return vars[name]!;
    if (op === '?') throw new Error(`required variable ${name} is missing a value: ${arg ?? ''}`);
    return op === '-' ? (arg ?? '') : '';
  });
}
