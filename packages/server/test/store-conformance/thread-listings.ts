import { beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '@parley/protocol';
import { A, B, addInput, at, participant, readInput, threadInput, type StoreSuite } from './helpers.js';

/** Thread listings by activity, and who is in which thread. */
export function threadListings({ store, thread, send }: StoreSuite): void {
  describe('thread listings', () => {
    // Activity: th-4 at 9, th-1 at 6, th-5 and th-6 both at 4, th-3 at 3 (alice absent), th-2 at 2.
    let aliceLast: Message;
    beforeEach(async () => {
      await thread({ id: 'th-1', at: at(1) });
      await send('th-1', 'bob', 5);
      aliceLast = (await send('th-1', 'alice', 6)).message;
      await thread({ id: 'th-2', at: at(2), members: ['alice', 'carl'] });
      await thread({ id: 'th-3', at: at(3), members: ['bob', 'carl'] });
      await thread({ id: 'th-4', at: at(7) });
      const read = await send('th-4', 'bob', 8);
      await send('th-4', 'bob', 9);
      await store.markRead(readInput('th-4', 'alice', read.message.id, 1, 9));
      await thread({ id: 'th-5', at: at(4) });
      await thread({ id: 'th-6', at: at(4) });
      await store.createThread({ ...threadInput('th-b', 'alice', undefined), tenantId: B, at: at(30) });
    });

    const ids = (list: { id: string }[]) => list.map((t) => t.id);

    it('lists a user’s threads by newest activity, ties by id, with last message and unread count', async () => {
      const list = await store.listThreadsForUser(A, 'alice', { limit: 10 });
      expect(ids(list)).toEqual(['th-4', 'th-1', 'th-6', 'th-5', 'th-2']);
      expect(list[1]).toEqual({
        ...(await store.getThread(A, 'th-1')),
        lastMessage: aliceLast,
        unreadCount: 1,
      });
      expect(list[1]!.lastActivityAt).toBe(at(6));
      expect(list[0]).toMatchObject({ lastSequence: 2, unreadCount: 1, lastMessage: { sequence: 2 } });
      expect(list[4]).toMatchObject({ lastMessage: null, unreadCount: 0, lastActivityAt: at(2) });
      for (const summary of list) {
        expect(summary.unreadCount).toBe(await store.unreadCount(A, summary.id, 'alice'));
      }
    });

    it('pages strictly before (lastActivityAt, id)', async () => {
      expect(ids(await store.listThreadsForUser(A, 'alice', { limit: 2 }))).toEqual(['th-4', 'th-1']);
      const page2 = await store.listThreadsForUser(A, 'alice', {
        limit: 2,
        before: { lastActivityAt: at(6), id: 'th-1' },
      });
      expect(ids(page2)).toEqual(['th-6', 'th-5']);
      const page3 = await store.listThreadsForUser(A, 'alice', {
        limit: 2,
        before: { lastActivityAt: at(4), id: 'th-6' },
      });
      expect(ids(page3)).toEqual(['th-5', 'th-2']);
      const end = await store.listThreadsForUser(A, 'alice', {
        limit: 2,
        before: { lastActivityAt: at(2), id: 'th-2' },
      });
      expect(end).toEqual([]);
    });

    it('keeps threads with activity at or after updatedSince', async () => {
      expect(ids(await store.listThreadsForUser(A, 'alice', { limit: 10, updatedSince: at(6) }))).toEqual([
        'th-4',
        'th-1',
      ]);
      expect(ids(await store.listThreadsForUser(A, 'alice', { limit: 10, updatedSince: at(4) }))).toEqual([
        'th-4',
        'th-1',
        'th-6',
        'th-5',
      ]);
      const since = await store.listThreadsForUser(A, 'alice', {
        limit: 10,
        updatedSince: at(2),
        before: { lastActivityAt: at(4), id: 'th-5' },
      });
      expect(ids(since)).toEqual(['th-2']);
    });

    it('lists every thread of the tenant for service callers', async () => {
      const list = await store.listThreadsForTenant(A, { limit: 10 });
      expect(ids(list)).toEqual(['th-4', 'th-1', 'th-6', 'th-5', 'th-3', 'th-2']);
      expect(list[1]?.lastMessage).toEqual(aliceLast);
      expect(list[4]?.lastMessage).toBeNull();
      const page = await store.listThreadsForTenant(A, {
        limit: 2,
        before: { lastActivityAt: at(4), id: 'th-5' },
      });
      expect(ids(page)).toEqual(['th-3', 'th-2']);
      expect(ids(await store.listThreadsForTenant(A, { limit: 10, updatedSince: at(4) }))).toEqual([
        'th-4',
        'th-1',
        'th-6',
        'th-5',
      ]);
      expect(ids(await store.listThreadsForTenant(B, { limit: 10 }))).toEqual(['th-b']);
    });

    it('scopes listings to the tenant', async () => {
      expect(ids(await store.listThreadsForUser(B, 'alice', { limit: 10 }))).toEqual(['th-b']);
      expect(await store.listThreadsForUser(A, 'nobody', { limit: 10 })).toEqual([]);
      expect(await store.threadIdsForUser(B, 'carl')).toEqual([]);
    });

    it('moves a thread up on new activity', async () => {
      await send('th-2', 'carl', 40);
      expect(ids(await store.listThreadsForUser(A, 'alice', { limit: 2 }))).toEqual(['th-2', 'th-4']);
      expect((await store.getThread(A, 'th-2'))?.lastActivityAt).toBe(at(40));
    });
  });

  describe('membership queries', () => {
    it('answers threadIdsForUser, threadsJoinedSince and contactsOf', async () => {
      await thread({ id: 'th-1', at: at(1), members: ['alice', 'bob'] });
      await thread({ id: 'th-2', at: at(2), members: ['alice', 'carl', 'bob'] });
      await thread({ id: 'th-3', at: at(3), members: ['bob', 'dave'] });
      const added = await store.addParticipants(addInput('th-3', ['alice'], 10, at(10)));
      if (!added.ok) throw new Error('expected ok');
      const joinEvent = added.events.find((e) => e.type === 'participant.added')!;
      await store.createThread({
        ...threadInput('th-b', 'alice', undefined),
        tenantId: B,
        participants: [participant('alice'), participant('zed')],
      });

      expect([...(await store.threadIdsForUser(A, 'alice'))].sort()).toEqual(['th-1', 'th-2', 'th-3']);
      expect(await store.threadIdsForUser(A, 'nobody')).toEqual([]);

      const joined = await store.threadsJoinedSince(A, 'alice', at(2));
      expect([...joined].sort((x, y) => x.threadId.localeCompare(y.threadId))).toEqual([
        { threadId: 'th-2', joinedPos: 1 },
        { threadId: 'th-3', joinedPos: joinEvent.pos },
      ]);
      expect(await store.threadsJoinedSince(A, 'alice', at(11))).toEqual([]);
      expect(await store.threadsJoinedSince(A, 'dave', at(3))).toEqual([{ threadId: 'th-3', joinedPos: 1 }]);

      expect([...(await store.contactsOf(A, 'alice'))].sort()).toEqual(['bob', 'carl', 'dave']);
      expect([...(await store.contactsOf(A, 'dave'))].sort()).toEqual(['alice', 'bob']);
      expect(await store.contactsOf(A, 'nobody')).toEqual([]);
      expect(await store.contactsOf(B, 'alice')).toEqual(['zed']);
    });
  });
}
