import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { DependencyUnavailableError } from '../src/core/ports/unavailable.js';
import { migratePostgres } from '../src/store/postgres/migrations.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { A, addInput, at, range, user } from './store-conformance/helpers.js';
import {
  admin,
  freshName,
  openFailure,
  send,
  startRelay,
  terminate,
  testStores,
  thread1,
  threadInputFor,
  waitUntilBlocked,
} from './support/postgres.js';
import { availableServices, TEST_DATABASE_URL } from './support/services.js';

afterAll(async () => {
  await admin.end();
});

describe.skipIf(!availableServices().postgres)('PostgresStore', () => {
  describe('adapter', () => {
    const { schemas, relays, openStore, cleanup } = testStores();
    afterEach(cleanup);

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

function readOf(messageId: string) {
  return { tenantId: A, threadId: 'th-1', userId: 'bob', messageId, sequence: 1, at: at(2) };
}
