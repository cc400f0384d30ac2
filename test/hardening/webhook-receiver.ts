/**
 * A moderator-webhook receiver on 127.0.0.1, written the way a team's pager or helpdesk
 * should be: it verifies the HMAC-SHA256 signature over the raw body (computed here with
 * node:crypto, independently of src/crisis/webhook-sink.ts), and dedupes on the
 * X-Oyster-Alert-Id header, so an at-least-once sender becomes exactly-once per alert.
 * It records every raw delivery too, so tests can report how many requests it took.
 *
 * Modes (switchable at any time):
 *   ok              accept (or ack a duplicate) with 200
 *   fail            answer `failStatus` (default 500) without accepting
 *   hang            hold the request open without accepting it (a stalled network / receiver)
 *   accept-and-hang accept the alert (recorded, deduped), then never answer (the answer is lost)
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenLocal, readBody } from '../helpers/local-http.js';

export type ReceiverMode = 'ok' | 'fail' | 'hang' | 'accept-and-hang';

export interface RawDelivery {
  alertId: string | undefined;
  signatureOk: boolean;
  status: number | 'hung';
  at: number;
}

export interface WebhookReceiver {
  url: string;
  mode: ReceiverMode;
  failStatus: number;
  /** Every request, in arrival order. */
  raw: RawDelivery[];
  /** Accepted alerts by id (each id at most once: the dedupe). */
  accepted: Map<string, Record<string, unknown>>;
  /** Requests currently held open (hang modes). */
  readonly hanging: number;
  close(): Promise<void>;
}

export function hmacHeader(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export async function startWebhookReceiver(secret: string, mode: ReceiverMode = 'ok'): Promise<WebhookReceiver> {
  const held = new Set<ServerResponse>();
  const state = {
    mode,
    failStatus: 500,
    raw: [] as RawDelivery[],
    accepted: new Map<string, Record<string, unknown>>(),
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const alertId = headerOf(req, 'x-oyster-alert-id');
    const given = headerOf(req, 'x-oyster-signature') ?? '';
    const expected = hmacHeader(body, secret);
    const signatureOk = given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
    const delivery: RawDelivery = { alertId, signatureOk, status: 200, at: Date.now() };
    state.raw.push(delivery);
    if (!signatureOk || alertId === undefined) {
      delivery.status = 401;
      res.writeHead(401).end();
      return;
    }
    const mode = state.mode;
    if (mode === 'fail') {
      delivery.status = state.failStatus;
      res.writeHead(state.failStatus, { 'content-type': 'text/plain' }).end('receiver down');
      return;
    }
    if (mode === 'hang') {
      delivery.status = 'hung';
      held.add(res);
      res.once('close', () => held.delete(res));
      return;
    }
    if (!state.accepted.has(alertId)) state.accepted.set(alertId, JSON.parse(body) as Record<string, unknown>);
    if (mode === 'accept-and-hang') {
      delivery.status = 'hung';
      held.add(res);
      res.once('close', () => held.delete(res));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `ticket-${alertId}` }));
  }

  const { port, close } = await listenLocal(server);

  return {
    url: `http://127.0.0.1:${port}/alerts`,
    get mode() { return state.mode; },
    set mode(m: ReceiverMode) { state.mode = m; },
    get failStatus() { return state.failStatus; },
    set failStatus(s: number) { state.failStatus = s; },
    raw: state.raw,
    accepted: state.accepted,
    get hanging() { return held.size; },
    close,
  };
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
