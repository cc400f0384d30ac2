/**
 * One short-lived PostgreSQL connection for checks such as `oyster-bot doctor`. It is not taken
 * from the store's pool, so a check never holds a slot that message handling needs, and the
 * driver stays inside src/store/pg (the architecture test keeps each SDK in its own folder).
 */
import pg from 'pg';

export interface ProbeClient {
  query<R extends Record<string, unknown>>(sql: string): Promise<{ rows: R[] }>;
  end(): Promise<void>;
}

/** Connects within `timeoutMs`; a connection error rejects with the driver's error (its `code` intact). */
export async function connectProbe(url: string, timeoutMs: number, applicationName: string): Promise<ProbeClient> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, application_name: applicationName });
  // A dropped connection after connect is reported by the next query; without a listener it would crash the process.
  client.on('error', () => undefined);
  await client.connect();
  return {
    query: async <R extends Record<string, unknown>>(sql: string) => ({ rows: (await client.query<R>(sql)).rows }),
    end: () => client.end(),
  };
}
