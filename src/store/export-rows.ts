/**
 * What `/export` gives a person, built from the rows both dialects read alike (turns,
 * preferences, risk_state): one mapping, so the SQLite and PostgreSQL stores export the same.
 */
import type { UserExport } from './store.js';

export interface ExportTurnRow { role: string; text: string; created_at: number; risk_level: string | null; risk_reasons: string | null }
export interface ExportPreferenceRow { name: string; value: string }
export interface ExportRiskRow { context_key: string; level: string; updated_at: number }

export function toUserExport(userKey: string, turns: ExportTurnRow[], prefs: ExportPreferenceRow[], risk: ExportRiskRow[]): UserExport {
  return {
    userKey,
    preferences: Object.fromEntries(prefs.map((p) => [p.name, p.value])),
    messages: turns.map((t) => ({
      role: t.role,
      text: t.text,
      at: new Date(t.created_at).toISOString(),
      ...(t.risk_level ? { level: t.risk_level } : {}),
      ...(t.risk_reasons ? { reasons: JSON.parse(t.risk_reasons) as string[] } : {}),
    })),
    riskLevels: risk.map((r) => ({ context: r.context_key, level: r.level, at: new Date(r.updated_at).toISOString() })),
  };
}
