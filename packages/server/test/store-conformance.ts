import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message, Participant, ThreadEvent, User } from '@parley/protocol';
import type {
  ApiKeyRecord,
  AppendMessageInput,
  CreateThreadInput,
  NewParticipant,
  Store,
} from '../src/core/ports/store.js';

/**
 * The Store conformance suite: every clause of the port's contract
 * (`src/core/ports/store.ts`), run unchanged against every adapter. It talks
 * to the store only through the port, and each test gets a fresh, empty store.
 */
export function storeConformance(
  name: string,
  makeStore: () => Promise<{ store: Store; cleanup: () => Promise<void> }>,
): void {
  describe(`Store conformance: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
    });
    afterEach(async () => {
      await cleanup();
    });

    /** Asserts that each returned event is exactly what the log holds at its position. */
    async function expectLogged(tenantId: string, events: ThreadEvent[]): Promise<void> {
      for (const event of events) {
        expect(await store.eventsAfter(tenantId, event.threadId, event.pos - 1, 1)).toEqual([event]);
      }
    }

    async function thread(input: Partial<CreateThreadInput> & { id: string; members?: string[] }) {
      const { members = ['alice', 'bob'], ...rest } = input;
      const result = await store.createThread({
        tenantId: A,
        topic: 'Topic',
        metadata: {},
        createdBy: members[0] ?? null,
        participants: members.map((u) => participant(u)),
        at: at(0),
        ...rest,
      });
      return result.thread;
    }

    async function send(
      threadId: string,
      senderId: string | null,
      s: number,
      extra: Partial<AppendMessageInput> = {},
    ) {
      const result = await store.appendMessage(message(threadId, senderId, s, extra));
      if (!result?.created) throw new Error('expected a new message');
      return result;
    }

    async function lastPosition(tenantId: string, threadId: string): Promise<number> {
      return (await store.getThread(tenantId, threadId))!.lastPosition;
    }

    describe('tenants and readiness', () => {
      it('answers ping', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });

      it('creates, reads and counts tenants', async () => {
        expect(await store.countTenants()).toBe(0);
        await store.createTenant({ id: A, name: 'Acme', createdAt: at(0) });
        await store.createTenant({ id: B, name: 'Beta', createdAt: at(1) });
        expect(await store.getTenant(A)).toEqual({ id: A, name: 'Acme', createdAt: at(0) });
        expect(await store.getTenant(B)).toEqual({ id: B, name: 'Beta', createdAt: at(1) });
        expect(await store.getTenant('nope')).toBeNull();
        expect(await store.countTenants()).toBe(2);
      });
    });

    describe('API keys', () => {
      const k1 = apiKey('k1', A, 1);
      const k2 = apiKey('k2', A, 2);
      const k3 = apiKey('k3', B, 1);

      beforeEach(async () => {
        // Inserted out of order: listing is by creation time.
        for (const key of [k2, k3, k1]) await store.insertApiKey(key);
      });

      it('finds a key by hash and lists a tenant’s keys oldest first', async () => {
        expect(await store.findApiKeyByHash(k1.hash)).toEqual(k1);
        expect(await store.findApiKeyByHash(k3.hash)).toEqual(k3);
        expect(await store.findApiKeyByHash('0'.repeat(64))).toBeNull();
        expect(await store.listApiKeys(A)).toEqual([k1, k2]);
        expect(await store.listApiKeys(B)).toEqual([k3]);
        expect(await store.listApiKeys('nobody')).toEqual([]);
      });

      it('revokes only within the tenant, once, and hides revoked keys', async () => {
        expect(await store.revokeApiKey(B, k1.id, at(5))).toBe(false);
        expect(await store.findApiKeyByHash(k1.hash)).toEqual(k1);
        expect(await store.revokeApiKey(A, k1.id, at(5))).toBe(true);
        expect(await store.revokeApiKey(A, k1.id, at(6))).toBe(false);
        expect(await store.revokeApiKey(A, 'unknown', at(6))).toBe(false);
        expect(await store.findApiKeyByHash(k1.hash)).toBeNull();
        expect(await store.listApiKeys(A)).toEqual([k2]);
      });

      it('records the last use', async () => {
        await store.touchApiKey(k2.id, at(9));
        expect(await store.findApiKeyByHash(k2.hash)).toEqual({ ...k2, lastUsedAt: at(9) });
        expect((await store.listApiKeys(A)).map((k) => k.lastUsedAt)).toEqual([null, at(9)]);
      });
    });

    describe('users', () => {
      it('inserts once per tenant and reads back the record', async () => {
        const alice = user('alice', 'Alice', { team: 'red' });
        expect(await store.insertUser(A, alice)).toBe(true);
        expect(await store.insertUser(A, { ...alice, displayName: 'Impostor' })).toBe(false);
        expect(await store.insertUser(B, { ...alice, displayName: 'Alice of B' })).toBe(true);
        expect(await store.getUser(A, 'alice')).toEqual({ ...alice, tenantId: A, tokenVersion: 0 });
        expect((await store.getUser(B, 'alice'))?.displayName).toBe('Alice of B');
        expect(await store.getUser(A, 'nobody')).toBeNull();
        expect(await store.getUser('nobody', 'alice')).toBeNull();
      });

      describe('listing and search', () => {
        beforeEach(async () => {
          for (const [id, name] of [
            ['dora', 'Dora Annex'],
            ['ann', 'Ann Lee'],
            ['emile', 'Émile Zola'],
            ['carl_x', 'Carl 100%'],
            ['bob', 'Bob Stone'],
          ] as const) {
            await store.insertUser(A, user(id, name));
          }
          await store.insertUser(B, user('zed-ann', 'Ann of B'));
        });

        const ids = (users: User[]) => users.map((u) => u.id);

        it('orders by id and pages after an id', async () => {
          expect(ids(await store.listUsers(A, { limit: 10 }))).toEqual([
            'ann',
            'bob',
            'carl_x',
            'dora',
            'emile',
          ]);
          expect(ids(await store.listUsers(A, { limit: 2 }))).toEqual(['ann', 'bob']);
          expect(ids(await store.listUsers(A, { limit: 2, afterId: 'bob' }))).toEqual(['carl_x', 'dora']);
          expect(ids(await store.listUsers(A, { limit: 2, afterId: 'emile' }))).toEqual([]);
          expect(await store.listUsers(A, { limit: 1 })).toEqual([user('ann', 'Ann Lee')]);
        });

        it('matches a case-insensitive substring of the display name or the id', async () => {
          expect(ids(await store.listUsers(A, { limit: 10, search: 'ANN' }))).toEqual(['ann', 'dora']);
          expect(ids(await store.listUsers(A, { limit: 10, search: 'stone' }))).toEqual(['bob']);
          expect(ids(await store.listUsers(A, { limit: 10, search: 'ÉMILE' }))).toEqual(['emile']);
          expect(ids(await store.listUsers(A, { limit: 1, search: 'a', afterId: 'ann' }))).toEqual([
            'carl_x',
          ]);
          expect(ids(await store.listUsers(B, { limit: 10, search: 'ann' }))).toEqual(['zed-ann']);
        });

        it('takes % and _ literally', async () => {
          expect(ids(await store.listUsers(A, { limit: 10, search: '%' }))).toEqual(['carl_x']);
          expect(ids(await store.listUsers(A, { limit: 10, search: '_' }))).toEqual(['carl_x']);
          expect(ids(await store.listUsers(A, { limit: 10, search: 'a_n' }))).toEqual([]);
          expect(ids(await store.listUsers(A, { limit: 10, search: 'b%b' }))).toEqual([]);
        });
      });

      it('applies a partial update', async () => {
        const alice = user('alice', 'Alice', { team: 'red' });
        await store.insertUser(A, alice);
        const renamed = await store.updateUser(A, 'alice', { displayName: 'Alicia', updatedAt: at(5) });
        expect(renamed).toEqual({ ...alice, displayName: 'Alicia', updatedAt: at(5) });
        const promoted = await store.updateUser(A, 'alice', {
          role: 'admin',
          metadata: { a: '1' },
          updatedAt: at(6),
        });
        expect(promoted).toEqual({
          ...alice,
          displayName: 'Alicia',
          role: 'admin',
          metadata: { a: '1' },
          updatedAt: at(6),
        });
        expect(await store.getUser(A, 'alice')).toEqual({ ...promoted, tenantId: A, tokenVersion: 0 });
        expect(await store.updateUser(A, 'nobody', { displayName: 'X', updatedAt: at(7) })).toBeNull();
        expect(await store.updateUser(B, 'alice', { displayName: 'X', updatedAt: at(7) })).toBeNull();
        expect((await store.getUser(A, 'alice'))?.displayName).toBe('Alicia');
      });

      it('bumps the token version', async () => {
        await store.insertUser(A, user('alice', 'Alice'));
        expect(await store.bumpTokenVersion(A, 'alice')).toBe(1);
        expect(await store.bumpTokenVersion(A, 'alice')).toBe(2);
        expect(await store.bumpTokenVersion(A, 'nobody')).toBeNull();
        expect(await store.bumpTokenVersion(B, 'alice')).toBeNull();
        expect((await store.getUser(A, 'alice'))?.tokenVersion).toBe(2);
      });

      it('deletes a user and their participations, without events', async () => {
        await store.insertUser(A, user('alice', 'Alice'));
        await store.insertUser(A, user('bob', 'Bob'));
        const t = await thread({ id: 'th-1' });
        const m = await send(t.id, 'bob', 1);
        await store.markRead({
          tenantId: A,
          threadId: t.id,
          userId: 'alice',
          messageId: m.message.id,
          sequence: 1,
          at: at(2),
        });
        const log = await store.eventsAfter(A, t.id, 0, 100);

        expect(await store.deleteUser(B, 'alice')).toBe(false);
        expect(await store.getParticipant(A, t.id, 'alice')).not.toBeNull();
        expect(await store.deleteUser(A, 'alice')).toBe(true);
        expect(await store.getUser(A, 'alice')).toBeNull();
        expect(await store.getParticipant(A, t.id, 'alice')).toBeNull();
        expect(await store.threadIdsForUser(A, 'alice')).toEqual([]);
        expect((await store.listParticipants(A, t.id, { limit: 10, skip: 0 })).map((p) => p.userId)).toEqual([
          'bob',
        ]);
        expect(await store.listReadReceipts(A, t.id, { limit: 10, skip: 0 })).toEqual([]);
        expect(await store.contactsOf(A, 'bob')).toEqual([]);
        expect(await store.eventsAfter(A, t.id, 0, 100)).toEqual(log);
        expect(await store.deleteUser(A, 'alice')).toBe(false);
      });
    });

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
        const result = await store.updateThread({
          tenantId: A,
          threadId: 'th-1',
          topic: 'New',
          initiatorId: 'alice',
          systemMessageId: 'sys-1',
          at: at(10),
        });
        const systemMessage: Message = {
          id: 'sys-1',
          threadId: 'th-1',
          sequence: 1,
          type: 'topicUpdated',
          content: '',
          system: { initiatorId: 'alice', topic: 'New' },
          senderId: null,
          senderDisplayName: '',
          metadata: {},
          clientMessageId: null,
          createdAt: at(10),
          editedAt: null,
          deletedAt: null,
        };
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
        const result = await store.updateThread({
          tenantId: A,
          threadId: 'th-1',
          metadata: { b: '2' },
          initiatorId: null,
          systemMessageId: 'unused',
          at: at(4),
        });
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
        const result = await store.updateThread({
          tenantId: A,
          threadId: 'th-1',
          topic: 'Same',
          initiatorId: 'alice',
          systemMessageId: 'sys-1',
          at: at(4),
        });
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
        await store.markRead({
          tenantId: A,
          threadId: 'th-1',
          userId: 'alice',
          messageId: m.message.id,
          sequence: 1,
          at: at(2),
        });
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
        expect(
          await store.updateThread({
            tenantId: A,
            threadId: 'th-1',
            topic: 'X',
            initiatorId: null,
            systemMessageId: 's',
            at: at(7),
          }),
        ).toBeNull();
        expect(await store.addParticipants(addInput('th-1', ['carl'], 10))).toEqual({
          ok: false,
          reason: 'thread_not_found',
        });
        expect(
          await store.removeParticipant({
            tenantId: A,
            threadId: 'th-1',
            userId: 'bob',
            initiatorId: null,
            systemMessageId: 'sys-rm',
            at: at(7),
          }),
        ).toBeNull();
        expect(await store.eventsAfter(A, 'th-1', 0, 10)).toHaveLength(1);
      });

      it('returns null for an unknown thread', async () => {
        expect(await store.deleteThread(A, 'unknown', at(1))).toBeNull();
        expect(await store.getDeletedThread(A, 'unknown')).toBeNull();
      });
    });

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
        await store.markRead({
          tenantId: A,
          threadId: 'th-4',
          userId: 'alice',
          messageId: read.message.id,
          sequence: 1,
          at: at(9),
        });
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
        expect(await store.threadsJoinedSince(A, 'dave', at(3))).toEqual([
          { threadId: 'th-3', joinedPos: 1 },
        ]);

        expect([...(await store.contactsOf(A, 'alice'))].sort()).toEqual(['bob', 'carl', 'dave']);
        expect([...(await store.contactsOf(A, 'dave'))].sort()).toEqual(['alice', 'bob']);
        expect(await store.contactsOf(A, 'nobody')).toEqual([]);
        expect(await store.contactsOf(B, 'alice')).toEqual(['zed']);
      });
    });

    describe('participants', () => {
      beforeEach(async () => {
        // zoe and amy join together (ordered by id), bob later.
        await thread({ id: 'th-1', at: at(1), members: ['zoe', 'amy'] });
        await store.addParticipants(addInput('th-1', ['bob'], 10, at(2)));
      });

      it('lists by join time then user id, with skip and limit', async () => {
        const all = await store.listParticipants(A, 'th-1', { limit: 10, skip: 0 });
        expect(all.map((p) => p.userId)).toEqual(['amy', 'zoe', 'bob']);
        expect(all[2]).toEqual({
          userId: 'bob',
          displayName: 'User bob',
          role: 'member',
          shareHistoryTime: at(0),
          joinedAt: at(2),
        });
        expect((await store.listParticipants(A, 'th-1', { limit: 1, skip: 1 })).map((p) => p.userId)).toEqual(
          ['zoe'],
        );
        expect(await store.listParticipants(A, 'th-1', { limit: 10, skip: 3 })).toEqual([]);
        expect(await store.countParticipants(A, 'th-1')).toBe(3);
        expect(await store.listParticipants(B, 'th-1', { limit: 10, skip: 0 })).toEqual([]);
        expect(await store.countParticipants(B, 'th-1')).toBe(0);
        expect(await store.getParticipant(B, 'th-1', 'amy')).toBeNull();
        expect(await store.getParticipant(A, 'th-1', 'nobody')).toBeNull();
      });

      it('adds only new participants, with a participantAdded system message and participant.added', async () => {
        const before = (await store.getThread(A, 'th-1'))!;
        const result = await store.addParticipants({
          ...addInput('th-1', ['carl'], 10, at(7)),
          participants: [
            { ...participant('amy'), role: 'owner', displayName: 'Changed' },
            participant('carl'),
          ],
          initiatorId: 'zoe',
          systemMessageId: 'sys-add',
        });
        const carl: Participant = {
          userId: 'carl',
          displayName: 'User carl',
          role: 'member',
          shareHistoryTime: at(0),
          joinedAt: at(7),
        };
        const systemMessage: Message = {
          id: 'sys-add',
          threadId: 'th-1',
          sequence: before.lastSequence + 1,
          type: 'participantAdded',
          content: '',
          system: { initiatorId: 'zoe', participants: [{ userId: 'carl', displayName: 'User carl' }] },
          senderId: null,
          senderDisplayName: '',
          metadata: {},
          clientMessageId: null,
          createdAt: at(7),
          editedAt: null,
          deletedAt: null,
        };
        // participant.added comes first: a new participant resumes from its position (joinedPos)
        // and so also receives the system message that announces them.
        expect(result).toEqual({
          ok: true,
          added: [carl],
          events: [
            {
              type: 'participant.added',
              threadId: 'th-1',
              pos: before.lastPosition + 1,
              at: at(7),
              participants: [carl],
            },
            {
              type: 'message.created',
              threadId: 'th-1',
              pos: before.lastPosition + 2,
              at: at(7),
              message: systemMessage,
            },
          ],
        });
        if (!result.ok) throw new Error('expected ok');
        await expectLogged(A, result.events);
        expect(await store.getParticipant(A, 'th-1', 'amy')).toMatchObject({
          displayName: 'User amy',
          role: 'member',
        });
        expect(await store.getParticipant(A, 'th-1', 'carl')).toEqual({
          ...carl,
          lastReadSequence: 0,
          joinedPos: before.lastPosition + 1,
        });
        expect(await store.getThread(A, 'th-1')).toMatchObject({
          lastActivityAt: at(7),
          lastPosition: before.lastPosition + 2,
          lastSequence: before.lastSequence + 1,
        });
      });

      it('writes nothing when everyone is already present', async () => {
        const before = await store.getThread(A, 'th-1');
        expect(await store.addParticipants(addInput('th-1', ['amy', 'bob'], 10, at(8)))).toEqual({
          ok: true,
          added: [],
          events: [],
        });
        expect(await store.getThread(A, 'th-1')).toEqual(before);
      });

      it('fails with limit, writing nothing, past maxParticipants', async () => {
        const before = await store.getThread(A, 'th-1');
        const log = await store.eventsAfter(A, 'th-1', 0, 100);
        expect(await store.addParticipants(addInput('th-1', ['carl', 'dave'], 4, at(8)))).toEqual({
          ok: false,
          reason: 'limit',
        });
        expect(await store.countParticipants(A, 'th-1')).toBe(3);
        expect(await store.getParticipant(A, 'th-1', 'carl')).toBeNull();
        expect(await store.getThread(A, 'th-1')).toEqual(before);
        expect(await store.eventsAfter(A, 'th-1', 0, 100)).toEqual(log);
        expect(await store.getMessage(A, 'th-1', 'sys-add-th-1-carl-dave')).toBeNull();

        // Present users do not count against the limit; reaching it exactly is allowed.
        const ok = await store.addParticipants(addInput('th-1', ['amy', 'carl'], 4, at(9)));
        expect(ok.ok && ok.added.map((p) => p.userId)).toEqual(['carl']);
        expect(await store.countParticipants(A, 'th-1')).toBe(4);
      });

      it('reports thread_not_found for an unknown thread or another tenant’s', async () => {
        expect(await store.addParticipants(addInput('unknown', ['carl'], 10))).toEqual({
          ok: false,
          reason: 'thread_not_found',
        });
        expect(await store.addParticipants({ ...addInput('th-1', ['carl'], 10), tenantId: B })).toEqual({
          ok: false,
          reason: 'thread_not_found',
        });
        expect(await store.getParticipant(A, 'th-1', 'carl')).toBeNull();
      });

      it('removes a participant with a participantRemoved system message and participant.removed', async () => {
        const before = (await store.getThread(A, 'th-1'))!;
        const result = await store.removeParticipant({
          tenantId: A,
          threadId: 'th-1',
          userId: 'zoe',
          initiatorId: 'amy',
          systemMessageId: 'sys-rm',
          at: at(9),
        });
        const systemMessage: Message = {
          id: 'sys-rm',
          threadId: 'th-1',
          sequence: before.lastSequence + 1,
          type: 'participantRemoved',
          content: '',
          system: { initiatorId: 'amy', participants: [{ userId: 'zoe', displayName: 'User zoe' }] },
          senderId: null,
          senderDisplayName: '',
          metadata: {},
          clientMessageId: null,
          createdAt: at(9),
          editedAt: null,
          deletedAt: null,
        };
        // The system message precedes the membership change, as for a topic change.
        expect(result).toEqual({
          events: [
            {
              type: 'message.created',
              threadId: 'th-1',
              pos: before.lastPosition + 1,
              at: at(9),
              message: systemMessage,
            },
            {
              type: 'participant.removed',
              threadId: 'th-1',
              pos: before.lastPosition + 2,
              at: at(9),
              userIds: ['zoe'],
            },
          ],
        });
        expect(await store.getMessage(A, 'th-1', 'sys-rm')).toEqual(systemMessage);
        await expectLogged(A, result!.events);
        expect(await store.getParticipant(A, 'th-1', 'zoe')).toBeNull();
        expect(await store.countParticipants(A, 'th-1')).toBe(2);
        expect((await store.getThread(A, 'th-1'))?.lastActivityAt).toBe(at(9));
      });

      it('returns null when the user is not a participant, or for another tenant', async () => {
        const remove = { threadId: 'th-1', initiatorId: null, systemMessageId: 'sys-rm', at: at(9) };
        expect(await store.removeParticipant({ ...remove, tenantId: A, userId: 'nobody' })).toBeNull();
        expect(await store.removeParticipant({ ...remove, tenantId: B, userId: 'zoe' })).toBeNull();
        expect(
          await store.removeParticipant({ ...remove, tenantId: A, threadId: 'unknown', userId: 'zoe' }),
        ).toBeNull();
        expect(await store.getParticipant(A, 'th-1', 'zoe')).not.toBeNull();
      });
    });

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
        await store.updateThread({
          tenantId: A,
          threadId: 'th-1',
          topic: 'New',
          initiatorId: null,
          systemMessageId: 's-1',
          at: at(3),
        });
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
            store.updateThread({
              tenantId: A,
              threadId: 'th-1',
              metadata: { i: `${i}` },
              initiatorId: null,
              systemMessageId: `s-${i}`,
              at: at(3),
            }),
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
        work.push(
          store.markRead({
            tenantId: A,
            threadId: 'th-1',
            userId: 'bob',
            messageId: first.message.id,
            sequence: 1,
            at: at(4),
          }),
        );
        await Promise.all(work);

        const thread1 = (await store.getThread(A, 'th-1'))!;
        // 1 created + 1 first message + 60 messages + 5 updates + 5 × 2 for additions + 1 edit + 1 receipt.
        expect(thread1.lastPosition).toBe(79);
        expect(thread1.lastSequence).toBe(66);
        expect((await store.eventsAfter(A, 'th-1', 0, 1000)).map((e) => e.pos)).toEqual(range(1, 79));
        const listed = await store.listMessages(A, 'th-1', { limit: 500, order: 'asc', afterSequence: 0 });
        expect(listed.map((m) => m.sequence)).toEqual(range(1, 66));
      });
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
        expect(
          seqs(await list({ limit: 20, order: 'desc', beforeSequence: 6, minCreatedAt: at(4) })),
        ).toEqual([5, 4]);
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
        expect(await store.listMessages(B, 'th-1', { limit: 10, order: 'asc', afterSequence: 0 })).toEqual(
          [],
        );
        expect(await store.listMessages(A, 'unknown', { limit: 10, order: 'desc' })).toEqual([]);
      });
    });

    describe('updateMessage and deleteMessage', () => {
      let original: Message;
      beforeEach(async () => {
        await thread({ id: 'th-1' });
        original = (await send('th-1', 'alice', 1, { metadata: { a: '1' } })).message;
      });

      it('edits content, keeps metadata, sets editedAt and logs message.updated', async () => {
        const result = await store.updateMessage({
          tenantId: A,
          threadId: 'th-1',
          messageId: original.id,
          content: 'new',
          at: at(5),
        });
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
        const result = await store.updateMessage({
          tenantId: A,
          threadId: 'th-1',
          messageId: original.id,
          metadata: { b: '2' },
          at: at(5),
        });
        expect(result?.message).toEqual({ ...original, metadata: { b: '2' }, editedAt: at(5) });
      });

      it('clears content, sets deletedAt and logs message.deleted', async () => {
        const result = await store.deleteMessage({
          tenantId: A,
          threadId: 'th-1',
          messageId: original.id,
          at: at(6),
        });
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

    describe('unread counts and read receipts', () => {
      let bobs: Message[];
      beforeEach(async () => {
        await thread({ id: 'th-1', members: ['alice', 'bob', 'carl'] });
        bobs = [];
        bobs.push((await send('th-1', 'bob', 1)).message);
        bobs.push((await send('th-1', 'bob', 2, { type: 'html', content: '<i>x</i>' })).message);
        await send('th-1', 'alice', 3);
        await store.updateThread({
          tenantId: A,
          threadId: 'th-1',
          topic: 'New',
          initiatorId: 'bob',
          systemMessageId: 's-1',
          at: at(4),
        });
        bobs.push((await send('th-1', 'bob', 5)).message);
      });

      const read = (userId: string, m: Message, s: number) =>
        store.markRead({
          tenantId: A,
          threadId: 'th-1',
          userId,
          messageId: m.id,
          sequence: m.sequence,
          at: at(s),
        });

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
        expect((await store.listReadReceipts(A, 'th-1', { limit: 1, skip: 1 })).map((r) => r.userId)).toEqual(
          ['carl'],
        );
        expect(await store.listReadReceipts(B, 'th-1', { limit: 10, skip: 0 })).toEqual([]);
      });

      it('drops a removed participant’s receipt', async () => {
        await read('carl', bobs[0]!, 11);
        await store.removeParticipant({
          tenantId: A,
          threadId: 'th-1',
          userId: 'carl',
          initiatorId: null,
          systemMessageId: 'sys-rm',
          at: at(12),
        });
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
    });

    describe('tenant isolation', () => {
      it('never shows or changes tenant A’s rows through tenant B', async () => {
        await store.createTenant({ id: A, name: 'A', createdAt: at(0) });
        await store.createTenant({ id: B, name: 'B', createdAt: at(0) });
        await store.insertUser(A, user('alice', 'Alice'));
        await store.insertUser(A, user('bob', 'Bob'));
        await store.insertApiKey(apiKey('ka', A, 1));
        await thread({ id: 'th-1' });
        const m = await send('th-1', 'bob', 1);
        await store.markRead({
          tenantId: A,
          threadId: 'th-1',
          userId: 'alice',
          messageId: m.message.id,
          sequence: 1,
          at: at(2),
        });
        const snapshot = async () => ({
          thread: await store.getThread(A, 'th-1'),
          log: await store.eventsAfter(A, 'th-1', 0, 100),
          participants: await store.listParticipants(A, 'th-1', { limit: 10, skip: 0 }),
          receipts: await store.listReadReceipts(A, 'th-1', { limit: 10, skip: 0 }),
          messages: await store.listMessages(A, 'th-1', { limit: 10, order: 'desc' }),
          users: await store.listUsers(A, { limit: 10 }),
          alice: await store.getUser(A, 'alice'),
          keys: await store.listApiKeys(A),
        });
        const before = await snapshot();

        // Reads.
        expect(await store.getThread(B, 'th-1')).toBeNull();
        expect(await store.getDeletedThread(B, 'th-1')).toBeNull();
        expect(await store.listThreadsForUser(B, 'alice', { limit: 10 })).toEqual([]);
        expect(await store.listThreadsForTenant(B, { limit: 10 })).toEqual([]);
        expect(await store.threadIdsForUser(B, 'alice')).toEqual([]);
        expect(await store.threadsJoinedSince(B, 'alice', at(0))).toEqual([]);
        expect(await store.contactsOf(B, 'alice')).toEqual([]);
        expect(await store.getParticipant(B, 'th-1', 'alice')).toBeNull();
        expect(await store.listParticipants(B, 'th-1', { limit: 10, skip: 0 })).toEqual([]);
        expect(await store.countParticipants(B, 'th-1')).toBe(0);
        expect(await store.getMessage(B, 'th-1', m.message.id)).toBeNull();
        expect(await store.listMessages(B, 'th-1', { limit: 10, order: 'desc' })).toEqual([]);
        expect(await store.listMessages(B, 'th-1', { limit: 10, order: 'asc', startTime: at(0) })).toEqual(
          [],
        );
        expect(await store.unreadCount(B, 'th-1', 'alice')).toBe(0);
        expect(await store.listReadReceipts(B, 'th-1', { limit: 10, skip: 0 })).toEqual([]);
        expect(await store.eventsAfter(B, 'th-1', 0, 100)).toEqual([]);
        expect(await store.getUser(B, 'alice')).toBeNull();
        expect(await store.listUsers(B, { limit: 10, search: 'alice' })).toEqual([]);
        expect(await store.listApiKeys(B)).toEqual([]);

        // Writes.
        const inB = { tenantId: B, threadId: 'th-1' };
        expect(
          await store.updateThread({
            ...inB,
            topic: 'X',
            initiatorId: null,
            systemMessageId: 's',
            at: at(9),
          }),
        ).toBeNull();
        expect(await store.addParticipants({ ...addInput('th-1', ['eve'], 10, at(9)), tenantId: B })).toEqual(
          {
            ok: false,
            reason: 'thread_not_found',
          },
        );
        expect(
          await store.removeParticipant({
            ...inB,
            userId: 'bob',
            initiatorId: null,
            systemMessageId: 'sys-rm',
            at: at(9),
          }),
        ).toBeNull();
        expect(await store.appendMessage({ ...message('th-1', 'eve', 9), tenantId: B })).toBeNull();
        expect(
          await store.updateMessage({ ...inB, messageId: m.message.id, content: 'X', at: at(9) }),
        ).toBeNull();
        expect(await store.deleteMessage({ ...inB, messageId: m.message.id, at: at(9) })).toBeNull();
        // The port gives markRead no "unknown" answer: whether it rejects is open, but it must not touch A.
        await store
          .markRead({ ...inB, userId: 'alice', messageId: m.message.id, sequence: 5, at: at(9) })
          .catch(() => undefined);
        expect(await store.revokeApiKey(B, 'ka', at(9))).toBe(false);
        expect(await store.updateUser(B, 'alice', { displayName: 'X', updatedAt: at(9) })).toBeNull();
        expect(await store.bumpTokenVersion(B, 'alice')).toBeNull();
        expect(await store.deleteUser(B, 'alice')).toBe(false);
        expect(await store.deleteThread(B, 'th-1', at(9))).toBeNull();

        expect(await snapshot()).toEqual(before);
      });
    });

    it('returns fresh objects the caller may keep', async () => {
      const created = await store.createThread(threadInput('th-1', 'alice', undefined));
      created.thread.metadata.mutated = 'yes';
      created.participants[0]!.displayName = 'mutated';
      const m = await send('th-1', 'alice', 1, { metadata: { a: '1' } });
      m.message.metadata.a = 'mutated';
      expect((await store.getThread(A, 'th-1'))?.metadata).toEqual({});
      expect((await store.listParticipants(A, 'th-1', { limit: 1, skip: 0 }))[0]?.displayName).toBe(
        'User alice',
      );
      expect((await store.getMessage(A, 'th-1', m.message.id))?.metadata).toEqual({ a: '1' });
      expect((await store.eventsAfter(A, 'th-1', 1, 1))[0]).toMatchObject({
        message: { metadata: { a: '1' } },
      });
    });
  });
}

const A = 'tenant-a';
const B = 'tenant-b';
const BASE = Date.UTC(2025, 0, 1);

/** A fixed instant `s` seconds after the base: the store never reads the clock. */
function at(s: number): string {
  return new Date(BASE + s * 1000).toISOString();
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function participant(userId: string, role: NewParticipant['role'] = 'member'): NewParticipant {
  return { userId, displayName: `User ${userId}`, role, shareHistoryTime: at(0) };
}

function user(id: string, displayName: string, metadata: Record<string, string> = {}): User {
  return { id, displayName, role: 'member', metadata, createdAt: at(0), updatedAt: at(0) };
}

function apiKey(id: string, tenantId: string, s: number): ApiKeyRecord {
  return {
    id,
    tenantId,
    name: `key ${id}`,
    prefix: `pk_${id}`,
    hash: id.padEnd(64, 'f'),
    createdAt: at(s),
    lastUsedAt: null,
  };
}

function threadInput(
  id: string,
  createdBy: string | null,
  idempotencyKey: string | undefined,
): CreateThreadInput {
  return {
    tenantId: A,
    id,
    topic: 'Topic',
    metadata: {},
    createdBy,
    participants: [participant('alice'), participant('bob')],
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    at: at(0),
  };
}

function message(
  threadId: string,
  senderId: string | null,
  s: number,
  extra: Partial<AppendMessageInput> = {},
): AppendMessageInput {
  return {
    tenantId: A,
    threadId,
    id: `msg-${threadId}-${s}`,
    type: 'text',
    content: `message ${s}`,
    senderId,
    senderDisplayName: senderId === null ? 'Service' : `User ${senderId}`,
    metadata: {},
    clientMessageId: null,
    at: at(s),
    ...extra,
  };
}

function addInput(threadId: string, userIds: string[], maxParticipants: number, when = at(5)) {
  return {
    tenantId: A,
    threadId,
    participants: userIds.map((u) => participant(u)),
    initiatorId: null,
    systemMessageId: `sys-add-${threadId}-${userIds.join('-')}`,
    maxParticipants,
    at: when,
  };
}
