import { beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '@parley/protocol';
import {
  A,
  B,
  addInput,
  at,
  participant,
  readInput,
  removeInput,
  updateInput,
  type StoreSuite,
} from './helpers.js';

/** Unread counts, read receipts and the event log. */
export function receiptsAndEvents({ store, expectLogged, thread, send }: StoreSuite): void {
  describe('unread counts and read receipts', () => {
    let bobs: Message[];
    beforeEach(async () => {
      await thread({ id: 'th-1', members: ['alice', 'bob', 'carl'] });
      bobs = [];
      bobs.push((await send('th-1', 'bob', 1)).message);
      bobs.push((await send('th-1', 'bob', 2, { type: 'html', content: '<i>x</i>' })).message);
      await send('th-1', 'alice', 3);
      await store.updateThread(updateInput('th-1', { topic: 'New' }, 's-1', 4, 'bob'));
      bobs.push((await send('th-1', 'bob', 5)).message);
    });

    const read = (userId: string, m: Message, s: number) =>
      store.markRead(readInput('th-1', userId, m.id, m.sequence, s));

    it('counts text and html from others above the read position, deleted excluded', async () => {
      expect(await store.unreadCount(A, 'th-1', 'alice')).toBe(3);
      expect(await store.unreadCount(A, 'th-1', 'bob')).toBe(1);
      await store.deleteMessage({ tenantId: A, threadId: 'th-1', messageId: bobs[2]!.id, at: at(6) });
      expect(await store.unreadCount(A, 'th-1', 'alice')).toBe(2);
      await read('alice', bobs[0]!, 7);
      expect(await store.unreadCount(A, 'th-1', 'alice')).toBe(1);
      expect(await store.unreadCount(B, 'th-1', 'alice')).toBe(0);
    });

    it('does not count messages older than the participant’s shared history', async () => {
      await store.addParticipants({
        ...addInput('th-1', [], 10, at(6)),
        participants: [{ ...participant('dave'), shareHistoryTime: at(2) }],
      });
      // The messages at 2, 3 and 5 are visible to dave; the one at 1 is older than his history.
      expect(await store.unreadCount(A, 'th-1', 'dave')).toBe(3);
    });

    it('moves the read position forward only, with receipt.created', async () => {
      const result = await read('alice', bobs[1]!, 10);
      const receipt = { userId: 'alice', messageId: bobs[1]!.id, sequence: 2, readAt: at(10) };
      const pos = (await store.getThread(A, 'th-1'))!.lastPosition;
      expect(result).toEqual({
        receipt,
        events: [{ type: 'receipt.created', threadId: 'th-1', pos, at: at(10), receipt }],
      });
      await expectLogged(A, result.events);
      expect(await store.getParticipant(A, 'th-1', 'alice')).toMatchObject({ lastReadSequence: 2 });
      expect(await store.unreadCount(A, 'th-1', 'alice')).toBe(1);

      expect(await read('alice', bobs[0]!, 11)).toEqual({ receipt, events: [] });
      expect(await read('alice', bobs[1]!, 12)).toEqual({ receipt, events: [] });
      expect((await store.getThread(A, 'th-1'))!.lastPosition).toBe(pos);

      const later = await read('alice', bobs[2]!, 13);
      expect(later.receipt).toEqual({
        userId: 'alice',
        messageId: bobs[2]!.id,
        sequence: 5,
        readAt: at(13),
      });
      expect(later.events).toHaveLength(1);
      expect(await store.unreadCount(A, 'th-1', 'alice')).toBe(0);
    });

    it('lists the latest receipt per participant by read time then user id', async () => {
      await read('carl', bobs[0]!, 11);
      await read('alice', bobs[1]!, 12);
      await read('bob', bobs[0]!, 11);
      await read('carl', bobs[2]!, 11);
      expect(await store.listReadReceipts(A, 'th-1', { limit: 10, skip: 0 })).toEqual([
        { userId: 'bob', messageId: bobs[0]!.id, sequence: 1, readAt: at(11) },
        { userId: 'carl', messageId: bobs[2]!.id, sequence: 5, readAt: at(11) },
        { userId: 'alice', messageId: bobs[1]!.id, sequence: 2, readAt: at(12) },
      ]);
      expect((await store.listReadReceipts(A, 'th-1', { limit: 1, skip: 1 })).map((r) => r.userId)).toEqual([
        'carl',
      ]);
      expect(await store.listReadReceipts(B, 'th-1', { limit: 10, skip: 0 })).toEqual([]);
    });

    it('drops a removed participant’s receipt', async () => {
      await read('carl', bobs[0]!, 11);
      await store.removeParticipant(removeInput('th-1', 'carl', 12));
      expect(await store.listReadReceipts(A, 'th-1', { limit: 10, skip: 0 })).toEqual([]);
    });
  });

  describe('eventsAfter', () => {
    it('returns events after a position, ascending, at most limit', async () => {
      await thread({ id: 'th-1' });
      for (let s = 1; s <= 5; s++) await send('th-1', 'alice', s);
      const all = await store.eventsAfter(A, 'th-1', 0, 100);
      expect(all.map((e) => [e.pos, e.type])).toEqual([
        [1, 'thread.created'],
        [2, 'message.created'],
        [3, 'message.created'],
        [4, 'message.created'],
        [5, 'message.created'],
        [6, 'message.created'],
      ]);
      expect(await store.eventsAfter(A, 'th-1', 2, 2)).toEqual(all.slice(2, 4));
      expect(await store.eventsAfter(A, 'th-1', 6, 10)).toEqual([]);
      expect(await store.eventsAfter(A, 'unknown', 0, 10)).toEqual([]);
      expect(await store.eventsAfter(B, 'th-1', 0, 10)).toEqual([]);
    });

    it('threadPositions gives the last position of live threads of the tenant only', async () => {
      await thread({ id: 'th-1' });
      await thread({ id: 'th-2' });
      await thread({ id: 'th-3' });
      for (let s = 1; s <= 3; s++) await send('th-1', 'alice', s);
      await store.deleteThread(A, 'th-3', at(9));
      const positions = await store.threadPositions(A, ['th-1', 'th-2', 'th-3', 'unknown']);
      expect([...positions.entries()].sort()).toEqual([
        ['th-1', 4],
        ['th-2', 1],
      ]);
      expect((await store.threadPositions(B, ['th-1', 'th-2'])).size).toBe(0);
      expect((await store.threadPositions(A, [])).size).toBe(0);
    });
  });
}
