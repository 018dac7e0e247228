import type pg from 'pg';
import { DependencyUnavailableError } from '../../core/ports/unavailable.js';
import { isUnavailable } from './errors.js';

/** What statements run through: the pool (reads, single-statement writes) or one transaction. */
export interface Queryable {
  rows<R>(text: string, values?: readonly unknown[]): Promise<R[]>;
}

interface Lease {
  client: pg.PoolClient;
  /** Returns the client; with an error the pool destroys it instead of reusing it. */
  release(err?: unknown): void;
}

/**
 * The pool, and the three ways the store talks through it. Every failure that
 * means the database is gone becomes `DependencyUnavailableError`, and the
 * client it happened on is destroyed, never reused.
 */
export class Database {
  private closed = false;

  constructor(private readonly pool: pg.Pool) {}

  /**
   * A read. When the connection turns out dead (typically a pooled one whose
   * server went away while it was idle), it is retried once on a fresh one:
   * a read changes nothing, so the retry is always safe.
   */
  async rows<R>(text: string, values: readonly unknown[] = []): Promise<R[]> {
    const result = await this.onLease((client) => client.query(text, values as unknown[]), true);
    return result.rows as R[];
  }

  /**
   * One statement as its own transaction (PostgreSQL commits a lone statement
   * atomically). Never retried: if the connection drops, the commit may or may
   * not have happened, which the port lets callers resolve with idempotency keys.
   */
  async write<R>(text: string, values: readonly unknown[] = []): Promise<R[]> {
    const result = await this.onLease((client) => client.query(text, values as unknown[]), false);
    return result.rows as R[];
  }

  /**
   * Several statements, without parameters, sent as one simple query: one
   * round trip, and PostgreSQL runs them as one implicit transaction (all
   * commit, or none when any fails or the connection drops). The rows of each
   * statement, in order. Never retried, like `write`.
   */
  async script<R>(text: string): Promise<R[][]> {
    const results = await this.onLease(
      (client) => client.query(text) as unknown as Promise<pg.QueryResult | pg.QueryResult[]>,
      false,
    );
    return (Array.isArray(results) ? results : [results]).map((r) => r.rows as R[]);
  }

  /**
   * Runs one call on a leased client and gives the client back; a failure
   * that means the database is gone destroys the client and becomes
   * `DependencyUnavailableError`. With `retryOnDeadConnection`, a call whose
   * connection died is tried once more on a fresh one (a failure to connect
   * at all is not retried: the database is down, and the caller hears so at once).
   */
  private async onLease<T>(
    call: (client: pg.PoolClient) => Promise<T>,
    retryOnDeadConnection: boolean,
  ): Promise<T> {
    const lease = await this.checkout();
    try {
      const value = await call(lease.client);
      lease.release();
      return value;
    } catch (err) {
      if (!isUnavailable(err)) {
        lease.release();
        throw err;
      }
      lease.release(err);
      if (retryOnDeadConnection) return this.onLease(call, false);
      throw new DependencyUnavailableError('store', err);
    }
  }

  /**
   * Runs `work` between BEGIN and COMMIT on one client. Any failure rolls back.
   * A dropped connection loses the transaction with it (the server rolls back
   * what it never committed); the client is destroyed. Only a failed BEGIN is
   * retried, once: nothing had been sent yet.
   */
  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const lease = await this.checkout();
      try {
        await lease.client.query('BEGIN');
      } catch (err) {
        lease.release(isUnavailable(err) ? err : undefined);
        if (!isUnavailable(err)) throw err;
        if (attempt >= 2) throw new DependencyUnavailableError('store', err);
        continue;
      }
      const tx: Queryable = {
        rows: async <R>(text: string, values: readonly unknown[] = []) =>
          (await lease.client.query(text, values as unknown[])).rows as R[],
      };
      try {
        const value = await work(tx);
        await lease.client.query('COMMIT');
        lease.release();
        return value;
      } catch (err) {
        if (isUnavailable(err)) {
          lease.release(err);
          throw new DependencyUnavailableError('store', err);
        }
        try {
          await lease.client.query('ROLLBACK');
          lease.release();
        } catch (rollbackError) {
          lease.release(rollbackError);
        }
        throw err;
      }
    }
  }

  async end(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async checkout(): Promise<Lease> {
    if (this.closed) throw new Error('store is closed');
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw isUnavailable(err) ? new DependencyUnavailableError('store', err) : err;
    }
    // While checked out, the pool no longer listens for the client's errors; a connection that
    // dies between two statements emits one, which would crash the process unheard. The next
    // query on that client fails too, and that failure is what the caller sees.
    let broken: unknown;
    const onError = (err: unknown) => {
      broken = err;
    };
    client.on('error', onError);
    let released = false;
    return {
      client,
      release(err?: unknown) {
        if (released) return;
        released = true;
        client.off('error', onError);
        const cause = err ?? broken;
        client.release(cause === undefined ? undefined : cause instanceof Error ? cause : true);
      },
    };
  }
}
