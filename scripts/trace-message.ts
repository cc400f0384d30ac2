/**
 * Which of our files one at-risk message goes through, and how often (issue 13: "the engine
 * enters each file once per message"). Runs the real bot (createBot, SQLite in a temp dir) with
 * the in-memory test adapter and the local fake model. Two warm-up messages (an ordinary one and
 * an at-risk one from another person) load every module and compile every function on the path;
 * then a single at-risk message is measured through the inspector:
 *   - calls: V8's precise coverage (call counts per function; V8 counts an async function again
 *     each time it resumes after an await, so these overstate async calls);
 *   - entries: a breakpoint at the start of every function of src/ and adapters/, counting a call
 *     as an entry into its file when the caller is in another file, or is the runtime (a promise
 *     callback, a timer). Returning to a function after an `await` is not an entry.
 * It prints, per file, the entries, the functions entered and the calls made, and the route the
 * message takes through the engine and the crisis step's files (entry by entry). Nothing of
 * the bot is changed or patched: the inspector only counts.
 *
 *   npx tsx scripts/trace-message.ts ["message text"] [--route-only]
 *
 * --route-only breaks only in the route's files (test/engine/pipeline-route.test.ts): far
 * cheaper, and the per-file table then counts entries into those files only.
 */
import { Session } from 'node:inspector';
import { fileURLToPath } from 'node:url';
import { startHarness } from '../test/helpers/bot-harness.js';

interface FunctionCoverage { functionName: string; ranges: Array<{ startOffset: number; endOffset: number; count: number }> }
interface ScriptCoverage { scriptId: string; url: string; functions: FunctionCoverage[] }
interface Location { scriptId: string; lineNumber: number; columnNumber: number }
interface CallFrame { functionName: string; url: string; location: Location; functionLocation?: Location }

/** A nameless function, shown by the first words of its code (`() => this.reply(...`). */
function nameOf(frame: CallFrame, sources: Map<string, string[]>): string {
  if (frame.functionName) return frame.functionName;
  const at = frame.functionLocation;
  const line = at ? sources.get(at.scriptId)?.[at.lineNumber] : undefined;
  return line === undefined ? '(anonymous)' : `\`${line.slice(at!.columnNumber, at!.columnNumber + 44).replace(/\s+/g, ' ')}…\``;
}

const args = process.argv.slice(2);
const ROUTE_ONLY = args.includes('--route-only');
const TEXT = args.find((a) => !a.startsWith('--')) ?? 'I have the pills in front of me and I am going to take them all tonight.';
const root = fileURLToPath(new URL('..', import.meta.url));
/** Files the route is printed for: the engine, its steps, and the owners of the crisis step's members (src/ports.ts, CrisisResponder). */
const ROUTE_FILES = new Set([
  'src/engine.ts', 'src/engine/intake.ts', 'src/engine/triage.ts', 'src/engine/reply.ts', 'src/engine/answer.ts', 'src/engine/record.ts',
  'src/engine/turns.ts', 'src/engine/failure.ts', 'src/crisis/follow-up.ts', 'src/crisis/responder.ts', 'src/crisis/hand-off.ts', 'src/crisis/reply-check.ts',
]);

const session = new Session();
session.connect();
const post = <T>(method: string, params?: object) =>
  new Promise<T>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))));
const ours = (url: string): string | undefined => {
  if (!url.startsWith('file://')) return undefined;
  const file = fileURLToPath(url).slice(root.length);
  return /^(src|adapters)\//.test(file) ? file : undefined;
};

await post('Profiler.enable');
await post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
await post('Debugger.enable');

const h = await startHarness({ env: { CRISIS_DEFAULT_COUNTRY: 'US', RISK_JUDGE: 'off' } });
await h.adapter.receive({ text: 'hello, how are you today?', userId: 'warm' });
await h.adapter.receive({ text: TEXT, userId: 'warm-risk' });
const warm = await post<{ result: ScriptCoverage[] }>('Profiler.takePreciseCoverage'); // also resets the counters

