import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../src/core/ports/store.js';
import { DependencyUnavailableError } from '../src/core/ports/unavailable.js';
import { A, message, range } from './store-conformance/helpers.js';
import {
  admin,
  freshName,
  send,
  terminate,
  testStores,
  thread1,
  threadInputFor,
  waitUntilBlocked,
} from './support/postgres.js';
import { availableServices } from './support/services.js';

afterAll(async () => {
  await admin.end();
});

describe.skipIf(!availableServices().postgres)('PostgresStore', () => {
  describe('adapter', () => {
    const { schemas, openStore, cleanup } = testStores();
    afterEach(cleanup);

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
  });
});
