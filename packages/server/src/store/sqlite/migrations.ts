import type Database from 'better-sqlite3';
import { migrations, type Migration } from './schema-versions.js';

export { migrations, type Migration };

/**
 * Brings the database up to the latest version inside one immediate
 * transaction, so concurrent openers (several processes) apply each version
 * once. Returns the versions applied by this call (empty when up to date).
 * Refuses a database that has versions this code does not know: it was
 * written by a newer release.
 */
export function applyMigrations(db: Database.Database, list: readonly Migration[] = migrations): number[] {
  const versions = list.map((m) => m.version);
  if (versions.some((v, i) => i > 0 && v <= versions[i - 1]!)) {
    throw new Error('migrations must have strictly increasing versions');
  }
  const run = db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    INTEGER PRIMARY KEY,
      name       TEXT NOT NULL,
      applied_at TEXT NOT NULL
    )`);
    const applied = new Set(db.prepare<[], number>('SELECT version FROM schema_migrations').pluck().all());
    const unknown = [...applied].filter((v) => !versions.includes(v));
    if (unknown.length > 0) {
      throw new Error(`database has schema versions unknown to this release: ${unknown.join(', ')}`);
    }
    const record = db.prepare(
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
    );
    const done: number[] = [];
    for (const migration of list) {
      if (applied.has(migration.version)) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name);
      done.push(migration.version);
    }
    return done;
  });
  return run.immediate();
}
