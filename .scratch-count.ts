// Scratch: counts SQLite statements per ordinary DM message (not committed).
import Database from 'better-sqlite3';
import { startHarness } from './test/helpers/bot-harness.js';
const counts = new Map<string, number>();
const proto = (Database as unknown as { prototype: { prepare: (sql: string) => unknown } }).prototype;
const orig = proto.prepare;
let on = false;
proto.prepare = function (this: unknown, sql: string) {
  const st = orig.call(this, sql) as Record<string, (...a: unknown[]) => unknown>;
  for (const m of ['run', 'get', 'all', 'iterate']) {
    const f = st[m]!.bind(st);
    st[m] = (...a: unknown[]) => { if (on) counts.set(`${m} ${sql.replace(/\s+/g, ' ').slice(0, 110)}`, (counts.get(`${m} ${sql.replace(/\s+/g, ' ').slice(0, 110)}`) ?? 0) + 1); return f(...a); };
  }
  return st;
};
const h = await startHarness({ reply: () => 'Noted, thanks.', env: { RATE_LIMIT_PER_MINUTE: '0', STREAMING: 'off', RISK_JUDGE: 'off' } });
for (let i = 0; i < 5; i++) await h.adapter.receive({ id: `w${i}`, text: `message ${i} of a benchmark round` });
on = true;
const N = 100;
for (let i = 0; i < N; i++) await h.adapter.receive({ id: `m${i}`, text: `message ${i} of a benchmark round` });
on = false;
let total = 0;
for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1])) { total += v; console.log((v / N).toFixed(2), k); }
console.log('total per message', total / N);
await h.close();
