/**
 * How the load test plays Telegram delivering updates to the bot's webhook: over at most
 * `max_connections` kept-alive connections at once (the setWebhook parameter, 40 when the bot
 * does not set it; PLATFORMS.md §4.1), as Telegram does, with later updates waiting their turn.
 *
 * The load test used to POST with fetch, which opens one more connection for every request in
 * flight. When the bot's event loop was starved on a loaded machine, hundreds of connections
 * piled up unaccepted, the listen queue (511) overflowed, the kernel dropped further SYNs and the
 * client retried them 1, 3, 7 and 15 s later: crisis messages that reached the bot 15 s after
 * they were posted (`nstat TcpExtListenOverflows` rose by about 1,500 in one run). Telegram never
 * holds more than max_connections open to a webhook, so that was a cost of the harness, not of
 * the bot.
 */
import { Agent, request } from 'node:http';

export const TELEGRAM_DEFAULT_MAX_CONNECTIONS = 40;

export interface WebhookPoster {
  /** POSTs one update; resolves with the HTTP status, or undefined when no answer came. */
  post(update: unknown): Promise<number | undefined>;
  close(): void;
}

export function createWebhookPoster(options: {
  url: string;
  secret: string;
  maxConnections: number;
  timeoutMs: number;
}): WebhookPoster {
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxConnections });
  const target = new URL(options.url);
  return {
    post(update) {
      const body = Buffer.from(JSON.stringify(update));
      return new Promise((resolve) => {
        const req = request(target, {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': body.length,
            'x-telegram-bot-api-secret-token': options.secret,
          },
          timeout: options.timeoutMs,
        }, (res) => {
          res.resume();
          res.once('end', () => resolve(res.statusCode));
          res.once('error', () => resolve(undefined));
        });
        req.once('timeout', () => req.destroy(new Error('webhook POST timed out')));
        req.once('error', () => resolve(undefined));
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}
