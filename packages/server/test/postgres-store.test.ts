import { randomBytes } from 'node:crypto';
import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { AppendMessageInput, Store } from '../src/core/ports/store.js';
import { DependencyUnavailableError } from '../src/core/ports/unavailable.js';
import { isUnavailable, openError } from '../src/store/postgres/errors.js';
import { migratePostgres, migrations } from '../src/store/postgres/migrations.js';
import { PostgresStore, type PostgresStoreOptions } from '../src/store/postgres/postgres-store.js';
import { A, addInput, at, message, participant, range, user } from './store-conformance/helpers.js';
import { storeConformance } from './store-conformance/index.js';
import { availableServices, TEST_DATABASE_URL } from './support/services.js';

const freshName = (prefix: string) => `${prefix}_${randomBytes(6).toString('hex')}`;

// Sets up and inspects schemas from outside the stores, as another process would.
const admin = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 3 });
admin.on('error', () => undefined);
const dropSchema = (schema: string) => admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);

afterAll(async () => {
  await admin.end();
});

describe('PostgreSQL error translation', () => {
  const target = { host: 'db.example', port: 5432, user: 'parley', password: 's3cret' };
  const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

  it('recognises unreachable servers and dropped connections', () => {
    for (const err of [
      withCode('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'),
      withCode('read ECONNRESET', 'ECONNRESET'),
      withCode('terminating connection due to administrator command', '57P01'),
      withCode('the database system is starting up', '57P03'),
      withCode('sorry, too many clients already', '53300'),
      withCode('connection failure', '08006'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new AggregateError([withCode('x', 'ECONNREFUSED')], ''),
    ]) {
      expect(isUnavailable(err), err.message).toBe(true);
    }
    for (const err of [
      withCode('duplicate key value', '23505'),
      withCode('syntax error', '42601'),
      new Error('store is closed'),
    ]) {
      expect(isUnavailable(err), err.message).toBe(false);
    }
  });

  it('explains open failures without the password', () => {
    expect(openError(withCode('connect ECONNREFUSED', 'ECONNREFUSED'), target).message).toBe(
      'cannot reach PostgreSQL at db.example:5432: ECONNREFUSED',
    );
    const auth = openError(withCode('password authentication failed for user "parley"', '28P01'), target);
    expect(auth.message).toBe(
      'PostgreSQL at db.example:5432 refused user "parley": password authentication failed for user "parley"',
    );
    expect(openError(new Error('odd failure with s3cret inside'), target).message).toBe(
      'odd failure with *** inside',
    );
  });
});

describe.skipIf(!availableServices().postgres)('PostgresStore', () => {
  // Each test gets a store on a fresh schema. Creating the tables is most of that cost (DDL is
  // slow), so a few schemas are migrated ahead while tests run, and each is dropped after its test.
  const ready: Promise<string>[] = [];
  const background: Promise<unknown>[] = [];
  const migratedSchema = async () => {
    const schema = freshName('s');
    await migratePostgres({ url: TEST_DATABASE_URL, schema });
    return schema;
  };
  const takeSchema = () => {
    while (ready.length < 4) {
      const schema = migratedSchema();
      schema.catch(() => undefined); // awaited when taken, or in afterAll
      ready.push(schema);
    }
    return ready.shift()!;
  };
  afterAll(async () => {
    for (const schema of ready.splice(0)) {
      const name = await schema.catch(() => null);
      if (name) await dropSchema(name);
    }
    await Promise.all(background);
  });

  storeConformance('PostgresStore', async () => {
    const schema = await takeSchema();
    const store = await PostgresStore.open({ url: TEST_DATABASE_URL, schema });
    return {
      store,
      cleanup: async () => {
        await store.close();
        background.push(dropSchema(schema).catch(() => undefined));
      },
    };
  });

  describe('adapter', () => {
    const schemas: string[] = [];
    const stores: PostgresStore[] = [];
    const relays: Relay[] = [];

    /** A store on a fresh schema (or the given one), closed and dropped after the test. */
    const openStore = async (options: Partial<PostgresStoreOptions> = {}) => {
      const schema = options.schema ?? freshName('s');
      if (!schemas.includes(schema)) schemas.push(schema);
      const store = await PostgresStore.open({ url: TEST_DATABASE_URL, ...options, schema });
      stores.push(store);
      return store;
    };

    afterEach(async () => {
      for (const store of stores.splice(0)) await store.close();
      for (const relay of relays.splice(0)) relay.cut();
      for (const schema of schemas.splice(0)) await dropSchema(schema);
    });

    const thread1 = (store: Store) =>
      store.createThread({
        tenantId: A,
        id: 'th-1',
        topic: 'Topic',
        metadata: {},
        createdBy: 'alice',
        participants: [participant('alice'), participant('bob')],
        at: at(0),
      });

    const send = (store: Store, id: string, extra: Partial<AppendMessageInput> = {}) =>
      store.appendMessage({ ...message('th-1', 'alice', 1), id, ...extra });

    describe('migrations', () => {
      it('applies each version once when several nodes open a fresh schema together', async () => {
        const schema = freshName('s');
        await Promise.all([1, 2, 3].map(() => openStore({ schema })));
        const { rows } = await admin.query(
          `SELECT version, name FROM "${schema}".schema_migrations ORDER BY version`,
        );
        expect(rows).toEqual(migrations.map(({ version, name }) => ({ version, name })));
        expect(await migratePostgres({ url: TEST_DATABASE_URL, schema })).toEqual([]);
      });

      it('migrates ahead of nodes that open without migrating', async () => {
        const schema = freshName('s');
        schemas.push(schema);
        await expect(openStore({ schema, migrate: false })).rejects.toThrow(/lacks versions 1.*migrate/);
        expect(await migratePostgres({ url: TEST_DATABASE_URL, schema })).toEqual(
          migrations.map((m) => m.version),
        );
        const store = await openStore({ schema, migrate: false });
        expect((await thread1(store)).created).toBe(true);
      });

      it('refuses a schema written by a newer release', async () => {
        const schema = freshName('s');
        await (await openStore({ schema })).close();
        await admin.query(`INSERT INTO "${schema}".schema_migrations (version, name) VALUES (999, 'future')`);
        await expect(openStore({ schema })).rejects.toThrow(/unknown to this release: 999/);
        await expect(openStore({ schema, migrate: false })).rejects.toThrow(/unknown to this release: 999/);
        await expect(migratePostgres({ url: TEST_DATABASE_URL, schema })).rejects.toThrow(/999/);
      });

      it('refuses a schema name that would need quoting', async () => {
        await expect(PostgresStore.open({ url: TEST_DATABASE_URL, schema: 'Bad"; DROP' })).rejects.toThrow(
          /invalid PostgreSQL schema name/,
        );
      });
    });

    it('keeps sequences and positions contiguous and commit-ordered with two nodes appending to one thread', async () => {
      const one = await openStore({ poolSize: 5 });
      const two = await openStore({ schema: schemas[0]!, poolSize: 5 });
      const reader = await openStore({ schema: schemas[0]!, poolSize: 1 });
      await thread1(one);

      // 2 × 200 sends, interleaved; the first 50 of each node reuse the other node's clientMessageIds.
      const sends = range(0, 199).flatMap((i) =>
        (['a', 'b'] as const).map((node) =>
          send(node === 'a' ? one : two, `${node}-${i}`, {
            senderId: `sender-${node}`,
            clientMessageId: i < 50 ? `shared-${i}` : `${node}-c-${i}`,
          }),
        ),
      );
      // Meanwhile a reader resumes from the last position it saw: it must never meet a gap,
      // which it would if position p+1 became visible before p.
      let done = false;
      let seen = 1;
      const follow = (async () => {
        while (!done || seen < 351) {
          const events = await reader.eventsAfter(A, 'th-1', seen, 1000);
          expect(events.map((e) => e.pos)).toEqual(range(seen + 1, seen + events.length));
          seen += events.length;
        }
      })();
      const results = await Promise.all(sends);
      done = true;
      await follow;

      const created = results.filter((r) => r?.created);
      expect(created).toHaveLength(350);
      expect(created.map((r) => r!.message.sequence).sort((x, y) => x - y)).toEqual(range(1, 350));
      expect(created.map((r) => r!.events[0]!.pos).sort((x, y) => x - y)).toEqual(range(2, 351));
      for (let i = 0; i < 50; i++) {
        const [a, b] = [results[2 * i]!, results[2 * i + 1]!];
        expect([a.created, b.created].sort()).toEqual([false, true]);
        expect(a.message).toEqual(b.message);
      }

      const log = await two.eventsAfter(A, 'th-1', 0, 1000);
      expect(log.map((e) => e.pos)).toEqual(range(1, 351));
      // Sequences follow positions: a message's sequence is taken with its position.
      expect(log.slice(1).map((e) => (e.type === 'message.created' ? e.message.sequence : -1))).toEqual(
        range(1, 350),
      );
      const listed = await one.listMessages(A, 'th-1', { limit: 1000, order: 'asc', afterSequence: 0 });
      expect(listed.map((m) => m.sequence)).toEqual(range(1, 350));
      expect(new Set(listed.map((m) => m.clientMessageId)).size).toBe(350);
      expect(await one.getThread(A, 'th-1')).toMatchObject({ lastSequence: 350, lastPosition: 351 });
    });

    it('creates one thread for concurrent creations with one idempotency key on two nodes', async () => {
      const one = await openStore({ poolSize: 5 });
      const two = await openStore({ schema: schemas[0]!, poolSize: 5 });
      const results = await Promise.all(
        range(1, 10).map((i) =>
          (i % 2 ? one : two).createThread({ ...threadInputFor(`th-${i}`), idempotencyKey: 'same' }),
        ),
      );
      const created = results.filter((r) => r.created);
      expect(created).toHaveLength(1);
      for (const r of results) {
        expect(r.thread).toEqual(created[0]!.thread);
        expect(r.participants).toEqual(created[0]!.participants);
      }
      expect(await one.listThreadsForTenant(A, { limit: 20 })).toHaveLength(1);
    });

    it('reports each committed append to onCommit', async () => {
      const commits: { messages: number; ms: number }[] = [];
      const store = await openStore({ onCommit: (info) => commits.push(info) });
      await thread1(store);
      await send(store, 'm-1', { clientMessageId: 'c-1' });
      await send(store, 'm-2', { clientMessageId: 'c-1' }); // a retry: nothing committed
      await send(store, 'm-3');
      expect(commits.map((c) => c.messages)).toEqual([1, 1]);
      expect(commits.every((c) => c.ms >= 0)).toBe(true);
    });

    describe('group commit of appends', () => {
      const threads = (n: number) => range(1, n).map((i) => `th-${String(i).padStart(3, '0')}`);
      const createThreads = async (store: Store, ids: string[]) => {
        for (const id of ids) await store.createThread(threadInputFor(id));
      };

      it('commits many concurrent appends over many threads from two nodes without deadlock', async () => {
        const commits: number[] = [];
        const one = await openStore({ poolSize: 6, onCommit: (info) => commits.push(info.messages) });
        const two = await openStore({ schema: schemas[0]!, poolSize: 6 });
        const ids = threads(40);
        await createThreads(one, ids);

        // 2 nodes × 600 appends on 40 threads, issued at once: batches hold several thread locks,
        // and the two nodes' batches overlap on every thread. Reversed on one node, so that an
        // unsorted batch order would make the nodes lock in opposite orders.
        const sends = range(0, 599).flatMap((i) =>
          (['a', 'b'] as const).map((node) => {
            const threadId = (node === 'a' ? ids : [...ids].reverse())[i % ids.length]!;
            return (node === 'a' ? one : two).appendMessage({
              ...message(threadId, 'alice', 1),
              id: `${node}-${i}`,
              clientMessageId: `${node}-c-${i}`,
            });
          }),
        );
        const results = await Promise.all(sends);
        expect(results.every((r) => r?.created)).toBe(true);
        // Batched: fewer commits than appends, and onCommit counted every message once.
        expect(commits.length).toBeLessThan(600);
        expect(commits.reduce((x, y) => x + y, 0)).toBe(600);

        for (const id of ids) {
          const log = await two.eventsAfter(A, id, 0, 1000);
          expect(log.map((e) => e.pos)).toEqual(range(1, 31));
          const listed = await one.listMessages(A, id, { limit: 1000, order: 'asc', afterSequence: 0 });
          expect(listed.map((m) => m.sequence)).toEqual(range(1, 30));
        }
      });

      it('returns the first of two appends with one clientMessageId in one batch', async () => {
        const store = await openStore();
        await thread1(store);
        const [first, second, other] = await Promise.all([
          send(store, 'm-1', { clientMessageId: 'c-1' }),
          send(store, 'm-2', { clientMessageId: 'c-1' }),
          send(store, 'm-3', { clientMessageId: 'c-3' }),
        ]);
        expect(first).toMatchObject({ created: true, message: { id: 'm-1', sequence: 1 } });
        expect(second).toEqual({ created: false, message: first!.message, events: [] });
        expect(other).toMatchObject({ created: true, message: { id: 'm-3', sequence: 2 } });
      });

      it('stores hostile text exactly when it travels inlined in a batch', async () => {
        const store = await openStore();
        await thread1(store);
        const hostile = [
          "'); DELETE FROM messages; --",
          "\\'; DROP TABLE events; --",
          "back\\slash \\x41 $1 $$ $tag$ E'x'",
          '{"a":"b"}',
          'émoji 🎉 and 中文',
        ];
        const results = await Promise.all(
          hostile.map((content, i) =>
            store.appendMessage({
              ...message('th-1', 'alice', 1),
              id: `h-${i}`,
              content,
              senderDisplayName: content,
              metadata: { [content]: content },
              clientMessageId: `hc-${i}`,
            }),
          ),
        );
        expect(results.every((r) => r?.created)).toBe(true);
        const listed = await store.listMessages(A, 'th-1', { limit: 10, order: 'asc', afterSequence: 0 });
        expect(listed.map((m) => [m.content, m.senderDisplayName, m.metadata])).toEqual(
          hostile.map((c) => [c, c, { [c]: c }]),
        );
        expect((await store.eventsAfter(A, 'th-1', 1, 10)).map((e) => e.type)).toEqual(
          hostile.map(() => 'message.created'),
        );
      });

      it('lets a failing append fail alone, the others of its batch commit', async () => {
        const commits: number[] = [];
        const store = await openStore({ onCommit: (info) => commits.push(info.messages) });
        await createThreads(store, ['th-1', 'th-2', 'th-3']);
        await store.appendMessage({ ...message('th-3', 'alice', 1), id: 'm-0' });
        commits.length = 0;
        const outcomes = await Promise.allSettled([
          store.appendMessage({ ...message('th-1', 'alice', 1), id: 'm-1' }),
          store.appendMessage({ ...message('th-missing', 'alice', 1), id: 'm-2' }),
          // PostgreSQL refuses NUL in text: this append fails.
          store.appendMessage({ ...message('th-2', 'alice', 1), id: 'm-3', content: 'bad \u0000' }),
          store.appendMessage({ ...message('th-2', 'alice', 1), id: 'm-4' }),
          store.appendMessage({ ...message('th-1', 'alice', 1), id: 'm-5' }),
        ]);
        expect(outcomes.map((o) => o.status)).toEqual([
          'fulfilled',
          'fulfilled',
          'rejected',
          'fulfilled',
          'fulfilled',
        ]);
        const value = (i: number) => (outcomes[i] as PromiseFulfilledResult<unknown>).value;
        expect(value(1)).toBeNull();
        expect(value(0)).toMatchObject({ created: true, message: { sequence: 1 } });
        expect(value(4)).toMatchObject({ created: true, message: { sequence: 2 } });
        expect(value(3)).toMatchObject({ created: true, message: { sequence: 1 }, events: [{ pos: 2 }] });
        expect(commits.reduce((x, y) => x + y, 0)).toBe(3);
        expect(await store.getMessage(A, 'th-2', 'm-3')).toBeNull();
        expect((await store.eventsAfter(A, 'th-2', 0, 10)).map((e) => e.pos)).toEqual([1, 2]);

        // A statement the database refuses (a message id already taken) fails alone too.
        const again = await Promise.allSettled([
          store.appendMessage({ ...message('th-1', 'alice', 1), id: 'm-6' }),
          store.appendMessage({ ...message('th-2', 'alice', 1), id: 'm-0' }),
          store.appendMessage({ ...message('th-3', 'alice', 1), id: 'm-7' }),
        ]);
        expect(again.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect((again[1] as PromiseRejectedResult).reason).toMatchObject({ code: '23505' });
        expect(await store.getThread(A, 'th-1')).toMatchObject({ lastSequence: 3 });
        expect(await store.getThread(A, 'th-2')).toMatchObject({ lastSequence: 1 });
        expect(await store.getThread(A, 'th-3')).toMatchObject({ lastSequence: 2 });
      });

      it('rejects the whole batch, and stores none of it, when its connection is killed mid-batch', async () => {
        const name = freshName('parley_test');
        const store = await openStore({ applicationName: name });
        const schema = schemas[0]!;
        await createThreads(store, ['th-1', 'th-2', 'th-3']);

        // Another session holds th-2: the batch appends to th-1, then waits for th-2.
        const other = await admin.connect();
        try {
          await other.query('BEGIN');
          await other.query(`SELECT 1 FROM "${schema}".threads WHERE id = 'th-2' FOR UPDATE`);
          const pending = ['th-3', 'th-2', 'th-1'].map((threadId, i) =>
            store
              .appendMessage({ ...message(threadId, 'alice', 1), id: `m-${i}` })
              .catch((err: unknown) => err),
          );
          await waitUntilBlocked(name);
          await terminate(name);
          for (const outcome of await Promise.all(pending)) {
            expect(outcome).toBeInstanceOf(DependencyUnavailableError);
          }
        } finally {
          await other.query('ROLLBACK');
          other.release();
        }

        for (const id of ['th-1', 'th-2', 'th-3']) {
          expect(await store.getThread(A, id)).toMatchObject({ lastSequence: 0, lastPosition: 1 });
          expect(await store.eventsAfter(A, id, 0, 10)).toHaveLength(1);
        }
        const again = await store.appendMessage({ ...message('th-1', 'alice', 1), id: 'm-9' });
        expect(again).toMatchObject({ created: true, message: { sequence: 1 }, events: [{ pos: 2 }] });
      });
    });

    describe('unavailability', () => {
      it('refuses to open with a clear message, never showing the password', async () => {
        const refused = 'postgres://root:s3cret@127.0.0.1:1/test';
        await expect(PostgresStore.open({ url: refused })).rejects.toThrow(
          /^cannot reach PostgreSQL at 127\.0\.0\.1:1: ECONNREFUSED$/,
        );
        await expect(migratePostgres({ url: refused })).rejects.toThrow(
          /^cannot reach PostgreSQL at 127\.0\.0\.1:1: ECONNREFUSED$/,
        );

        const malformed = 'postgres://root:s3cret@127.0.0.1:port/x';
        const refusal = await openFailure({ url: malformed });
        expect(refusal.message).toMatch(/^invalid PostgreSQL URL/);
        expect(refusal.message).not.toContain('s3cret');

        const database = freshName('missing');
        const url = new URL(TEST_DATABASE_URL);
        url.pathname = `/${database}`;
        await expect(PostgresStore.open({ url: url.toString() })).rejects.toThrow(
          `PostgreSQL at ${url.hostname}:${url.port || 5432}: database "${database}" does not exist`,
        );
      });

      it('rejects every call with DependencyUnavailableError once the database is gone, and reports idle errors', async () => {
        const relay = await startRelay(new URL(TEST_DATABASE_URL));
        relays.push(relay);
        const idleErrors: unknown[] = [];
        const store = await openStore({
          url: relay.url(TEST_DATABASE_URL),
          connectTimeoutMs: 1000,
          onError: (err) => idleErrors.push(err),
        });
        await thread1(store);
        relay.cut();
        // The pooled connection died while idle: reported, not thrown.
        await vi.waitFor(() => expect(idleErrors.length).toBeGreaterThan(0));

        const calls: [string, () => Promise<unknown>][] = [
          ['ping', () => store.ping()],
          ['createTenant', () => store.createTenant({ id: A, name: 'A', createdAt: at(0) })],
          ['getTenant', () => store.getTenant(A)],
          ['insertUser', () => store.insertUser(A, user('carl', 'Carl'))],
          ['listUsers', () => store.listUsers(A, { limit: 10 })],
          ['deleteUser', () => store.deleteUser(A, 'carl')],
          ['getThread', () => store.getThread(A, 'th-1')],
          ['createThread', () => store.createThread({ ...threadInputFor('th-2') })],
          ['listThreadsForUser', () => store.listThreadsForUser(A, 'alice', { limit: 10 })],
          ['appendMessage', () => send(store, 'm-1')],
          ['addParticipants', () => store.addParticipants(addInput('th-1', ['carl'], 10))],
          ['markRead', () => store.markRead({ ...readOf('m-1') })],
          ['eventsAfter', () => store.eventsAfter(A, 'th-1', 0, 10)],
          ['threadPositions', () => store.threadPositions(A, ['th-1'])],
        ];
        for (const [name, call] of calls) {
          const started = performance.now();
          const outcome = await call().then(
            () => 'resolved',
            (err: unknown) => err,
          );
          expect(outcome, name).toBeInstanceOf(DependencyUnavailableError);
          expect((outcome as DependencyUnavailableError).dependency).toBe('store');
          // Promptly: a refused connection is not waited on (the bound is only against hanging).
          expect(performance.now() - started, name).toBeLessThan(2000);
        }
      });

      it('recovers after its idle connection is killed', async () => {
        const name = freshName('parley_test');
        const store = await openStore({ applicationName: name, poolSize: 1 });
        await thread1(store);
        await send(store, 'm-1');
        await terminate(name);
        // Either the pool already dropped the dead connection, or the read is retried on a fresh one.
        expect(await store.getThread(A, 'th-1')).toMatchObject({ lastSequence: 1 });

        await terminate(name);
        // A write is never retried blindly: it may fail, but it is never half-done.
        await send(store, 'm-2').catch((err: unknown) => {
          expect(err).toBeInstanceOf(DependencyUnavailableError);
        });
        await send(store, 'm-3');
        const listed = await store.listMessages(A, 'th-1', { limit: 10, order: 'asc', afterSequence: 0 });
        expect(listed.map((m) => m.sequence)).toEqual(range(1, listed.length));
        expect((await store.eventsAfter(A, 'th-1', 0, 10)).map((e) => e.pos)).toEqual(
          range(1, listed.length + 1),
        );
      });

      it('rolls back an append whose connection is killed mid-statement', async () => {
        const name = freshName('parley_test');
        const store = await openStore({ applicationName: name });
        const schema = schemas[0]!;
        await thread1(store);
        await send(store, 'm-1');

        // Another session holds an uncommitted message with the same clientMessageId: the store's
        // statement takes the thread's next position, then waits on the unique index.
        const other = await admin.connect();
        try {
          await other.query('BEGIN');
          await other.query(
            `INSERT INTO "${schema}".messages (id, tenant_id, thread_id, seq, type, content, sender_display_name,
               client_message_id, created_at)
             VALUES ('blocker', $1, 'th-1', 999, 'text', '', '', 'c-held', $2)`,
            [A, at(1)],
          );
          const pending = send(store, 'm-2', { clientMessageId: 'c-held' }).catch((err: unknown) => err);
          await waitUntilBlocked(name);
          await terminate(name);
          expect(await pending).toBeInstanceOf(DependencyUnavailableError);
        } finally {
          await other.query('ROLLBACK');
          other.release();
        }

        expect(await store.getThread(A, 'th-1')).toMatchObject({ lastSequence: 1, lastPosition: 2 });
        expect(await store.getMessage(A, 'th-1', 'm-2')).toBeNull();
        expect((await store.eventsAfter(A, 'th-1', 0, 10)).map((e) => e.pos)).toEqual([1, 2]);
        const again = await send(store, 'm-2', { clientMessageId: 'c-held' });
        expect(again).toMatchObject({ created: true, message: { sequence: 2 }, events: [{ pos: 3 }] });
      });

      it('rolls back a transaction whose connection is killed half-way', async () => {
        const name = freshName('parley_test');
        const store = await openStore({ applicationName: name });
        const schema = schemas[0]!;
        await thread1(store);
        const before = await store.getThread(A, 'th-1');

        // addParticipants locks the thread, takes a position, then waits to insert carl.
        const other = await admin.connect();
        try {
          await other.query('BEGIN');
          await other.query(
            `INSERT INTO "${schema}".participants (thread_id, user_id, tenant_id, display_name, role,
               share_history_time, joined_at, joined_pos)
             VALUES ('th-1', 'carl', $1, 'Held', 'member', $2, $2, 99)`,
            [A, at(1)],
          );
          const pending = store.addParticipants(addInput('th-1', ['carl'], 10)).catch((err: unknown) => err);
          await waitUntilBlocked(name);
          await terminate(name);
          expect(await pending).toBeInstanceOf(DependencyUnavailableError);
        } finally {
          await other.query('ROLLBACK');
          other.release();
        }

        expect(await store.getThread(A, 'th-1')).toEqual(before);
        expect(await store.getParticipant(A, 'th-1', 'carl')).toBeNull();
        expect(await store.eventsAfter(A, 'th-1', 0, 10)).toHaveLength(1);
        const again = await store.addParticipants(addInput('th-1', ['carl'], 10));
        expect(again).toMatchObject({ ok: true, events: [{ pos: 2 }, { pos: 3 }] });
      });
    });
  });
});

async function openFailure(options: PostgresStoreOptions): Promise<Error> {
  const outcome = await PostgresStore.open(options).then(
    async (store) => {
      await store.close();
      return new Error('unexpectedly opened');
    },
    (err: unknown) => err as Error,
  );
  expect(outcome).toBeInstanceOf(Error);
  return outcome;
}

function threadInputFor(id: string) {
  return {
    tenantId: A,
    id,
    topic: 'Topic',
    metadata: {},
    createdBy: 'alice',
    participants: [participant('alice')],
    at: at(0),
  };
}

function readOf(messageId: string) {
  return { tenantId: A, threadId: 'th-1', userId: 'bob', messageId, sequence: 1, at: at(2) };
}

/** Ends the server sessions of a store (by application name), waiting until they are gone. */
async function terminate(applicationName: string): Promise<void> {
  await admin.query(
    'SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE application_name = $1',
    [applicationName],
  );
}

/** Waits until a session of the store is blocked on a lock held by another session. */
async function waitUntilBlocked(applicationName: string): Promise<void> {
  await vi.waitFor(
    async () => {
      const { rowCount } = await admin.query(
        "SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
        [applicationName],
      );
      expect(rowCount).toBe(1);
    },
    { timeout: 5000, interval: 20 },
  );
}

interface Relay {
  url(databaseUrl: string): string;
  /** Closes the listener and every connection: the database becomes unreachable. */
  cut(): void;
}

/** A TCP relay to the test database, so a test can make it vanish without touching the server. */
async function startRelay(target: URL): Promise<Relay> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    upstream.connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url(databaseUrl) {
      const url = new URL(databaseUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    cut() {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
}
