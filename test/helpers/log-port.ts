/**
 * Ports read back from a process's log. A process given port 0 binds a free port itself and
 * names it in a JSON log line ('ops endpoint listening', 'slack listening (HTTP mode)'), so no
 * other process can take the port between a test choosing it and the process binding it, as
 * happened with ports picked in advance on a busy machine.
 */

/** The `port` of the first log line whose message is `msg`, once it is written; undefined before. */
export function portFromLog(log: string, msg: string): number | undefined {
  const needle = `"msg":${JSON.stringify(msg)}`;
  for (const line of log.split('\n')) {
    if (!line.includes(needle)) continue;
    try {
      const port = (JSON.parse(line) as { port?: unknown }).port;
      if (typeof port === 'number' && port > 0) return port;
    } catch {
      // A line cut in the middle of a write: the rest arrives with the next chunk.
    }
  }
  return undefined;
}

/** The log line naming the ops endpoint (/healthz, /readyz, /metrics) and its port. */
export const OPS_LISTENING = 'ops endpoint listening';

/**
 * A child's log as it arrives, bounded: the start (where the listening lines are) is kept
 * whole up to `headChars`, then only the last `tailChars`, so a long run at info level (a line
 * per message) does not grow the parent's memory without end.
 */
export class BoundedLog {
  private head = '';
  private tail = '';

  constructor(private readonly headChars = 64_000, private readonly tailChars = 8_000) {}

  add(chunk: Buffer | string): void {
    if (this.head.length < this.headChars) this.head += chunk.toString();
    else this.tail = (this.tail + chunk.toString()).slice(-this.tailChars);
  }

  /** The port named by the first `msg` line, once it is written. */
  port(msg: string): number | undefined {
    return portFromLog(this.head, msg);
  }

  /** The last `chars` characters of what was kept, for an error report. */
  last(chars: number): string {
    return `${this.head}${this.tail}`.slice(-chars);
  }
}
