/**
 * node:http plumbing the local fake servers share (the platform and model fakes in
 * test/fakes, the moderator-webhook receiver in test/hardening): reading a request body,
 * listening on 127.0.0.1, finding a free port for a process that needs a fixed one, and a port
 * nothing listens on.
 */
import type { IncomingMessage, Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/** The whole request body as UTF-8 text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export interface LocalListener {
  port: number;
  /** Destroys every open socket, then closes the server. */
  close(): Promise<void>;
}

/**
 * Listens on a free port of 127.0.0.1 and tracks the server's sockets: server.close() alone
 * waits for keep-alive connections (SDK clients keep them open), so close() destroys them first.
 */
export async function listenLocal(server: Server): Promise<LocalListener> {
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** A port that was free a moment ago and that nothing listens on now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Whether a TCP connect to 127.0.0.1:`port` is refused (nothing listens there). */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/**
 * A port of 127.0.0.1 where a connect is refused, for "unreachable endpoint" tests. It lies below
 * the system's ephemeral range, which every `listen(0)` (fakes, other tests' servers) draws from,
 * so no parallel test can start listening on it between this check and the test's connect, as
 * could happen to a port freePort() found. Ports that fetch refuses outright are skipped.
 */
export async function refusedPort(): Promise<number> {
  let low = 32_768;
  try {
    low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || low;
  } catch {
    // Not Linux: the usual lower bound of the ephemeral range.
  }
  const fetchBlocked = new Set([1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080]);
  for (let port = Math.min(low - 1, 30_000); port > 1024; port--) {
    if (!fetchBlocked.has(port) && (await refused(port))) return port;
  }
  throw new Error('no refused port below the ephemeral range of 127.0.0.1');
}
