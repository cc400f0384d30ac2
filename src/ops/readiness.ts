/**
 * The readiness checks behind GET /readyz: the database takes a write, every adapter has
 * started, and the model endpoint answers. Each check reports a reason code only.
 */
import type { ModelProbe } from '../llm/model-probe.js';
import type { CheckResult, ReadinessCheck } from './http-server.js';

export interface ReadinessDeps {
  /** store.ping(): a real write in a transaction (src/store/sqlite-store.ts). */
  database: { ping(): Promise<void> };
  /** The adapters and whether each has finished start() (Bot.adapterStatus). */
  adapters: () => Array<{ platform: string; started: boolean }>;
  model: ModelProbe;
  /**
   * Cases the journal holds in memory only (a full disk took even its reserve): lost if the
   * process dies before the store is back, so the bot is not ready while there are any.
   */
  casesInMemoryOnly?: () => number;
}

const ok: CheckResult = { ok: true, reason: 'ok' };

/** One check for the database, one per adapter, one for the model. */
export function readinessChecks(deps: ReadinessDeps): ReadinessCheck[] {
  const checks: ReadinessCheck[] = [
    {
      name: 'database',
      async run() {
        try {
          await deps.database.ping();
          return ok;
        } catch (error) {
          // The SQLite code says which fault (SQLITE_BUSY, SQLITE_FULL, SQLITE_READONLY, SQLITE_CORRUPT…).
          const e = error as { code?: string; context?: { sqlite?: unknown } };
          const sqlite = typeof e.context?.sqlite === 'string' && e.context.sqlite !== '' ? e.context.sqlite : undefined;
          return { ok: false, reason: sqlite ?? e.code ?? 'not_writable' };
        }
      },
    },
  ];
  const inMemory = deps.casesInMemoryOnly;
  if (inMemory) {
    checks.push({
      name: 'case-journal',
      async run() {
        return inMemory() === 0 ? ok : { ok: false, reason: 'cases_in_memory_only' };
      },
    });
  }
  for (const { platform } of deps.adapters()) {
    checks.push({
      name: `adapter:${platform}`,
      async run() {
        const started = deps.adapters().find((a) => a.platform === platform)?.started ?? false;
        return started ? { ok: true, reason: 'started' } : { ok: false, reason: 'not_started' };
      },
    });
  }
  checks.push({
    name: 'model',
    async run() {
      const probe = await deps.model.check();
      return { ok: probe.ok, reason: probe.status && !probe.ok ? `${probe.reason}_${probe.status}` : probe.reason };
    },
  });
  return checks;
}
