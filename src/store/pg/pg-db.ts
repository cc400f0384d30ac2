/**
 * The PostgreSQL connection every PostgreSQL store shares: one pool, a transaction wrapper and
 * the mapping of connection failures to the store's one error code. Every statement is
 * parameterized ($1, $2, …); the only SQL built from strings is fixed text chosen in code.
 */
import pg from 'pg';
import { BotError } from '../../errors.js';

/** BIGINT (ids, unix-ms times, counts) as a JS number: every value we store is far below 2^53. */
const types = {
  getTypeParser(oid: number, format?: string) {
    if (oid === 20) return (value: string) => Number(value);
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
  },
};

/** The few query shapes the stores use, on a pooled client or inside a transaction. */
export interface Sql {
  /** Every row. */
  rows<T>(text: string, params?: unknown[]): Promise<T[]>;
  /** The first row, or undefined. */
  one<T>(text: string, params?: unknown[]): Promise<T | undefined>;
  /** Rows changed (INSERT, UPDATE, DELETE). */
  run(text: string, params?: unknown[]): Promise<number>;
}

/** SQLSTATE classes that mean "the database cannot serve right now", not "the query is wrong". */
const UNAVAILABLE = /^(08|53|57|58)/;

function wrap(client: pg.Pool | pg.PoolClient): Sql {
  return {
    rows: async <T>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows as T[],
    one: async <T>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows[0] as T | undefined,
    run: async (text: string, params: unknown[] = []) => (await client.query(text, params)).rowCount ?? 0,
  };
}

export interface PgOptions {
  /** Pool size per process; each instance holds at most this many connections. */
  maxConnections?: number;
  applicationName?: string;
}

export class PgDb {
  readonly pool: pg.Pool;
  private closed = false;

  constructor(url: string, options: PgOptions = {}) {
    this.pool = new pg.Pool({
      connectionString: url,
      // Per instance. A person's waiting messages poll with short queries; 20 keeps those from
      // starving the transactions under load (3 instances x 20 stays under PostgreSQL's default 100).
      max: options.maxConnections ?? 20,
      application_name: options.applicationName ?? 'oyster-bot',
      types,
      // A server that stops answering must fail the message (and keep it for resume), not hang it.
      connectionTimeoutMillis: 30_000,
    });
    // An idle client losing its connection (server restart) must not crash the process;
    // the next query gets a fresh connection or fails with STORE_UNAVAILABLE.
    this.pool.on('error', () => undefined);
  }

  /** One statement outside a transaction (autocommit). */
  get sql(): Sql {
    const self = this;
    return {
      rows: (text, params) => self.guard(() => wrap(self.pool).rows(text, params)),
      one: (text, params) => self.guard(() => wrap(self.pool).one(text, params)),
      run: (text, params) => self.guard(() => wrap(self.pool).run(text, params)),
    };
  }

  /**
   * Runs `fn` in one READ COMMITTED transaction on one pooled connection: committed when it
   * resolves, rolled back when it throws. Row locks (FOR UPDATE) and advisory transaction locks
   * taken inside are released at the end, and by the server when the connection dies.
   * `readOnly`: a REPEATABLE READ, READ ONLY snapshot instead, for reads that must not mix two
   * states (the dashboard's pages).
   */
  async tx<T>(fn: (sql: Sql) => Promise<T>, options: { readOnly?: boolean } = {}): Promise<T> {
    return this.guard(async () => {
      const client = await this.pool.connect();
      let broken = false;
      try {
        await client.query(options.readOnly ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw error;
      } finally {
        client.release(broken);
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  /** Maps connection-level failures to STORE_UNAVAILABLE; query errors (bugs) pass through as they are. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const network = typeof code === 'string' && /^E[A-Z]+/.test(code);
      if (network || (typeof code === 'string' && UNAVAILABLE.test(code)) || /Connection terminated|timeout exceeded/i.test((error as Error).message)) {
        throw new BotError(`database unavailable ${typeof code === 'string' ? code : ''}`.trim(), 'STORE_UNAVAILABLE', {
          cause: error, context: { postgres: code },
        });
      }
      throw error;
    }
  }
}
