/**
 * `oyster-bot assess FILE.jsonl [--judge]`: risk assessment from the command line, for
 * evaluation and for moderators checking a policy change. Reads rows `{"id","text"}` or
 * `{"id","messages":[...]}` (the user's turns, oldest first; the conversation is assessed after
 * its last turn) and prints exactly one line `{"id","level","reasons"}` per valid row, in input
 * order. A bad row gets one stderr line naming its line number; the other rows are still
 * assessed and the exit code is 1. Without --judge nothing touches the network.
 */
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { BUNDLED_POLICY_DIR } from '../policy/version.js';
import { createLogger } from '../logger.js';
import type { LlmClient, RiskAssessor, RiskInput } from '../ports.js';
import { createRiskAssessor } from '../risk/assessor.js';
import type { CliCommand, CliIo } from './command.js';

const DEFAULT_POLICY_DIR = BUNDLED_POLICY_DIR;

export interface AssessDeps {
  /** Builds the judge's model client; called only with --judge. */
  makeLlm?: (env: NodeJS.ProcessEnv) => LlmClient | Promise<LlmClient>;
}

const USAGE = `oyster-bot assess FILE.jsonl [--judge] [--policies DIR] [--concurrency N]

Assesses suicide/self-harm risk for each JSONL row and prints one JSON line per row, in order:
  in:  {"id": "1", "text": "..."}   or   {"id": "2", "messages": ["earlier", "...", "latest"]}
  out: {"id": "1", "level": "none|low|moderate|high|imminent", "reasons": ["rule ids", ...]}
FILE may be - for standard input.

  --judge          also ask the model judge (OYSTER_BASE_URL, OYSTER_MODEL, OYSTER_API_KEY,
                   RISK_JUDGE_TIMEOUT_MS); without it nothing touches the network
  --policies DIR   the policies folder (default: OYSTER_POLICY_DIR, else the bundled one)
  --concurrency N  judge calls in flight (default 4)

Exit codes: 0 all rows assessed, 1 some rows were bad (see stderr), 2 usage or policy error.`;

interface Row {
  id: string | number;
  input: RiskInput;
}

/** Validates one parsed line; returns the row or a message saying what is wrong. */
export function parseRow(value: unknown, now: Date): Row | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a JSON object like {"id": "1", "text": "..."}';
  const row = value as Record<string, unknown>;
  const id = row.id;
  if (!(typeof id === 'string' && id.length > 0) && !(typeof id === 'number' && Number.isFinite(id))) {
    return '"id" must be a non-empty string or a number';
  }
  const hasText = 'text' in row;
  const hasMessages = 'messages' in row;
  if (hasText === hasMessages) return 'give exactly one of "text" (a string) or "messages" (an array of the user\'s turns)';
  if (hasText) {
    if (typeof row.text !== 'string') return '"text" must be a string';
    return { id, input: { text: row.text, recent: [], now } };
  }
  if (!Array.isArray(row.messages) || row.messages.length === 0) return '"messages" must be a non-empty array';
  const turns: string[] = [];
  for (const [i, m] of row.messages.entries()) {
    if (typeof m === 'string') turns.push(m);
    else if (typeof m === 'object' && m !== null && typeof (m as { text?: unknown }).text === 'string') turns.push((m as { text: string }).text);
    else if (typeof m === 'object' && m !== null && typeof (m as { content?: unknown }).content === 'string') turns.push((m as { content: string }).content);
    else return `"messages"[${i}] must be a string or an object with a "text" string`;
  }
  // No timestamps in the file: space the turns a minute apart, the last one now.
  const at = (k: number) => new Date(now.getTime() - (turns.length - 1 - k) * 60_000);
  const recent = turns.slice(0, -1).map((text, k) => ({ role: 'user' as const, text, at: at(k) }));
  return { id, input: { text: turns[turns.length - 1]!, recent, now } };
}

function parseArgs(args: string[]): { file: string; judge: boolean; policies?: string; concurrency: number } | string {
  let file: string | undefined;
  let judge = false;
  let policies: string | undefined;
  let concurrency = 4;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--judge') judge = true;
    else if (a === '--policies') policies = args[++i];
    else if (a === '--concurrency') concurrency = Number(args[++i]);
    else if (a.startsWith('--')) return `unknown option ${a}`;
    else if (file === undefined) file = a;
    else return `unexpected argument ${a}`;
  }
  if (!file) return 'missing FILE.jsonl';
  if (policies === undefined && args.includes('--policies')) return '--policies needs a folder';
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) return '--concurrency must be a whole number from 1 to 64';
  return policies === undefined ? { file, judge, concurrency } : { file, judge, policies, concurrency };
}

