import { expect, it } from 'vitest';
import { A, addInput, at, message, range, readInput, updateInput, type StoreSuite } from './helpers.js';

/**
 * Concurrent writes to one thread (`appendMessage` with a thread th-1 in
 * place): sequences and positions stay contiguous, and idempotency holds.
 */
export function concurrentWrites({ store, send }: StoreSuite): void {
  it('gives 200 concurrent appends from 20 senders sequences 1..200 and contiguous positions', async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        store.appendMessage({
          ...message('th-1', `sender-${i % 20}`, 1),
          id: `m-${i}`,
          clientMessageId: `c-${i}`,
        }),
      ),
    );
    const messages = results.map((r) => {
      if (!r?.created) throw new Error('expected every append to create');
      return r;
    });
    expect(messages.map((r) => r.message.sequence).sort((x, y) => x - y)).toEqual(range(1, 200));
    expect(messages.map((r) => r.events[0]!.pos).sort((x, y) => x - y)).toEqual(range(2, 201));
    expect(await store.getThread(A, 'th-1')).toMatchObject({ lastSequence: 200, lastPosition: 201 });

    const log = await store.eventsAfter(A, 'th-1', 1, 1000);
    expect(log.map((e) => e.pos)).toEqual(range(2, 201));
    expect(log).toEqual(messages.map((r) => r.events[0]).sort((x, y) => x!.pos - y!.pos));
    const listed = await store.listMessages(A, 'th-1', { limit: 500, order: 'asc', afterSequence: 0 });
    expect(listed.map((m) => m.sequence)).toEqual(range(1, 200));
    expect(new Set(listed.map((m) => m.id)).size).toBe(200);
  });

  it('creates one message for concurrent appends with the same clientMessageId', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.appendMessage({ ...message('th-1', 'alice', 1), id: `m-${i}`, clientMessageId: 'same' }),
      ),
    );
    expect(results.filter((r) => r?.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r?.message.id)).size).toBe(1);
    expect(await store.getThread(A, 'th-1')).toMatchObject({ lastSequence: 1, lastPosition: 2 });
  });

  it('keeps positions contiguous under concurrent mixed mutations', async () => {
    const first = await send('th-1', 'alice', 1);
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 60; i++)
      work.push(store.appendMessage({ ...message('th-1', 'bob', 2), id: `m-${i}` }));
    for (let i = 0; i < 5; i++) {
      work.push(
        store.updateThread(updateInput('th-1', { metadata: { i: `${i}` } }, `s-${i}`, 3)),
        store.addParticipants({
          ...addInput('th-1', [`new-${i}`], 100, at(3)),
          systemMessageId: `sa-${i}`,
        }),
      );
    }
    work.push(
      store.updateMessage({
        tenantId: A,
        threadId: 'th-1',
        messageId: first.message.id,
        content: 'edited',
        at: at(4),
      }),
    );
    work.push(store.markRead(readInput('th-1', 'bob', first.message.id, 1, 4)));
    await Promise.all(work);

    const thread1 = (await store.getThread(A, 'th-1'))!;
    // 1 created + 1 first message + 60 messages + 5 updates + 5 × 2 for additions + 1 edit + 1 receipt.
    expect(thread1.lastPosition).toBe(79);
    expect(thread1.lastSequence).toBe(66);
    expect((await store.eventsAfter(A, 'th-1', 0, 1000)).map((e) => e.pos)).toEqual(range(1, 79));
    const listed = await store.listMessages(A, 'th-1', { limit: 500, order: 'asc', afterSequence: 0 });
    expect(listed.map((m) => m.sequence)).toEqual(range(1, 66));
  });
}
