/**
 * The HTTP transport of the model client and of Slack's WebClient: a `fetch` built on
 * node:http(s) with a keep-alive agent. Node's built-in fetch (undici) spent about 0.6-1 ms of CPU per model call
 * on web streams, header lists and abort plumbing, more than the rest of the request; on the
 * per-message path of a chat bot that was the largest single cost after the platform's own
 * HTTP (issue 15 item 10). This does only what the SDK needs: one request with method,
 * headers, body and abort signal; a JSON answer read whole (whole-response.ts); an event
 * stream (streaming replies) handed over as it arrives.
 *
 * Errors keep fetch's shapes, which the SDK maps: an aborted request rejects with a DOMException
 * named AbortError (timeout or caller abort), a connection failure with a TypeError whose
 * cause is the socket error (retried by the SDK like any connection error).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { WholeResponse } from './whole-response.js';

type FetchInput = string | URL | Request;

/**
 * Body types the openai SDK and Slack's WebClient send for chat calls: text or bytes. Anything
 * else (a multipart form for a file upload) is `null`: that request goes through Node's fetch.
 */
function bodyOf(body: RequestInit['body']): string | Buffer | undefined | null {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || Buffer.isBuffer(body)) return body;
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return null;
}

/** Request headers as a plain object with lower-case names; a plain object (Slack's) is copied as is. */
function requestHeaders(init: RequestInit['headers']): Record<string, string> {
  const headers: Record<string, string> = {};
  if (init === undefined || init === null) return headers;
  if (!(init instanceof Headers) && !Array.isArray(init)) {
    for (const [name, value] of Object.entries(init)) if (value !== undefined) headers[name.toLowerCase()] = String(value);
    return headers;
  }
  new Headers(init).forEach((value, name) => { headers[name] = value; });
  return headers;
}

function responseHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  return headers;
}

function abortError(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  return reason instanceof DOMException && reason.name === 'AbortError' ? reason : new DOMException('This operation was aborted', 'AbortError');
}

export function createLeanFetch(): typeof fetch {
  // Sockets stay open between calls (the same server answers every message).
  const agents = { 'http:': new HttpAgent({ keepAlive: true }), 'https:': new HttpsAgent({ keepAlive: true }) };
  const lean = (input: FetchInput, init: RequestInit = {}): Promise<Response> => {
    const body = bodyOf(init.body);
    if (body === null) return fetch(input, init);
    return new Promise<Response>((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : input);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        reject(new TypeError(`lean fetch: unsupported protocol ${url.protocol}`));
        return;
      }
      const signal = init.signal ?? undefined;
      if (signal?.aborted) {
        reject(abortError(signal));
        return;
      }
      const headers = requestHeaders(init.headers);
      if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      let settled = false;
      const req = send(url, { method: init.method ?? 'GET', headers, agent: agents[url.protocol] }, (res) => {
        const status = res.statusCode ?? 0;
        const meta = { status, statusText: res.statusMessage ?? '', headers: responseHeaders(res) };
        if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          // A streamed reply: hand the chunks over as they come; an abort ends the stream with an error.
          settled = true;
          resolve(new Response(Readable.toWeb(res) as ReadableStream<Uint8Array>, meta));
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          settled = true;
          // Statuses that carry no body must be built without one.
          const empty = status === 204 || status === 304 || (init.method ?? 'GET').toUpperCase() === 'HEAD';
          resolve(new WholeResponse(empty ? null : Buffer.concat(chunks), status, meta.statusText, meta.headers, url.href) as unknown as Response);
        });
        res.on('error', (error) => fail(error));
      });
      const onAbort = () => {
        req.destroy();
        fail(signal ? abortError(signal) : new DOMException('This operation was aborted', 'AbortError'));
      };
      const fail = (error: unknown) => {
        signal?.removeEventListener('abort', onAbort);
        if (settled) return;
        settled = true;
        if (signal?.aborted) reject(abortError(signal));
        else reject(error instanceof DOMException ? error : new TypeError('fetch failed', { cause: error }));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (error) => fail(error));
      req.on('close', () => signal?.removeEventListener('abort', onAbort));
      req.end(body);
    });
  };
  return lean as typeof fetch;
}
