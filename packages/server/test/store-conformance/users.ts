import { beforeEach, describe, expect, it } from 'vitest';
import type { User } from '@parley/protocol';
import { A, B, at, readInput, user, type StoreSuite } from './helpers.js';

/** Users: insert, list and search, update, token version, delete. */
export function users({ store, thread, send }: StoreSuite): void {
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
        expect(ids(await store.listUsers(A, { limit: 1, search: 'a', afterId: 'ann' }))).toEqual(['carl_x']);
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
      await store.markRead(readInput(t.id, 'alice', m.message.id, 1, 2));
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
}
