// `npm test`: the type check (tsc), the unused-code gate (knip) and the tests (vitest), run side
// by side instead of one after the other. vitest keeps the machine's cores about half busy (its
// tests wait on spawned processes, sockets and fakes), so tsc and knip, at a lower CPU priority,
// fit in that idle time: run in sequence they added about 40 s to the suite's 5 minutes.
//
// vitest's output goes to the terminal as it comes. tsc's and knip's are held and printed after
// it, so they never land between test lines; a failure of either is announced at once. The exit
// code is 0 only when all three passed. Arguments go to vitest (`npm test -- test/cli`).
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (pkg, path) => join(root, 'node_modules', pkg, path);

/** Runs one tool; resolves with its exit code and, when `hold`, its output. */
function run(name, args, { hold, nice }) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: hold ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    // Lower priority: the tests' deadlines matter more than when the type check finishes.
    if (nice && child.pid !== undefined) {
      try {
        setPriority(child.pid, 10);
      } catch {
        // Not allowed here (some containers): it then runs at normal priority, which is only slower.
      }
    }
    let output = '';
    if (hold) {
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
    }
    child.on('error', (error) => resolve({ name, code: 1, output: `${output}${error.message}\n` }));
    child.on('close', (code, signal) => {
      if (hold && code !== 0) process.stderr.write(`\n[npm test] ${name} failed (exit ${code ?? signal}); its output follows the tests.\n`);
      resolve({ name, code: code ?? 1, output });
    });
  });
}

const checks = [
  run('tsc', [bin('typescript', 'bin/tsc'), '--noEmit', '-p', '.'], { hold: true, nice: true }),
  run('knip', [bin('knip', 'bin/knip.js'), '--no-progress'], { hold: true, nice: true }),
];
const tests = await run('vitest', [bin('vitest', 'vitest.mjs'), 'run', ...process.argv.slice(2)], { hold: false, nice: false });
let failed = tests.code !== 0;
for (const check of await Promise.all(checks)) {
  process.stdout.write(`\n[npm test] ${check.name}: ${check.code === 0 ? 'passed' : `FAILED (exit ${check.code})`}\n`);
  if (check.output.trim() !== '') process.stdout.write(check.output.endsWith('\n') ? check.output : `${check.output}\n`);
  failed ||= check.code !== 0;
}
process.exit(failed ? 1 : 0);
