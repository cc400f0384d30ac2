/**
 * The webhook receiver: a plain node:http server, so the checks run before any body is
 * buffered. In order: only POST on the webhook path; the secret header compared in
 * constant time (401); a body cap (413); a JSON update with an update_id (400). Only
 * then is the update handed over, and the 200 follows once the handler has recorded it
 * durably (a message's intake row committed, a few ms): no model call sits between
 * Telegram's POST and our answer, and a crash before the commit gets no 200, so Telegram
 * delivers the update again (PLATFORMS.md §4.1).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../src/logger.js';

export interface WebhookServerOptions {
  /** Path part of the public URL; requests to other paths get 404. */
  path: string;
  host: string;
  port: number;
  secret: string;
  maxBodyBytes: number;
  /** Takes a parsed update; resolves once it is durably recorded (never with the model's answer). */
  onUpdate(update: { update_id: number }): Promise<void>;
  logger: Logger;
}

export interface WebhookServer {
  /** The port actually bound (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** Hashing both sides gives equal lengths, which timingSafeEqual needs. */
function secretMatches(given: string | string[] | undefined, expected: string): boolean {
  const value = Array.isArray(given) ? given[0] : given;
  if (value === undefined) return false;
  const a = createHash('sha256').update(value).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function answer(res: ServerResponse, status: number, body = ''): void {
  // After refusing a body we have not read, close the connection rather than drain it.
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
  if (status >= 400) headers.connection = 'close';
  res.writeHead(status, headers).end(body);
}

/** Reads the body up to `max` bytes; undefined when it is larger. */
function readCapped(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > max) {
        over = true;
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    req.once('error', reject);
  });
}

function isUpdate(value: unknown): value is { update_id: number } {
  return typeof value === 'object' && value !== null && Number.isSafeInteger((value as { update_id?: unknown }).update_id);
}

export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const log = options.logger;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== options.path) return answer(res, 404, 'not found');
    if (req.method !== 'POST') return answer(res, 405, 'method not allowed');
    if (!secretMatches(req.headers[SECRET_HEADER], options.secret)) {
      log.warn('telegram webhook: wrong or missing secret token', { remote: req.socket.remoteAddress });
      return answer(res, 401, 'secret token is wrong');
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > options.maxBodyBytes) return answer(res, 413, 'payload too large');
    const body = await readCapped(req, options.maxBodyBytes);
    if (body === undefined) return answer(res, 413, 'payload too large');
    let update: unknown;
    try {
      update = JSON.parse(body.toString('utf8'));
    } catch {
      return answer(res, 400, 'body is not JSON');
    }
    if (!isUpdate(update)) return answer(res, 400, 'body is not a Telegram update');
    await options.onUpdate(update);
    answer(res, 200);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A failure in our handler is ours, not Telegram's: acknowledge so a poison update is
      // not redelivered forever, and log it.
      log.error('telegram webhook: update handling failed', { error: error instanceof Error ? error : String(error) });
      if (!res.headersSent) answer(res, 200);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  log.info('telegram webhook listening', { host: options.host, port, path: options.path });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
