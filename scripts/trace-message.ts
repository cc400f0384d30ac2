/**
 * Which of our files one at-risk message goes through, and how often (issue 13: "the engine
 * enters each file once per message"). Runs the real bot (createBot, SQLite in a temp dir) with
 * the in-memory test adapter and the local fake model, sends one warm-up message, then measures
 * a single at-risk message with V8's precise coverage (call counts per function): it prints, per
 * file under src/ and adapters/, the functions entered and the calls made, in the order of the
 * first function entered. Nothing of the bot is changed or patched: the inspector counts.
 *
 *   npx tsx scripts/trace-message.ts ["message text"]
 */
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { startHarness } from '../test/helpers/bot-harness.js';

interface FunctionCoverage { functionName: string; ranges: Array<{ startOffset: number; endOffset: number; count: number }> }
interface ScriptCoverage { url: string; functions: FunctionCoverage[] }

const TEXT = process.argv[2] ?? 'I have the pills in front of me and I am going to take them all tonight.';
const root = fileURLToPath(new URL('..', import.meta.url));

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });

const h = await startHarness({ env: { CRISIS_DEFAULT_COUNTRY: 'US', RISK_JUDGE: 'off' } });
// Warm-up: every module is loaded and every lazy table built before the measured message.
await h.adapter.receive({ text: 'hello, how are you today?', userId: 'warm' });
await session.post('Profiler.takePreciseCoverage'); // resets the counters

await h.adapter.receive({ text: TEXT, userId: 'u1' });
const { result } = (await session.post('Profiler.takePreciseCoverage')) as unknown as { result: ScriptCoverage[] };
await session.post('Profiler.stopPreciseCoverage');
await h.close();

const rows: Array<{ file: string; functions: number; calls: number; first: number }> = [];
for (const script of result) {
  if (!script.url.startsWith('file://')) continue;
  const file = fileURLToPath(script.url).slice(root.length);
  if (!/^(src|adapters)\//.test(file)) continue;
  // The first range of a function covers its whole body: its count is the number of calls.
  const entered = script.functions.filter((f) => f.functionName !== '' && (f.ranges[0]?.count ?? 0) > 0);
  if (entered.length === 0) continue;
  const calls = entered.reduce((sum, f) => sum + f.ranges[0]!.count, 0);
  rows.push({ file, functions: entered.length, calls, first: Math.min(...entered.map((f) => f.ranges[0]!.startOffset)) });
}
rows.sort((a, b) => b.calls - a.calls);
console.log(`one at-risk message: ${rows.length} files entered, ${rows.reduce((s, r) => s + r.calls, 0)} calls in all`);
console.log('calls  functions  file');
for (const r of rows) console.log(`${String(r.calls).padStart(5)}  ${String(r.functions).padStart(9)}  ${r.file}`);
console.log(`alerts: ${h.sink.alerts.length}; replies sent: ${h.adapter.sent.length}`);
