/**
 * One whole (not streamed) chat completion, posted with the lean fetch instead of through the
 * openai SDK. The SDK's request path builds header sets, request-log details it formats even
 * with logging off, an abort controller and a timer per call: about 0.2 ms of CPU per model
 * call, on every message, next to a bare platform bot's ~2.5 ms for a whole message (issue 15
 * item 10). Streamed replies still go through the SDK, whose event-stream parser they need.
 *
 * The retry rules are the SDK's, so the client behaves the same either way: 408, 409, 429 and
 * 5xx (or `x-should-retry: true`) and connection failures or timeouts are retried up to
 * `maxRetries` times, after `retry-after-ms` or `retry-after` when the server sends one, else
 * after 0.5 s doubling up to 8 s with up to 25% jitter. A caller's abort is never retried.
 */
export interface ChatRequest {
  url: string;
  /** The same Authorization header the SDK (and so /readyz and doctor) sends. */
  authorization: string;
  body: unknown;
  /** Per attempt, like the SDK's timeout. */
  timeoutMs: number;
  maxRetries: number;
  signal?: AbortSignal | undefined;
  fetch: typeof fetch;
}

/** The server answered with an error status (after any retries). */
export class ChatStatusError extends Error {
  constructor(readonly status: number, readonly body: string) {
    super(`HTTP ${status}${body ? `: ${body.slice(0, 300)}` : ''}`);
    this.name = 'ChatStatusError';
  }
}

/** No answer: the connection failed or the per-attempt timeout passed (`timedOut`), after any retries. */
export class ChatConnectionError extends Error {
  constructor(readonly timedOut: boolean, cause: unknown) {
    super(timedOut ? 'model request timed out' : 'model endpoint unreachable', { cause });
    this.name = 'ChatConnectionError';
  }
}

/** The caller's own signal fired. */
export class ChatAbortedError extends Error {
  constructor() {
    super('model request aborted');
    this.name = 'ChatAbortedError';
  }
}

const RETRIED = (status: number) => status === 408 || status === 409 || status === 429 || status >= 500;

function retryDelayMs(headers: Headers | undefined, attempt: number): number {
  const ms = parseFloat(headers?.get('retry-after-ms') ?? '');
  if (!Number.isNaN(ms)) return ms;
  const after = headers?.get('retry-after');
  if (after) {
    const seconds = parseFloat(after);
    return Number.isNaN(seconds) ? Date.parse(after) - Date.now() : seconds * 1000;
  }
  return Math.min(0.5 * 2 ** attempt, 8) * (1 - Math.random() * 0.25) * 1000;
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new ChatAbortedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Posts the completion; resolves with the parsed JSON answer (a SyntaxError if it is not JSON). */
export async function postChat(r: ChatRequest): Promise<unknown> {
  const payload = JSON.stringify(r.body);
  for (let attempt = 0; ; attempt++) {
    if (r.signal?.aborted) throw new ChatAbortedError();
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, r.timeoutMs);
    const onAbort = () => controller.abort();
    r.signal?.addEventListener('abort', onAbort, { once: true });
    let response: Response;
    try {
      response = await r.fetch(r.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization: r.authorization },
        body: payload,
        signal: controller.signal,
      });
    } catch (error) {
      if (r.signal?.aborted) throw new ChatAbortedError();
      if (attempt >= r.maxRetries) throw new ChatConnectionError(timedOut, error);
      await pause(retryDelayMs(undefined, attempt), r.signal);
      continue;
    } finally {
      clearTimeout(timer);
      r.signal?.removeEventListener('abort', onAbort);
    }
    if (response.ok) return JSON.parse(await response.text()) as unknown;
    const verdict = response.headers.get('x-should-retry');
    const retry = verdict === 'true' || (verdict !== 'false' && RETRIED(response.status));
    if (!retry || attempt >= r.maxRetries) throw new ChatStatusError(response.status, await response.text().catch(() => ''));
    await pause(retryDelayMs(response.headers, attempt), r.signal);
  }
}
