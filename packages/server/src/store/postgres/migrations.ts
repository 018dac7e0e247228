import pg from 'pg';
import { checkSchema, parseTarget } from './connection.js';
import { openError } from './errors.js';
import { migrations, type Migration } from './schema-versions.js';

export { migrations, type Migration };

/** Any constant pair keeps us clear of other applications' advisory locks; the schema makes it per schema. */
const LOCK_NAMESPACE = 'parley.schema_migrations';

/**
 * Brings the schema (created when missing) up to the latest version in one
 * transaction, under a transaction-scoped advisory lock: nodes that start
 * together queue on the lock, and each later one finds the versions already
 * applied by the first. Returns the versions applied by this call (empty when
 * up to date). Refuses a schema that has versions this code does not know:
 * it was written by a newer release.
 */
export async function applyMigrations(
  client: pg.ClientBase,
  schema: string,
  list: readonly Migration[] = migrations,
): Promise<number[]> {
  checkSchema(schema);
  const versions = checkOrder(list);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [LOCK_NAMESPACE, schema]);
    // Creating only when missing: CREATE SCHEMA IF NOT EXISTS still needs the CREATE privilege.
    const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (exists.rowCount === 0) await client.query(`CREATE SCHEMA "${schema}"`);
    await client.query(`SET LOCAL search_path TO "${schema}"`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const applied = await appliedVersions(client);
    refuseUnknown(applied, versions);
    const done: number[] = [];
    for (const migration of list) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      done.push(migration.version);
    }
    await client.query('COMMIT');
    return done;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/**
 * For a store opened without migrating: the schema must be exactly at this
 * release's latest version (migrated beforehand by `migratePostgres`).
 */
export async function checkMigrations(
  client: pg.ClientBase,
  schema: string,
  list: readonly Migration[] = migrations,
): Promise<void> {
  const versions = checkOrder(list);
  const table = await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [
    `"${checkSchema(schema)}".schema_migrations`,
  ]);
  const applied = table.rows[0]?.found ? await appliedVersions(client) : new Set<number>();
  refuseUnknown(applied, versions);
  const pending = versions.filter((v) => !applied.has(v));
  if (pending.length > 0) {
    throw new Error(
      `PostgreSQL schema "${schema}" lacks versions ${pending.join(', ')}: run the migrations first (npm run migrate)`,
    );
  }
}

/**
 * Applies the pending migrations to the database at `url` on one dedicated
 * connection and returns their versions (for a `migrate` command, before the
 * nodes start with `migrate: false`).
 */
export async function migratePostgres(options: { url: string; schema?: string }): Promise<number[]> {
  const target = parseTarget(options.url);
  const schema = checkSchema(options.schema ?? 'public');
  const client = new pg.Client({
    connectionString: options.url,
    connectionTimeoutMillis: 10_000,
    application_name: 'parley-migrate',
  });
  // A connection lost mid-way also fails the running query, which is what gets reported.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await applyMigrations(client, schema);
  } catch (err) {
    throw openError(err, target);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function appliedVersions(client: pg.ClientBase): Promise<Set<number>> {
  const rows = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
  return new Set(rows.rows.map((r) => r.version));
}

function refuseUnknown(applied: Set<number>, versions: number[]): void {
  const unknown = [...applied].filter((v) => !versions.includes(v)).sort((a, b) => a - b);
  if (unknown.length > 0) {
    throw new Error(`database has schema versions unknown to this release: ${unknown.join(', ')}`);
  }
}

function checkOrder(list: readonly Migration[]): number[] {
  const versions = list.map((m) => m.version);
  if (versions.some((v, i) => i > 0 && v <= versions[i - 1]!)) {
    throw new Error('migrations must have strictly increasing versions');
  }
  return versions;
}
