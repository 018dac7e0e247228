import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config.js';
import { applyMigrations } from './store/sqlite/migrations.js';
import { migratePostgres } from './store/postgres/postgres-store.js';

/**
 * `npm run migrate`: brings the configured database's schema up to date and
 * exits, for deployments that run migrations as a step of their own
 * (with PARLEY_AUTO_MIGRATE=false on the nodes).
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env, { forMigrations: true });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  let applied: number[];
  if (config.databaseUrl !== undefined) {
    applied = await migratePostgres({ url: config.databaseUrl });
  } else {
    mkdirSync(config.dataDir, { recursive: true });
    const db = new Database(join(config.dataDir, 'parley.db'));
    try {
      applied = applyMigrations(db);
    } finally {
      db.close();
    }
  }
  console.log(
    applied.length === 0 ? 'The schema is up to date.' : `Applied migrations: ${applied.join(', ')}.`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
