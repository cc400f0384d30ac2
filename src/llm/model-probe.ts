/**
 * A cheap reachability probe for the model endpoint, beside the LlmClient seam rather than in
 * it: `GET {OYSTER_BASE_URL}/models` (OpenAI-compatible servers, vLLM included, list the
 * served model ids there) with a short timeout. It costs no tokens and never touches a GPU,
 * so /readyz can call it often; results are cached for a few seconds anyway, so a scraper
 * polling readiness cannot turn into load on the model server.
 */
import OpenAI from 'openai';
import { openModelConnection } from './openai-connection.js';

export type ModelProbeReason =
  | 'ok'
  | 'unreachable'
  | 'timeout'
  | 'unauthorized'
  | 'http_error'
  | 'bad_response';

export interface ModelProbeResult {
  ok: boolean;
  reason: ModelProbeReason;
  /** HTTP status when the server answered. */
  status?: number;
  /** Model ids the endpoint serves (empty unless ok). */
  models: string[];
  /** Low-level cause for operators (e.g. ECONNREFUSED); never contains the API key. */
  detail?: string;
}

export interface ModelProbeOptions {
  baseURL: string;
  apiKey?: string | undefined;
  /** Per probe (default 2 s): readiness must answer quickly even when the model hangs. */
  timeoutMs?: number;
  /** How long a result is reused (default 5 s). */
  cacheMs?: number;
  /** Injected for tests of the cache; defaults to Date.now. */
  now?: () => number;
}

export interface ModelProbe {
  /** The cached result when fresh, else a new probe (concurrent callers share one request). */
  check(): Promise<ModelProbeResult>;
}

/**
 * One probe, no cache: doctor uses this directly. It lists the models through the same
 * client the chat uses (src/llm/openai-connection.ts), so it authenticates exactly as chat does.
 */
export async function probeModel(options: Pick<ModelProbeOptions, 'baseURL' | 'apiKey' | 'timeoutMs'>): Promise<ModelProbeResult> {
  const client = openModelConnection({ baseURL: options.baseURL, apiKey: options.apiKey, timeoutMs: options.timeoutMs ?? 2_000, maxRetries: 0 });
  let body: unknown;
  try {
    body = await client.get('/models');
  } catch (error) {
    if (error instanceof OpenAI.APIConnectionTimeoutError) return { ok: false, reason: 'timeout', models: [] };
    if (error instanceof OpenAI.APIConnectionError) {
      const cause = (error as { cause?: { code?: string; cause?: { code?: string }; message?: string } }).cause;
      return { ok: false, reason: 'unreachable', models: [], detail: cause?.code ?? cause?.cause?.code ?? 'network error' };
    }
    if (error instanceof OpenAI.APIError && error.status !== undefined) {
      const reason = error.status === 401 || error.status === 403 ? 'unauthorized' : 'http_error';
      return { ok: false, reason, status: error.status, models: [] };
    }
    return { ok: false, reason: 'bad_response', models: [] };
  }
  const data = (body as { data?: Array<{ id?: unknown }> } | null)?.data;
  if (!Array.isArray(data)) return { ok: false, reason: 'bad_response', status: 200, models: [] };
  const models = data.map((m) => m.id).filter((id): id is string => typeof id === 'string');
  return { ok: true, reason: 'ok', status: 200, models };
}

/** A probe with a short cache, for /readyz. */
export function createModelProbe(options: ModelProbeOptions): ModelProbe {
  const cacheMs = options.cacheMs ?? 5_000;
  const now = options.now ?? Date.now;
  let cached: { at: number; result: ModelProbeResult } | undefined;
  let pending: Promise<ModelProbeResult> | undefined;
  return {
    check() {
      if (cached && now() - cached.at < cacheMs) return Promise.resolve(cached.result);
      pending ??= probeModel(options)
        .then((result) => {
          cached = { at: now(), result };
          return result;
        })
        .finally(() => {
          pending = undefined;
        });
      return pending;
    },
  };
}
