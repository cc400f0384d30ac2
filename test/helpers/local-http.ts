/**
 * node:http plumbing the local fake servers share (the platform and model fakes in
 * test/fakes, the moderator-webhook receiver in test/hardening): reading a request body,
 * listening on 127.0.0.1, and finding a free port for a process that needs a fixed one.
 */
import type { IncomingMessage, Server } from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';

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
