/**
 * Figures for the learned risk model, with the same definitions as ../shared/eval/score.mjs:
 * escalate recall (gold high+ predicted high+), resource recall (gold moderate+ predicted
 * moderate+), false positives (gold none predicted moderate+), look-alike false positives and
 * needless alerts on distress (gold low predicted high+). Also the rank AUC of each head, which
 * does not depend on the thresholds.
 */
import { riskRank, type RiskLevel } from '../src/messages.js';
import type { ModelScores } from '../src/risk/model/risk-model.js';

export interface Scored {
  level: RiskLevel;
  kind: string;
  predicted: RiskLevel;
  scores?: ModelScores;
}

interface Rate { k: number; n: number }
const METRICS = {
  escalate_recall: { when: (r: Scored) => riskRank(r.level) >= 3, hit: (p: number) => p >= 3 },
  resource_recall: { when: (r: Scored) => riskRank(r.level) >= 2, hit: (p: number) => p >= 2 },
  false_positive: { when: (r: Scored) => r.level === 'none', hit: (p: number) => p >= 2 },
  lookalike_fp: { when: (r: Scored) => r.level === 'none' && r.kind === 'lookalike', hit: (p: number) => p >= 2 },
  distress_escal: { when: (r: Scored) => r.level === 'low', hit: (p: number) => p >= 3 },
} as const;
export type Metric = keyof typeof METRICS;
export const METRIC_NAMES = Object.keys(METRICS) as Metric[];

export function rates(rows: Scored[]): Record<Metric, Rate> {
  const out = {} as Record<Metric, Rate>;
  for (const name of METRIC_NAMES) {
    const m = METRICS[name];
    const rate = { k: 0, n: 0 };
    for (const r of rows) {
      if (!m.when(r)) continue;
      rate.n++;
      if (m.hit(riskRank(r.predicted))) rate.k++;
    }
    out[name] = rate;
  }
  return out;
}

/** Probability that a random positive scores above a random negative (ties count half). */
export function auc(rows: Scored[], head: 'risk' | 'escalate'): number | undefined {
  const cut = head === 'risk' ? 2 : 3;
  const pairs = rows.filter((r) => r.scores).map((r) => ({ s: r.scores![head], y: riskRank(r.level) >= cut }));
  const pos = pairs.filter((p) => p.y).length;
  const neg = pairs.length - pos;
  if (!pos || !neg) return undefined;
  pairs.sort((a, b) => a.s - b.s);
  let rankSum = 0;
  for (let i = 0; i < pairs.length; ) {
    let j = i;
    while (j < pairs.length && pairs[j]!.s === pairs[i]!.s) j++;
    const avg = (i + j + 1) / 2;
    for (let t = i; t < j; t++) if (pairs[t]!.y) rankSum += avg;
    i = j;
  }
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

const cell = (r: Rate) => (r.n ? `${((100 * r.k) / r.n).toFixed(1)}% ${r.k}/${r.n}` : '-').padStart(19);

/** One table: a header line, then a line per named subset with every metric and both AUCs. */
export function table(title: string, subsets: Array<[string, Scored[]]>): string {
  const lines = [`${title.padEnd(22)}${METRIC_NAMES.map((m) => m.padStart(19)).join('')}   auc risk / escalate`];
  for (const [name, rows] of subsets) {
    const r = rates(rows);
    const a = (h: 'risk' | 'escalate') => auc(rows, h)?.toFixed(3) ?? '-';
    lines.push(`${name.padEnd(22)}${METRIC_NAMES.map((m) => cell(r[m])).join('')}   ${rows.some((x) => x.scores) ? `${a('risk')} / ${a('escalate')}` : ''}`);
  }
  return lines.join('\n');
}
