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
