import type pg from 'pg';

/** Where a store connects, as error messages name it. */
export interface Target {
  host: string;
  port: number;
  user: string;
  /** Kept only to mask it out of error messages. */
  password: string;
}

const URL_SHAPE = 'postgres://user:password@host:port/database';

/** Reads host, port and user from the URL; a malformed URL is refused without being echoed (it may hold a password). */
export function parseTarget(url: string): Target {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`invalid PostgreSQL URL: expected ${URL_SHAPE}`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new Error(`invalid PostgreSQL URL: expected ${URL_SHAPE}, got the scheme "${parsed.protocol}"`);
  }
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  return {
    // A Unix socket directory comes as ?host=/path with an empty authority.
    host: parsed.hostname || parsed.searchParams.get('host') || 'localhost',
    port: Number(parsed.port || parsed.searchParams.get('port') || 5432),
    user: decode(parsed.username) || process.env.PGUSER || process.env.USER || '',
    password: decode(parsed.password),
  };
}

/**
 * Schema names are spliced into `search_path` and DDL, so only plain
 * lower-case identifiers are accepted: they need no quoting rules to be safe.
 */
export function checkSchema(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`invalid PostgreSQL schema name "${schema}": use lower-case letters, digits and _`);
  }
  return schema;
}

export interface ConnectionOptions {
  url: string;
  schema: string;
  poolSize: number;
  connectTimeoutMs: number;
  applicationName: string;
}

export function poolConfig(o: ConnectionOptions): pg.PoolConfig {
  return {
    connectionString: o.url,
    max: o.poolSize,
    // Bounds both opening a connection and waiting for a free one, so no call hangs on a dead server.
    connectionTimeoutMillis: o.connectTimeoutMs,
    // Lets the kernel notice a peer that vanished without closing the socket.
    keepAlive: true,
    application_name: o.applicationName,
    // Set at connection start-up, so every statement finds the tables without a schema prefix
    // and no extra round trip is needed. (A pooler in transaction mode must pass start-up options.)
    options: `-c search_path=${o.schema}`,
  };
}
