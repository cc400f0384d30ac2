/**
 * LISTEN on one dedicated connection (outside the pool, so a busy pool never delays a wake-up).
 * Notifications are hints that something changed; whoever listens still reads the truth from the
 * tables. So a notification lost while the connection was down costs only the listener's fallback
 * poll, and nothing is kept here that a reconnect needs to recover.
 */
import pg from 'pg';

export interface Listener {
  close(): Promise<void>;
}

/** Listens on `channel` until close(), reconnecting after a lost connection (every `retryMs`). */
export function listen(
  connectionString: string,
  channel: string,
  onPayload: (payload: string) => void,
  options: { retryMs?: number; applicationName?: string } = {},
): Listener {
  // The channel name is fixed text chosen in code (an identifier cannot be a bound parameter).
  if (!/^[a-z_]+$/.test(channel)) throw new Error(`bad channel name ${channel}`);
  const retryMs = options.retryMs ?? 1_000;
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async () => {
    if (closed) return;
    const c = new pg.Client({ connectionString, application_name: options.applicationName ?? 'oyster-bot-listen' });
    client = c;
    const again = () => {
      if (client !== c) return;
      client = undefined;
      c.end().catch(() => undefined);
      if (!closed) {
        retry = setTimeout(() => void connect(), retryMs);
        retry.unref();
      }
    };
    c.on('error', again);
    c.on('end', again);
    c.on('notification', (n) => {
      if (n.channel === channel && n.payload !== undefined) onPayload(n.payload);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
    } catch {
      again();
    }
  };
  void connect();

  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}
