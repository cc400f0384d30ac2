/**
 * The operations endpoint on METRICS_PORT: liveness, readiness and Prometheus metrics.
 *
 *   GET /healthz  200 while the process runs and its event loop turns (liveness: a restart
 *                 is the only cure for a failure here).
 *   GET /readyz   200 only when every readiness check passes, else 503; the JSON body lists
 *                 each check with ok and a reason code, never message text or secrets.
 *   GET /metrics  the Prometheus text exposition.
 *
 * Binds 127.0.0.1 unless METRICS_HOST says otherwise: metrics name platforms and error codes,
 * which is operator information, not something to serve to the internet by default.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BotError } from '../errors.js';
import type { Logger } from '../logger.js';

export interface CheckResult {
  ok: boolean;
  /** A short code: "ok", "not_started", "unreachable", "STORE_UNAVAILABLE", ... */
  reason: string;
}

export interface ReadinessCheck {
  name: string;
  run(): Promise<CheckResult>;
}

export interface OpsServerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  checks: ReadinessCheck[];
  metrics: { exposition(): Promise<{ contentType: string; body: string }> };
  logger: Logger;
  /** A check that has not answered by then counts as failed with reason "timeout" (default 3 s). */
  checkTimeoutMs?: number;
}

export interface OpsServer {
  readonly port: number;
  /** Makes /readyz answer 503 "shutting_down" from now on (first step of a graceful stop). */
  draining(): void;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body);
}

const json = (res: ServerResponse, status: number, body: unknown) =>
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(body)}\n`);

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: 'timeout' }), timeoutMs);
  });
  try {
    return await Promise.race([
      check.run().catch((error: unknown) => ({ ok: false, reason: (error as { code?: string }).code ?? 'error' })),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts the server; resolves once it listens. */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const timeoutMs = options.checkTimeoutMs ?? 3_000;
  let shuttingDown = false;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'method not allowed' });
    switch (path) {
      case '/healthz':
        return json(res, 200, { status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
      case '/readyz': {
        const results = await Promise.all(options.checks.map(async (c) => ({ name: c.name, ...(await runCheck(c, timeoutMs)) })));
        if (shuttingDown) results.unshift({ name: 'process', ok: false, reason: 'shutting_down' });
        const ready = results.every((r) => r.ok);
        return json(res, ready ? 200 : 503, { ready, checks: results });
      }
      case '/metrics': {
        const { contentType, body } = await options.metrics.exposition();
        return send(res, 200, contentType, body);
      }
      default:
        return json(res, 404, { error: 'not found', paths: ['/healthz', '/readyz', '/metrics'] });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.logger.error('ops endpoint failed', { code: (error as { code?: string }).code ?? 'UNKNOWN' });
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(new BotError(
        `cannot serve metrics on ${options.host}:${options.port} (${error.code ?? error.message}): set METRICS_PORT to a free port, or METRICS_HOST to an address of this machine`,
        'CONFIG_INVALID', { cause: error },
      ));
    });
    server.listen(options.port, options.host, () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  options.logger.info('ops endpoint listening', { host: options.host, port, paths: '/healthz /readyz /metrics' });
  return {
    port,
    draining() {
      shuttingDown = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
