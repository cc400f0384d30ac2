/**
 * A cheap reachability probe for the model endpoint, beside the LlmClient seam rather than in
 * it: `GET {OYSTER_BASE_URL}/models` (OpenAI-compatible servers, vLLM included, list the
 * served model ids there) with a short timeout. It costs no tokens and never touches a GPU,
 * so /readyz can call it often; results are cached for a few seconds anyway, so a scraper
 * polling readiness cannot turn into load on the model server.
 */

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

/** One probe, no cache: doctor uses this directly. */
export async function probeModel(options: Pick<ModelProbeOptions, 'baseURL' | 'apiKey' | 'timeoutMs'>): Promise<ModelProbeResult> {
  const url = `${options.baseURL.replace(/\/+$/, '')}/models`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: AbortSignal.timeout(options.timeoutMs ?? 2_000) });
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError') return { ok: false, reason: 'timeout', models: [] };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { ok: false, reason: 'unreachable', models: [], detail: cause?.code ?? cause?.message ?? 'network error' };
  }
  if (res.status === 401 || res.status === 403) {
    await res.body?.cancel();
    return { ok: false, reason: 'unauthorized', status: res.status, models: [] };
  }
  if (!res.ok) {
    await res.body?.cancel();
    return { ok: false, reason: 'http_error', status: res.status, models: [] };
  }
  try {
    const body = (await res.json()) as { data?: Array<{ id?: unknown }> };
    if (!Array.isArray(body.data)) return { ok: false, reason: 'bad_response', status: res.status, models: [] };
    const models = body.data.map((m) => m.id).filter((id): id is string => typeof id === 'string');
    return { ok: true, reason: 'ok', status: res.status, models };
  } catch {
    return { ok: false, reason: 'bad_response', status: res.status, models: [] };
  }
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
