import { beforeEach, describe, expect, it } from 'vitest';
import {
  A,
  B,
  addInput,
  apiKey,
  at,
  message,
  readInput,
  removeInput,
  updateInput,
  user,
  type StoreSuite,
} from './helpers.js';

/** Tenants, readiness and API keys. */
export function tenantsAndKeys({ store }: StoreSuite): void {
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

    it('refuses a second tenant with the same id and keeps the first', async () => {
      expect(await store.createTenant({ id: A, name: 'Acme', createdAt: at(0) })).toBe(true);
      expect(await store.createTenant({ id: A, name: 'Other', createdAt: at(1) })).toBe(false);
      expect(await store.getTenant(A)).toEqual({ id: A, name: 'Acme', createdAt: at(0) });
      expect(await store.countTenants()).toBe(1);
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
}

/** No read or write through tenant B sees or changes the rows of tenant A. */
export function tenantIsolation({ store, thread, send }: StoreSuite): void {
  describe('tenant isolation', () => {
    it('never shows or changes tenant A’s rows through tenant B', async () => {
      await store.createTenant({ id: A, name: 'A', createdAt: at(0) });
      await store.createTenant({ id: B, name: 'B', createdAt: at(0) });
      await store.insertUser(A, user('alice', 'Alice'));
      await store.insertUser(A, user('bob', 'Bob'));
      await store.insertApiKey(apiKey('ka', A, 1));
      await thread({ id: 'th-1' });
      const m = await send('th-1', 'bob', 1);
      await store.markRead(readInput('th-1', 'alice', m.message.id, 1, 2));
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
      expect(await store.listMessages(B, 'th-1', { limit: 10, order: 'asc', startTime: at(0) })).toEqual([]);
      expect(await store.unreadCount(B, 'th-1', 'alice')).toBe(0);
      expect(await store.listReadReceipts(B, 'th-1', { limit: 10, skip: 0 })).toEqual([]);
      expect(await store.eventsAfter(B, 'th-1', 0, 100)).toEqual([]);
      expect(await store.getUser(B, 'alice')).toBeNull();
      expect(await store.listUsers(B, { limit: 10, search: 'alice' })).toEqual([]);
      expect(await store.listApiKeys(B)).toEqual([]);

      // Writes.
      const inB = { tenantId: B, threadId: 'th-1' };
      expect(
        await store.updateThread({ ...updateInput('th-1', { topic: 'X' }, 's', 9), tenantId: B }),
      ).toBeNull();
      expect(await store.addParticipants({ ...addInput('th-1', ['eve'], 10, at(9)), tenantId: B })).toEqual({
        ok: false,
        reason: 'thread_not_found',
      });
      expect(await store.removeParticipant({ ...removeInput('th-1', 'bob', 9), tenantId: B })).toBeNull();
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
}
