import { beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '@parley/protocol';
import type { Store } from '../../src/core/ports/store.js';
import { concurrentWrites } from './concurrency.js';
import { A, B, at, message, updateInput, type StoreSuite } from './helpers.js';

/** Messages: append (idempotent on clientMessageId), list in every direction, edit and delete. */
export function messages(suite: StoreSuite): void {
  const { store, expectLogged, thread, send } = suite;

  describe('appendMessage', () => {
    beforeEach(async () => {
      await thread({ id: 'th-1' });
    });

    it('stores the message with the next sequence and logs message.created', async () => {
      const result = await store.appendMessage({
        ...message('th-1', 'alice', 3),
        content: '<b>hi</b>',
        type: 'html',
        metadata: { k: 'v' },
        clientMessageId: 'c-1',
      });
      const expected: Message = {
        id: 'msg-th-1-3',
        threadId: 'th-1',
        sequence: 1,
        type: 'html',
        content: '<b>hi</b>',
        senderId: 'alice',
        senderDisplayName: 'User alice',
        metadata: { k: 'v' },
        clientMessageId: 'c-1',
        createdAt: at(3),
        editedAt: null,
        deletedAt: null,
      };
      expect(result).toEqual({
        created: true,
        message: expected,
        events: [{ type: 'message.created', threadId: 'th-1', pos: 2, at: at(3), message: expected }],
      });
      expect(result?.message.system).toBeUndefined();
      await expectLogged(A, result!.events);
      expect(await store.getMessage(A, 'th-1', expected.id)).toEqual(expected);
      expect(await store.getThread(A, 'th-1')).toMatchObject({
        lastSequence: 1,
        lastPosition: 2,
        lastActivityAt: at(3),
      });
    });

    it('numbers user and system messages with one contiguous sequence', async () => {
      await send('th-1', 'alice', 1);
      await send('th-1', null, 2);
      await store.updateThread(updateInput('th-1', { topic: 'New' }, 's-1', 3));
      const last = await send('th-1', 'bob', 4);
      expect(last.message.sequence).toBe(4);
      const all = await store.listMessages(A, 'th-1', { limit: 10, order: 'asc', afterSequence: 0 });
      expect(all.map((m) => [m.sequence, m.type, m.senderId])).toEqual([
        [1, 'text', 'alice'],
        [2, 'text', null],
        [3, 'topicUpdated', null],
        [4, 'text', 'bob'],
      ]);
      expect((await store.eventsAfter(A, 'th-1', 0, 100)).map((e) => e.pos)).toEqual([1, 2, 3, 4, 5, 6]);
    });

    it('returns the stored message for a repeated clientMessageId and appends nothing', async () => {
      const first = await send('th-1', 'alice', 1, { clientMessageId: 'c-1' });
      const again = await store.appendMessage({
        ...message('th-1', 'alice', 2),
        content: 'retry',
        clientMessageId: 'c-1',
      });
      expect(again).toEqual({ created: false, message: first.message, events: [] });
      expect(await store.getMessage(A, 'th-1', 'msg-th-1-2')).toBeNull();
      expect(await store.getThread(A, 'th-1')).toMatchObject({ lastSequence: 1, lastPosition: 2 });
      expect(await store.eventsAfter(A, 'th-1', 2, 10)).toEqual([]);

      // The key is per thread, and messages without one are never deduplicated.
      await thread({ id: 'th-2' });
      expect(
        (await store.appendMessage({ ...message('th-2', 'alice', 3), clientMessageId: 'c-1' }))?.created,
      ).toBe(true);
      expect((await store.appendMessage(message('th-1', 'alice', 4)))?.created).toBe(true);
      expect((await store.appendMessage(message('th-1', 'alice', 5)))?.created).toBe(true);
      expect((await store.getThread(A, 'th-1'))?.lastSequence).toBe(3);
    });

    it('returns null for an unknown thread or another tenant’s', async () => {
      expect(await store.appendMessage(message('unknown', 'alice', 1))).toBeNull();
      expect(await store.appendMessage({ ...message('th-1', 'alice', 1), tenantId: B })).toBeNull();
      expect(await store.getThread(A, 'th-1')).toMatchObject({ lastSequence: 0, lastPosition: 1 });
      expect(await store.getMessage(A, 'th-1', 'msg-th-1-1')).toBeNull();
    });

    it('finds a message only in its own thread and tenant', async () => {
      const m = await send('th-1', 'alice', 1);
      await thread({ id: 'th-2' });
      expect(await store.getMessage(A, 'th-1', m.message.id)).toEqual(m.message);
      expect(await store.getMessage(A, 'th-2', m.message.id)).toBeNull();
      expect(await store.getMessage(B, 'th-1', m.message.id)).toBeNull();
      expect(await store.getMessage(A, 'th-1', 'unknown')).toBeNull();
    });

    concurrentWrites(suite);
  });

  describe('listMessages', () => {
    // Ten messages, sequence n created at second n.
    beforeEach(async () => {
      await thread({ id: 'th-1' });
      for (let s = 1; s <= 10; s++) await send('th-1', s % 2 ? 'alice' : 'bob', s);
    });

    const seqs = (list: Message[]) => list.map((m) => m.sequence);
    const list = (query: Parameters<Store['listMessages']>[2]) => store.listMessages(A, 'th-1', query);

    it('pages newest first before a sequence', async () => {
      expect(seqs(await list({ limit: 3, order: 'desc' }))).toEqual([10, 9, 8]);
      expect(seqs(await list({ limit: 3, order: 'desc', beforeSequence: 8 }))).toEqual([7, 6, 5]);
      expect(seqs(await list({ limit: 3, order: 'desc', beforeSequence: 2 }))).toEqual([1]);
      expect(await list({ limit: 3, order: 'desc', beforeSequence: 1 })).toEqual([]);
      expect((await list({ limit: 1, order: 'desc' }))[0]).toEqual(
        await store.getMessage(A, 'th-1', 'msg-th-1-10'),
      );
    });

    it('pages oldest first after a sequence', async () => {
      expect(seqs(await list({ limit: 4, order: 'asc', afterSequence: 0 }))).toEqual([1, 2, 3, 4]);
      expect(seqs(await list({ limit: 4, order: 'asc', afterSequence: 8 }))).toEqual([9, 10]);
      expect(await list({ limit: 4, order: 'asc', afterSequence: 10 })).toEqual([]);
    });

    it('pages oldest first from a start time, continuing after a sequence', async () => {
      expect(seqs(await list({ limit: 3, order: 'asc', startTime: at(5) }))).toEqual([5, 6, 7]);
      expect(seqs(await list({ limit: 3, order: 'asc', startTime: at(5), afterSequence: 7 }))).toEqual([
        8, 9, 10,
      ]);
      expect(await list({ limit: 3, order: 'asc', startTime: at(11) })).toEqual([]);
    });

    it('hides messages created before minCreatedAt in every direction', async () => {
      expect(seqs(await list({ limit: 20, order: 'desc', minCreatedAt: at(4) }))).toEqual([
        10, 9, 8, 7, 6, 5, 4,
      ]);
      expect(seqs(await list({ limit: 20, order: 'desc', beforeSequence: 6, minCreatedAt: at(4) }))).toEqual([
        5, 4,
      ]);
      expect(seqs(await list({ limit: 20, order: 'asc', afterSequence: 0, minCreatedAt: at(8) }))).toEqual([
        8, 9, 10,
      ]);
      expect(seqs(await list({ limit: 20, order: 'asc', startTime: at(2), minCreatedAt: at(8) }))).toEqual([
        8, 9, 10,
      ]);
      expect(seqs(await list({ limit: 20, order: 'asc', startTime: at(9), minCreatedAt: at(4) }))).toEqual([
        9, 10,
      ]);
    });

    it('keeps deleted messages in the listing, emptied', async () => {
      await store.deleteMessage({ tenantId: A, threadId: 'th-1', messageId: 'msg-th-1-5', at: at(20) });
      const page = await list({ limit: 1, order: 'asc', afterSequence: 4 });
      expect(page).toEqual([expect.objectContaining({ sequence: 5, content: '', deletedAt: at(20) })]);
    });

    it('lists nothing for another tenant or an unknown thread', async () => {
      expect(await store.listMessages(B, 'th-1', { limit: 10, order: 'desc' })).toEqual([]);
      expect(await store.listMessages(B, 'th-1', { limit: 10, order: 'asc', afterSequence: 0 })).toEqual([]);
      expect(await store.listMessages(A, 'unknown', { limit: 10, order: 'desc' })).toEqual([]);
    });
  });

  describe('updateMessage and deleteMessage', () => {
    let original: Message;
    beforeEach(async () => {
      await thread({ id: 'th-1' });
      original = (await send('th-1', 'alice', 1, { metadata: { a: '1' } })).message;
    });

    /** A change to the original message, in its own thread and tenant. */
    const ofOriginal = <T extends { at: string }>(change: T) => ({
      tenantId: A,
      threadId: 'th-1',
      messageId: original.id,
      ...change,
    });

    it('edits content, keeps metadata, sets editedAt and logs message.updated', async () => {
      const result = await store.updateMessage(ofOriginal({ content: 'new', at: at(5) }));
      const expected = { ...original, content: 'new', editedAt: at(5) };
      expect(result).toEqual({
        message: expected,
        events: [{ type: 'message.updated', threadId: 'th-1', pos: 3, at: at(5), message: expected }],
      });
      await expectLogged(A, result!.events);
      expect(await store.getMessage(A, 'th-1', original.id)).toEqual(expected);
      expect((await store.getThread(A, 'th-1'))?.lastPosition).toBe(3);
    });

    it('replaces metadata alone', async () => {
      const result = await store.updateMessage(ofOriginal({ metadata: { b: '2' }, at: at(5) }));
      expect(result?.message).toEqual({ ...original, metadata: { b: '2' }, editedAt: at(5) });
    });

    it('clears content, sets deletedAt and logs message.deleted', async () => {
      const result = await store.deleteMessage(ofOriginal({ at: at(6) }));
      const expected = { ...original, content: '', deletedAt: at(6) };
      expect(result).toEqual({
        message: expected,
        events: [{ type: 'message.deleted', threadId: 'th-1', pos: 3, at: at(6), message: expected }],
      });
      await expectLogged(A, result!.events);
      expect(await store.getMessage(A, 'th-1', original.id)).toEqual(expected);
    });

    it('returns null for unknown messages, other threads and other tenants, changing nothing', async () => {
      await thread({ id: 'th-2' });
      const edit = { content: 'x', at: at(7) };
      expect(
        await store.updateMessage({ tenantId: A, threadId: 'th-1', messageId: 'unknown', ...edit }),
      ).toBeNull();
      expect(
        await store.updateMessage({ tenantId: A, threadId: 'th-2', messageId: original.id, ...edit }),
      ).toBeNull();
      expect(
        await store.updateMessage({ tenantId: B, threadId: 'th-1', messageId: original.id, ...edit }),
      ).toBeNull();
      expect(
        await store.deleteMessage({ tenantId: A, threadId: 'th-1', messageId: 'unknown', at: at(7) }),
      ).toBeNull();
      expect(
        await store.deleteMessage({ tenantId: A, threadId: 'th-2', messageId: original.id, at: at(7) }),
      ).toBeNull();
      expect(
        await store.deleteMessage({ tenantId: B, threadId: 'th-1', messageId: original.id, at: at(7) }),
      ).toBeNull();
      expect(await store.getMessage(A, 'th-1', original.id)).toEqual(original);
      expect((await store.getThread(A, 'th-1'))?.lastPosition).toBe(2);
    });
  });
}
