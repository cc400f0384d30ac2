/**
 * The Dockerfile read as its stages and instructions, for test/ops/image-steps.test.ts, which
 * carries the steps out natively (there is no container runtime on the machines this project
 * is tested on). Only what a Dockerfile says is parsed here; what each step means on the host
 * is the test's business.
 */
import { readFileSync } from 'node:fs';

export interface Instruction {
  /** Upper case: FROM, RUN, COPY, ENV, … */
  op: string;
  /** The rest of the instruction, continuation lines joined with one space. */
  args: string;
}

export interface Stage {
  /** The image it starts from (`node:20.20.2-bookworm-slim`). */
  base: string;
  /** `AS build`, if named. */
  name: string | undefined;
  steps: Instruction[];
}

/** Instructions in order: comments and blank lines dropped, `\` continuations joined. */
export function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue; // a comment inside a continued instruction
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    const whole = (pending + line).trim();
    pending = '';
    const space = whole.search(/\s/);
    out.push({ op: whole.slice(0, space).toUpperCase(), args: whole.slice(space + 1).trim() });
  }
  return out;
}

export function stages(path: string): Stage[] {
  const out: Stage[] = [];
  for (const step of instructions(readFileSync(path, 'utf8'))) {
    if (step.op === 'FROM') {
      const [base, as, name] = step.args.split(/\s+/);
      out.push({ base: base!, name: as?.toUpperCase() === 'AS' ? name : undefined, steps: [] });
      continue;
    }
    const stage = out.at(-1);
    if (!stage) throw new Error(`Dockerfile: ${step.op} before the first FROM`);
    stage.steps.push(step);
  }
  return out;
}

export interface Copy {
  /** The stage named by --from, or undefined for the build context. */
  from: string | undefined;
  sources: string[];
  dest: string;
}

/** `COPY [--from=x] [--chown=…] a b dest` */
export function copyOf(args: string): Copy {
  const words = args.split(/\s+/);
  let from: string | undefined;
  while (words[0]?.startsWith('--')) {
    const flag = words.shift()!;
    if (flag.startsWith('--from=')) from = flag.slice('--from='.length);
  }
  const dest = words.pop()!;
  return { from, sources: words, dest };
}

/** `ENV A=1 B=2` (with `\` continuations already joined) as a record. */
export function envOf(args: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of args.split(/\s+/)) {
    const eq = pair.indexOf('=');
    if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1).replace(/^"(.*)"$/, '$1');
  }
  return env;
}

/** An exec-form array (`["node", "bin/oyster-bot.mjs"]`); shell form is refused (no shell in the image's CMD). */
export function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) throw new Error(`not an exec-form array: ${args}`);
  return parsed;
}

/** The health check's command: `HEALTHCHECK [--options] CMD [...]`. */
export function healthCommand(args: string): string[] {
  const at = args.indexOf('CMD ');
  if (at < 0) throw new Error(`HEALTHCHECK without CMD: ${args}`);
  return execForm(args.slice(at + 4).trim());
}
