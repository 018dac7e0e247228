import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppendMessageInput } from '../src/core/ports/store.js';
import { applyMigrations, migrations } from '../src/store/sqlite/migrations.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { prepareStatements } from '../src/store/sqlite/statements.js';
import { storeConformance } from './store-conformance/index.js';

storeConformance('SqliteStore', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'parley-store-'));
  const store = SqliteStore.open({ file: join(dir, 'parley.db') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('SqliteStore', () => {
  const T = 'tenant-a';
  const at = (s: number) => new Date(Date.UTC(2025, 0, 1) + s * 1000).toISOString();
  let dir: string;
  let file: string;
  const open: SqliteStore[] = [];

  const openStore = (options: Omit<Parameters<typeof SqliteStore.open>[0], 'file'> = {}) => {
    const store = SqliteStore.open({ file, ...options });
    open.push(store);
    return store;
  };

  const message = (id: string, extra: Partial<AppendMessageInput> = {}): AppendMessageInput => ({
    tenantId: T,
    threadId: 'th-1',
    id,
    type: 'text',
    content: `content of ${id}`,
    senderId: 'alice',
    senderDisplayName: 'Alice',
    metadata: {},
    clientMessageId: null,
    at: at(1),
    ...extra,
  });

  const createThread = (store: SqliteStore) =>
    store.createThread({
      tenantId: T,
      id: 'th-1',
      topic: 'Topic',
      metadata: {},
      createdBy: 'alice',
      participants: [{ userId: 'alice', displayName: 'Alice', role: 'owner', shareHistoryTime: at(0) }],
      at: at(0),
    });

  /** Reads the file through a separate connection, as another process would. */
  const inspect = <T>(read: (db: Database.Database) => T): T => {
    const db = new Database(file, { readonly: true });
    try {
      return read(db);
    } finally {
      db.close();
    }
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-sqlite-'));
    file = join(dir, 'parley.db');
  });

  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('migrations', () => {
    it('applies every migration once and records it', async () => {
      await openStore().close();
      const recorded = () =>
        inspect((db) =>
          db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all(),
        );
      const first = recorded() as { version: number; name: string; applied_at: string }[];
      expect(first.map(({ version, name }) => ({ version, name }))).toEqual(
        migrations.map(({ version, name }) => ({ version, name })),
      );

      await openStore().close();
      expect(recorded()).toEqual(first);

      const db = new Database(file);
      try {
        expect(applyMigrations(db)).toEqual([]);
      } finally {
        db.close();
      }
    });

    it('has strictly increasing versions', () => {
      const versions = migrations.map((m) => m.version);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
      expect(new Set(versions).size).toBe(versions.length);
      expect(versions[0]).toBe(1);
    });

    it('applies only the missing versions to an older database', () => {
      const db = new Database(file);
      try {
        expect(applyMigrations(db, migrations.slice(0, 1))).toEqual([1]);
        const next = { version: 2, name: 'test-extra', sql: 'CREATE TABLE extra (id TEXT PRIMARY KEY)' };
        expect(applyMigrations(db, [...migrations.slice(0, 1), next])).toEqual([2]);
        expect(db.prepare('SELECT count(*) AS n FROM extra').get()).toEqual({ n: 0 });
      } finally {
        db.close();
      }
    });

    it('refuses a database written by a newer release', () => {
      const db = new Database(file);
      try {
        applyMigrations(db);
        db.prepare("INSERT INTO schema_migrations VALUES (999, 'future', '2030-01-01T00:00:00.000Z')").run();
      } finally {
        db.close();
      }
      expect(() => SqliteStore.open({ file })).toThrow(/unknown to this release: 999/);
    });

    it('opens the file in WAL mode', async () => {
      await openStore().close();
      expect(inspect((db) => db.pragma('journal_mode', { simple: true }))).toBe('wal');
    });
  });

  it('keeps data across reopening the file', async () => {
    const first = openStore();
    await createThread(first);
    const sent = await first.appendMessage(message('m-1', { clientMessageId: 'c-1' }));
    await first.close();

    const second = openStore();
    expect(await second.getThread(T, 'th-1')).toMatchObject({ lastSequence: 1, lastPosition: 2 });
    expect(await second.getMessage(T, 'th-1', 'm-1')).toEqual(sent?.message);
    expect(await second.appendMessage(message('m-retry', { clientMessageId: 'c-1' }))).toEqual({
      created: false,
      message: sent?.message,
      events: [],
    });
    const next = await second.appendMessage(message('m-2'));
    expect(next?.message.sequence).toBe(2);
    expect((await second.eventsAfter(T, 'th-1', 0, 10)).map((e) => e.pos)).toEqual([1, 2, 3]);
  });

  describe('group commit', () => {
    it('commits many concurrent appends in few transactions, resolving after the commit', async () => {
      const commits: { messages: number; ms: number }[] = [];
      const store = openStore({ onCommit: (info) => commits.push(info) });
      await createThread(store);
      commits.length = 0;

      const seenAtResolve: number[] = [];
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          store.appendMessage(message(`m-${i}`)).then((r) => {
            seenAtResolve.push(commits.length);
            return r;
          }),
        ),
      );
      expect(results.every((r) => r?.created)).toBe(true);
      expect(commits.reduce((n, c) => n + c.messages, 0)).toBe(100);
      expect(commits.length).toBeLessThan(10);
      expect(commits.every((c) => c.ms >= 0)).toBe(true);
      expect(Math.min(...seenAtResolve)).toBeGreaterThan(0);
      // Durable when resolved: another connection sees all of them.
      expect(
        inspect((db) => db.prepare("SELECT count(*) AS n FROM messages WHERE thread_id = 'th-1'").get()),
      ).toEqual({
        n: 100,
      });
    });

    it('rolls back a failing write alone, keeping positions contiguous', async () => {
      const store = openStore();
      await createThread(store);
      await store.appendMessage(message('taken'));
      const outcomes = await Promise.allSettled([
        store.appendMessage(message('a')),
        store.appendMessage(message('taken', { clientMessageId: 'new' })), // message ids are unique
        store.appendMessage(message('b')),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      const listed = await store.listMessages(T, 'th-1', { limit: 10, order: 'asc', afterSequence: 0 });
      expect(listed.map((m) => [m.id, m.sequence])).toEqual([
        ['taken', 1],
        ['a', 2],
        ['b', 3],
      ]);
      expect((await store.eventsAfter(T, 'th-1', 0, 10)).map((e) => e.pos)).toEqual([1, 2, 3, 4]);
    });

    it('commits queued writes on close', async () => {
      const store = openStore();
      await createThread(store);
      const pending = store.appendMessage(message('last'));
      await store.close();
      expect((await pending)?.created).toBe(true);
      await expect(store.appendMessage(message('after'))).rejects.toThrow();

      const reopened = openStore();
      expect((await reopened.getMessage(T, 'th-1', 'last'))?.sequence).toBe(1);
    });
  });

  it('keeps positions contiguous with two connections writing the same file', async () => {
    const one = openStore();
    const two = openStore();
    await createThread(one);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? one : two).appendMessage(message(`m-${i}`, { senderId: `s-${i}` })),
      ),
    );
    const thread = await one.getThread(T, 'th-1');
    expect(thread).toMatchObject({ lastSequence: 40, lastPosition: 41 });
    expect((await two.eventsAfter(T, 'th-1', 0, 100)).map((e) => e.pos)).toEqual(
      Array.from({ length: 41 }, (_, i) => i + 1),
    );
  });

  it('runs every statement as an index lookup, never a table scan', async () => {
    await openStore().close();
    const db = new Database(file);
    try {
      db.function('parley_lower', { deterministic: true }, (v: unknown) => v);
      const plans = new Map<string, string[]>();
      for (const [name, statement] of Object.entries(prepareStatements(db))) {
        const explain = db.prepare(`EXPLAIN QUERY PLAN ${statement.source}`);
        // Bind nulls: the plan depends on the indexes, not on the values.
        const named = [...statement.source.matchAll(/@(\w+)/g)].map((m) => [m[1], null]);
        const positional = [...statement.source.matchAll(/\?/g)].map(() => null);
        const plan = (
          named.length > 0 ? explain.all(Object.fromEntries(named)) : explain.all(...positional)
        ) as {
          detail: string;
        }[];
        plans.set(
          name,
          plan.map((row) => row.detail),
        );
      }
      // Allowed scans: a constant, counting all tenants, the already-cut page of a thread listing, and
      // the list of ids given to threadPositions (each then looked up by primary key).
      const allowed = new Set([
        'ping: SCAN CONSTANT ROW',
        'threadPositions: SCAN json_each VIRTUAL TABLE INDEX 1:',
        'countTenants: SCAN tenants USING COVERING INDEX sqlite_autoindex_tenants_1',
        'listThreadsForUser: SCAN t',
      ]);
      const scans = [...plans].flatMap(([name, details]) =>
        details.filter((d) => d.startsWith('SCAN ')).map((d) => `${name}: ${d}`),
      );
      expect(scans.filter((s) => !allowed.has(s))).toEqual([]);

      // The hot paths take the narrow index, not merely some index.
      expect(plans.get('listThreadsForUser')).toContain(
        'SEARCH p USING INDEX participants_user (tenant_id=? AND user_id=?)',
      );
      expect(plans.get('countParticipants')).toEqual(['SEARCH participants USING PRIMARY KEY (thread_id=?)']);
      expect(plans.get('unreadCount')).toContain(
        'SEARCH u USING INDEX sqlite_autoindex_messages_2 (thread_id=? AND seq>?)',
      );
      expect(plans.get('listMessagesDesc')).toEqual([
        'SEARCH messages USING INDEX sqlite_autoindex_messages_2 (thread_id=? AND seq<?)',
      ]);
      expect(plans.get('eventsAfter')).toEqual(['SEARCH events USING PRIMARY KEY (thread_id=? AND pos>?)']);
    } finally {
      db.close();
    }
  });
});
