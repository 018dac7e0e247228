import { describe, expect, it } from 'vitest';
import type { Participant } from '@parley/protocol';
import type { CreateThreadInput } from '../../src/core/ports/store.js';
import {
  A,
  B,
  addInput,
  at,
  message,
  participant,
  readInput,
  removeInput,
  storedSystemMessage,
  threadInput,
  updateInput,
  type StoreSuite,
} from './helpers.js';

/** Threads: create (idempotent), update with its system message, delete with its tombstone. */
export function threads({ store, expectLogged, thread, send, lastPosition }: StoreSuite): void {
  describe('createThread', () => {
    it('creates the thread, its participants and thread.created at position 1', async () => {
      const input: CreateThreadInput = {
        tenantId: A,
        id: 'th-1',
        topic: 'Hello',
        metadata: { source: 'test' },
        createdBy: 'alice',
        participants: [participant('alice', 'owner'), participant('bob')],
        at: at(3),
      };
      const result = await store.createThread(input);
      const expectedThread = {
        id: 'th-1',
        topic: 'Hello',
        metadata: { source: 'test' },
        createdBy: 'alice',
        createdAt: at(3),
        updatedAt: at(3),
        lastActivityAt: at(3),
        lastSequence: 0,
        lastPosition: 1,
      };
      const expectedParticipants: Participant[] = [
        {
          userId: 'alice',
          displayName: 'User alice',
          role: 'owner',
          shareHistoryTime: at(0),
          joinedAt: at(3),
        },
        {
          userId: 'bob',
          displayName: 'User bob',
          role: 'member',
          shareHistoryTime: at(0),
          joinedAt: at(3),
        },
      ];
      expect(result).toEqual({
        thread: expectedThread,
        participants: expectedParticipants,
        created: true,
        events: [
          {
            type: 'thread.created',
            threadId: 'th-1',
            pos: 1,
            at: at(3),
            thread: expectedThread,
            participants: expectedParticipants,
          },
        ],
      });
      await expectLogged(A, result.events);
      expect(await store.getThread(A, 'th-1')).toEqual(expectedThread);
      expect(await store.getParticipant(A, 'th-1', 'alice')).toEqual({
        ...expectedParticipants[0],
        lastReadSequence: 0,
        joinedPos: 1,
      });
      expect(await store.countParticipants(A, 'th-1')).toBe(2);
    });

    it('creates a thread without a creator or participants', async () => {
      const result = await store.createThread({
        tenantId: A,
        id: 'th-service',
        topic: '',
        metadata: {},
        createdBy: null,
        participants: [],
        at: at(1),
      });
      expect(result.created).toBe(true);
      expect(result.thread.createdBy).toBeNull();
      expect(result.participants).toEqual([]);
      expect(await store.countParticipants(A, 'th-service')).toBe(0);
      expect(await store.eventsAfter(A, 'th-service', 0, 10)).toEqual(result.events);
    });

    it('returns the existing thread for a reused idempotency key of the same creator, writing nothing', async () => {
      const first = await store.createThread(threadInput('th-1', 'alice', 'key-1'));
      const again = await store.createThread({ ...threadInput('th-2', 'alice', 'key-1'), topic: 'Other' });
      expect(again).toEqual({
        thread: first.thread,
        participants: first.participants,
        events: [],
        created: false,
      });
      expect(await store.getThread(A, 'th-2')).toBeNull();
      expect(await store.eventsAfter(A, 'th-1', 0, 10)).toEqual(first.events);
      expect(await store.listThreadsForTenant(A, { limit: 10 })).toHaveLength(1);

      const otherCreator = await store.createThread(threadInput('th-3', 'bob', 'key-1'));
      expect(otherCreator.created).toBe(true);
      expect(otherCreator.thread.id).toBe('th-3');
      const otherTenant = await store.createThread({
        ...threadInput('th-4', 'alice', 'key-1'),
        tenantId: B,
      });
      expect(otherTenant.created).toBe(true);
      expect(otherTenant.thread.id).toBe('th-4');
    });

    it('treats a service caller (no creator) as one creator for idempotency', async () => {
      const first = await store.createThread(threadInput('th-1', null, 'key-1'));
      const again = await store.createThread(threadInput('th-2', null, 'key-1'));
      expect(again.created).toBe(false);
      expect(again.thread).toEqual(first.thread);
    });

    it('is invisible to another tenant', async () => {
      await thread({ id: 'th-1' });
      expect(await store.getThread(B, 'th-1')).toBeNull();
      expect(await store.getThread(A, 'unknown')).toBeNull();
      expect(await store.getDeletedThread(A, 'th-1')).toBeNull();
    });
  });

  describe('updateThread', () => {
    it('appends a topicUpdated system message before thread.updated when the topic changes', async () => {
      await thread({ id: 'th-1', topic: 'Old' });
      const result = await store.updateThread(updateInput('th-1', { topic: 'New' }, 'sys-1', 10, 'alice'));
      const systemMessage = storedSystemMessage({
        id: 'sys-1',
        threadId: 'th-1',
        sequence: 1,
        type: 'topicUpdated',
        system: { initiatorId: 'alice', topic: 'New' },
        createdAt: at(10),
      });
      const expectedThread = {
        id: 'th-1',
        topic: 'New',
        metadata: {},
        createdBy: 'alice',
        createdAt: at(0),
        updatedAt: at(10),
        lastActivityAt: at(10),
        lastSequence: 1,
        lastPosition: 3,
      };
      expect(result).toEqual({
        thread: expectedThread,
        events: [
          { type: 'message.created', threadId: 'th-1', pos: 2, at: at(10), message: systemMessage },
          { type: 'thread.updated', threadId: 'th-1', pos: 3, at: at(10), thread: expectedThread },
        ],
      });
      await expectLogged(A, result!.events);
      expect(await store.getThread(A, 'th-1')).toEqual(expectedThread);
      expect(await store.getMessage(A, 'th-1', 'sys-1')).toEqual(systemMessage);
    });

    it('changes metadata without a system message', async () => {
      await thread({ id: 'th-1', topic: 'Same', metadata: { a: '1' } });
      const result = await store.updateThread(updateInput('th-1', { metadata: { b: '2' } }, 'unused', 4));
      expect(result?.events.map((e) => e.type)).toEqual(['thread.updated']);
      expect(result?.thread).toMatchObject({
        topic: 'Same',
        metadata: { b: '2' },
        updatedAt: at(4),
        lastSequence: 0,
      });
      await expectLogged(A, result!.events);
      expect(await store.getMessage(A, 'th-1', 'unused')).toBeNull();
    });

    it('writes no system message when the topic is unchanged', async () => {
      await thread({ id: 'th-1', topic: 'Same' });
      const result = await store.updateThread(updateInput('th-1', { topic: 'Same' }, 'sys-1', 4, 'alice'));
      expect(result?.events.map((e) => e.type)).toEqual(['thread.updated']);
      expect(result?.thread.lastSequence).toBe(0);
      expect(await store.getMessage(A, 'th-1', 'sys-1')).toBeNull();
    });

    it('returns null for an unknown thread or another tenant’s', async () => {
      const before = await thread({ id: 'th-1', topic: 'Old' });
      const update = { topic: 'New', initiatorId: null, systemMessageId: 'sys-1', at: at(4) };
      expect(await store.updateThread({ tenantId: A, threadId: 'unknown', ...update })).toBeNull();
      expect(await store.updateThread({ tenantId: B, threadId: 'th-1', ...update })).toBeNull();
      expect(await store.getThread(A, 'th-1')).toEqual(before);
      expect(await store.eventsAfter(A, 'th-1', 0, 10)).toHaveLength(1);
    });
  });

  describe('deleteThread', () => {
    it('removes the content, keeps a tombstone and logs thread.deleted after the last position', async () => {
      await thread({ id: 'th-1' });
      const m = await send('th-1', 'bob', 1);
      await store.markRead(readInput('th-1', 'alice', m.message.id, 1, 2));
      const last = await lastPosition(A, 'th-1');

      expect(await store.deleteThread(B, 'th-1', at(20))).toBeNull();
      const result = await store.deleteThread(A, 'th-1', at(20));
      const event = { type: 'thread.deleted', threadId: 'th-1', pos: last + 1, at: at(20) };
      expect(result?.event).toEqual(event);
      expect([...result!.formerParticipants].sort()).toEqual(['alice', 'bob']);

      expect(await store.getThread(A, 'th-1')).toBeNull();
      expect(await store.getDeletedThread(A, 'th-1')).toEqual({ id: 'th-1', deletedAt: at(20) });
      expect(await store.getDeletedThread(B, 'th-1')).toBeNull();
      expect(await store.eventsAfter(A, 'th-1', 0, 100)).toEqual([event]);
      expect(await store.eventsAfter(A, 'th-1', last, 100)).toEqual([event]);
      expect(await store.getMessage(A, 'th-1', m.message.id)).toBeNull();
      expect(await store.listMessages(A, 'th-1', { limit: 10, order: 'desc' })).toEqual([]);
      expect(await store.listParticipants(A, 'th-1', { limit: 10, skip: 0 })).toEqual([]);
      expect(await store.countParticipants(A, 'th-1')).toBe(0);
      expect(await store.getParticipant(A, 'th-1', 'alice')).toBeNull();
      expect(await store.listReadReceipts(A, 'th-1', { limit: 10, skip: 0 })).toEqual([]);
      expect(await store.threadIdsForUser(A, 'alice')).toEqual([]);
      expect(await store.listThreadsForUser(A, 'alice', { limit: 10 })).toEqual([]);
      expect(await store.listThreadsForTenant(A, { limit: 10 })).toEqual([]);
    });

    it('refuses further changes to a deleted thread', async () => {
      await thread({ id: 'th-1' });
      await store.deleteThread(A, 'th-1', at(5));
      expect(await store.deleteThread(A, 'th-1', at(6))).toBeNull();
      expect(await store.appendMessage(message('th-1', 'alice', 7))).toBeNull();
      expect(await store.updateThread(updateInput('th-1', { topic: 'X' }, 's', 7))).toBeNull();
      expect(await store.addParticipants(addInput('th-1', ['carl'], 10))).toEqual({
        ok: false,
        reason: 'thread_not_found',
      });
      expect(await store.removeParticipant(removeInput('th-1', 'bob', 7))).toBeNull();
      expect(await store.eventsAfter(A, 'th-1', 0, 10)).toHaveLength(1);
    });

    it('returns null for an unknown thread', async () => {
      expect(await store.deleteThread(A, 'unknown', at(1))).toBeNull();
      expect(await store.getDeletedThread(A, 'unknown')).toBeNull();
    });
  });
}
