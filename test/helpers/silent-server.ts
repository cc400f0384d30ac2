/**
 * A server that accepts connections and never answers: a hung model, or a black-holed platform
 * API. Started before the describe block's tests and closed after them; `root()` is its
 * `http://127.0.0.1:port`, known once the tests run.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

export function useSilentServer(): { root: () => string } {
  let silent: Server | undefined;
  beforeAll(async () => {
    const server = createServer(() => undefined);
    silent = server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    const server = silent;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return { root: () => `http://127.0.0.1:${(silent!.address() as AddressInfo).port}` };
}
