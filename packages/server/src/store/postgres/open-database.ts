import pg from 'pg';
import { checkSchema, parseTarget, poolConfig } from './connection.js';
import { Database } from './database.js';
import { openError } from './errors.js';
import { applyMigrations, checkMigrations } from './migrations.js';

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database (any libpq-style URL node-postgres accepts). */
  url: string;
  /** Schema holding the tables, default `public`; created when missing. Lower-case letters, digits and _. */
  schema?: string;
  /** Connections in the pool, default 10. */
  poolSize?: number;
  /** Bound on opening a connection and on waiting for a free one, in ms (default 3000). */
  connectTimeoutMs?: number;
  /** Apply pending migrations at open (default true); when false, the schema must already be current. */
  migrate?: boolean;
  /** Shown in pg_stat_activity, so operators (and tests) can tell nodes apart; default `parley`. */
  applicationName?: string;
  /** Called after each committed batch of appendMessage calls that stored messages (metrics). */
  onCommit?: (info: { messages: number; ms: number }) => void;
  /**
   * Errors of idle pooled connections (e.g. the server restarted). The pool
   * drops such a connection by itself; this only reports it. Without a
   * listener these errors would crash the process.
   */
  onError?: (err: unknown) => void;
}

/**
 * Connects, checks the server answers, and migrates (or checks) the schema.
 * Rejects with a message naming host and port (never the password) when the
 * URL is malformed, the server unreachable or the credentials refused.
 */
export async function openDatabase(
  options: PostgresStoreOptions,
): Promise<{ db: Database; poolSize: number }> {
  const target = parseTarget(options.url);
  const schema = checkSchema(options.schema ?? 'public');
  const poolSize = options.poolSize ?? 10;
  const pool = new pg.Pool(
    poolConfig({
      url: options.url,
      schema,
      poolSize,
      connectTimeoutMs: options.connectTimeoutMs ?? 3000,
      applicationName: options.applicationName ?? 'parley',
    }),
  );
  const onError = options.onError;
  pool.on('error', (err) => onError?.(err));
  try {
    const client = await pool.connect();
    const ignore = () => undefined; // a connection lost here fails the running query, which is reported
    client.on('error', ignore);
    try {
      if (options.migrate ?? true) await applyMigrations(client, schema);
      else await checkMigrations(client, schema);
      client.off('error', ignore);
      client.release();
    } catch (err) {
      client.off('error', ignore);
      client.release(true);
      throw err;
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw openError(err, target);
  }
  return { db: new Database(pool), poolSize };
}
