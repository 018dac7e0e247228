import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { isUnavailable, openError } from '../src/store/postgres/errors.js';
import { migratePostgres, migrations } from '../src/store/postgres/migrations.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { A, range } from './store-conformance/helpers.js';
import { storeConformance } from './store-conformance/index.js';
import {
  admin,
  dropSchema,
  freshName,
  send,
  testStores,
  thread1,
  threadInputFor,
} from './support/postgres.js';
import { availableServices, TEST_DATABASE_URL } from './support/services.js';

// The group commit of appends and the behaviour while PostgreSQL is unavailable are tested in
// postgres-group-commit.test.ts and postgres-unavailability.test.ts.

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
    const { schemas, openStore, cleanup } = testStores();
    afterEach(cleanup);

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
  });
});