async function defaultMakeLlm(env: NodeJS.ProcessEnv): Promise<LlmClient> {
  const { loadConfig, withDotEnv } = await import('../config.js');
  const { createOpenAiClient } = await import('../llm/openai-client.js');
  const config = loadConfig(withDotEnv(env));
  return createOpenAiClient({
    baseURL: config.OYSTER_BASE_URL,
    model: config.OYSTER_MODEL,
    apiKey: config.OYSTER_API_KEY,
    timeoutMs: config.RISK_JUDGE_TIMEOUT_MS,
    // The judge has its own deadline; retries would only eat into it.
    maxRetries: 0,
  });
}

/** Builds the command; tests pass a `makeLlm` that talks to a local fake model. */
export function createAssessCommand(deps: AssessDeps = {}): CliCommand {
  return {
    name: 'assess',
    usage: USAGE,
    run: (args, io) => runAssess(args, io, deps),
  };
}

async function runAssess(args: string[], io: CliIo, deps: AssessDeps): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    io.stderr.write(`assess: ${parsed}\n\n${USAGE}\n`);
    return 2;
  }
  const policyDir = resolve(parsed.policies ?? io.env.OYSTER_POLICY_DIR ?? DEFAULT_POLICY_DIR);
  const logger = createLogger({ destination: io.stderr, level: io.env.LOG_LEVEL ?? 'warn' });
  let llm: LlmClient | undefined;
  if (parsed.judge) llm = await (deps.makeLlm ?? defaultMakeLlm)(io.env);
  const timeout = Number(io.env.RISK_JUDGE_TIMEOUT_MS);
  const assessor = createRiskAssessor({
    policyDir,
    logger,
    ...(llm ? { llm } : {}),
    ...(Number.isFinite(timeout) && timeout > 0 ? { judgeTimeoutMs: timeout } : {}),
  });

  const input = parsed.file === '-' ? io.stdin : createReadStream(parsed.file, { encoding: 'utf8' });
  const opened = new Promise<void>((ok, fail) => {
    if (parsed.file === '-') ok();
    else (input as NodeJS.ReadableStream).once('open', () => ok()).once('error', fail);
  });
  try {
    await opened;
  } catch (error) {
    io.stderr.write(`assess: cannot read ${parsed.file}: ${(error as Error).message}\n`);
    return 2;
  }

  const name = parsed.file === '-' ? 'stdin' : parsed.file;
  let bad = 0;
  let lineNo = 0;
  const pending: Array<Promise<string | undefined>> = [];
  let next = 0;
  const flush = async (all: boolean) => {
    while (next < pending.length && (all || pending.length - next >= parsed.concurrency)) {
      const line = await pending[next++];
      if (line !== undefined) io.stdout.write(`${line}\n`);
    }
  };
  for await (const raw of createInterface({ input, crlfDelay: Infinity })) {
    lineNo++;
    if (!raw.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      bad++;
      io.stderr.write(`assess: ${name}:${lineNo}: not valid JSON; skipped\n`);
      continue;
    }
    const row = parseRow(value, new Date());
    if (typeof row === 'string') {
      bad++;
      io.stderr.write(`assess: ${name}:${lineNo}: ${row}; skipped\n`);
      continue;
    }
    pending.push(assessRow(assessor, row));
    await flush(false);
  }
  await flush(true);
  return bad > 0 ? 1 : 0;
}

async function assessRow(assessor: RiskAssessor, row: Row): Promise<string> {
  const screened = assessor.screen(row.input);
  const result = assessor.judge ? await assessor.judge(row.input, screened) : screened;
  return JSON.stringify({ id: row.id, level: result.level, reasons: result.reasons });
}

/** The registered command: builds the judge client from the environment only with --judge. */
export const assessCommand: CliCommand = createAssessCommand();

/** The policies folder shipped with the package, used when neither --policies nor OYSTER_POLICY_DIR is set. */
export const bundledPolicyDir = DEFAULT_POLICY_DIR;