// A breakpoint at the start of every function of ours (V8 moves it to the function's first statement).
const fileOf = new Map<string, string>();
const sourceOf = new Map<string, string[]>();
for (const script of warm.result) {
  const file = ours(script.url);
  if (!file) continue;
  fileOf.set(script.scriptId, file);
  const { scriptSource } = await post<{ scriptSource: string }>('Debugger.getScriptSource', { scriptId: script.scriptId });
  sourceOf.set(script.scriptId, scriptSource.split('\n'));
  if (ROUTE_ONLY && !ROUTE_FILES.has(file)) continue;
  const lineStarts = [0];
  for (let i = 0; i < scriptSource.length; i++) if (scriptSource[i] === '\n') lineStarts.push(i + 1);
  for (const fn of script.functions) {
    const offset = fn.ranges[0]?.startOffset ?? 0;
    if (fn.functionName === '' && offset === 0) continue; // the module body itself
    let line = 0;
    while (line + 1 < lineStarts.length && lineStarts[line + 1]! <= offset) line++;
    await post('Debugger.setBreakpoint', { location: { scriptId: script.scriptId, lineNumber: line, columnNumber: offset - lineStarts[line]! } })
      .catch(() => undefined); // a function without a breakable position: counted by coverage only
  }
}

const entries = new Map<string, number>();
const route: string[] = [];
session.on('Debugger.paused', ({ params }) => {
  const frames = (params as { callFrames: CallFrame[] }).callFrames;
  const top = frames[0];
  const file = top ? fileOf.get(top.location.scriptId) : undefined;
  const caller = frames[1] ? (fileOf.get(frames[1].location.scriptId) ?? ours(frames[1].url) ?? frames[1].url) : undefined;
  if (file && caller !== file) {
    entries.set(file, (entries.get(file) ?? 0) + 1);
    if (ROUTE_FILES.has(file)) route.push(`${file} ${nameOf(top!, sourceOf)} <- ${caller === undefined ? '(runtime)' : caller || '(node)'}`);
  }
  session.post('Debugger.resume');
});

await h.adapter.receive({ text: TEXT, userId: 'u1' });
const { result } = await post<{ result: ScriptCoverage[] }>('Profiler.takePreciseCoverage');
await post('Debugger.disable');
await post('Profiler.stopPreciseCoverage');
await h.close();

const rows: Array<{ file: string; entries: number; functions: number; calls: number }> = [];
for (const script of result) {
  const file = ours(script.url);
  if (!file) continue;
  // The first range of a function covers its whole body: its count is the number of calls.
  // Nameless functions count too (a closure a factory returns); the module's own body does not.
  const entered = script.functions.filter((f) => (f.functionName !== '' || (f.ranges[0]?.startOffset ?? 0) > 0) && (f.ranges[0]?.count ?? 0) > 0);
  if (entered.length === 0) continue;
  const calls = entered.reduce((sum, f) => sum + f.ranges[0]!.count, 0);
  rows.push({ file, entries: entries.get(file) ?? 0, functions: entered.length, calls });
}
rows.sort((a, b) => b.calls - a.calls);
const sum = (k: 'entries' | 'calls') => rows.reduce((s, r) => s + r[k], 0);
console.log(`one at-risk message: ${rows.length} files entered, ${sum('entries')} entries, ${sum('calls')} calls in all`);
console.log('entries  calls  functions  file');
for (const r of rows) console.log(`${String(r.entries).padStart(7)}  ${String(r.calls).padStart(5)}  ${String(r.functions).padStart(9)}  ${r.file}`);
console.log(`\nroute through ${[...ROUTE_FILES].join(', ')} (each entry, in order):`);
for (const step of route) console.log(`  ${step}`);
console.log(`\nalerts: ${h.sink.alerts.length}; replies sent: ${h.adapter.sent.length}`);
