import { beforeEach, describe, expect, it } from 'vitest';
import type { Organization } from '@parley/protocol';
import type { VisitorRecord } from '../../src/core/ports/visitor-store.js';
import { A, B, at, user, type StoreSuite } from './helpers.js';

function org(id: string): Organization {
  return { id, name: `Org ${id}`, createdAt: at(0), updatedAt: at(0) };
}

function visitor(id: string, organizationId: string, tokenHash: string, s = 0): VisitorRecord {
  return {
    id,
    organizationId,
    tokenHash,
    email: null,
    customerId: null,
    identifiedAt: null,
    createdAt: at(s),
  };
}

/** Visitors, identity secrets and replay keys (`visitor-store.ts`). */
export function visitors({ store }: StoreSuite): void {
  describe('live-chat visitors and identity', () => {
    beforeEach(async () => {
      await store.livechat.insertOrganization(A, org('o1'));
      await store.livechat.insertOrganization(A, org('o2'));
      await store.livechat.insertOrganization(B, org('o1'));
    });

    it('inserts a visitor with its user, atomically, and finds it by token hash', async () => {
      const v = { ...visitor('v1', 'o1', 'hash-1'), email: 'a@example.com' };
      expect(await store.livechat.insertVisitor(A, user('v1', 'Visitor'), v)).toBe(true);
      expect(await store.getUser(A, 'v1')).toMatchObject({
        id: 'v1',
        displayName: 'Visitor',
        role: 'member',
      });
      expect(await store.livechat.findVisitorByTokenHash(A, 'o1', 'hash-1')).toEqual(v);
      expect(await store.livechat.getVisitor(A, 'o1', 'v1')).toEqual(v);
      // Another organization or tenant sees nothing.
      expect(await store.livechat.findVisitorByTokenHash(A, 'o2', 'hash-1')).toBeNull();
      expect(await store.livechat.findVisitorByTokenHash(B, 'o1', 'hash-1')).toBeNull();
      expect(await store.livechat.getVisitor(B, 'o1', 'v1')).toBeNull();

      // A taken token hash (in any tenant) writes nothing, not even the user.
      expect(
        await store.livechat.insertVisitor(B, user('v2', 'Visitor'), visitor('v2', 'o1', 'hash-1')),
      ).toBe(false);
      expect(await store.getUser(B, 'v2')).toBeNull();
      // An unknown organization writes nothing.
      expect(
        await store.livechat.insertVisitor(A, user('v3', 'Visitor'), visitor('v3', 'nowhere', 'hash-3')),
      ).toBe(false);
      expect(await store.getUser(A, 'v3')).toBeNull();
      // A taken user id writes nothing.
      expect(
        await store.livechat.insertVisitor(A, user('v1', 'Visitor'), visitor('v1', 'o1', 'hash-4')),
      ).toBe(false);
      expect(await store.livechat.findVisitorByTokenHash(A, 'o1', 'hash-4')).toBeNull();
    });

    it('links a visitor to one customer only and lists a customer’s visitors', async () => {
      await store.livechat.insertVisitor(A, user('v1', 'V'), visitor('v1', 'o1', 'h1', 1));
      await store.livechat.insertVisitor(A, user('v2', 'V'), visitor('v2', 'o1', 'h2', 2));
      expect(await store.livechat.linkVisitorCustomer(A, 'o1', 'v1', 'c42', at(5))).toMatchObject({
        customerId: 'c42',
        identifiedAt: at(5),
      });
      // Again with the same customer: unchanged identifiedAt.
      expect(await store.livechat.linkVisitorCustomer(A, 'o1', 'v1', 'c42', at(6))).toMatchObject({
        customerId: 'c42',
        identifiedAt: at(5),
      });
      // Another customer: left as it is.
      expect(await store.livechat.linkVisitorCustomer(A, 'o1', 'v1', 'c7', at(7))).toMatchObject({
        customerId: 'c42',
      });
      await store.livechat.linkVisitorCustomer(A, 'o1', 'v2', 'c42', at(8));
      expect((await store.livechat.listCustomerVisitors(A, 'o1', 'c42')).map((v) => v.id)).toEqual([
        'v1',
        'v2',
      ]);
      expect(await store.livechat.listCustomerVisitors(A, 'o2', 'c42')).toEqual([]);
      expect(await store.livechat.listCustomerVisitors(B, 'o1', 'c42')).toEqual([]);
      expect(await store.livechat.linkVisitorCustomer(A, 'o2', 'v1', 'c42', at(9))).toBeNull();
      expect(await store.livechat.linkVisitorCustomer(B, 'o1', 'v1', 'c42', at(9))).toBeNull();
    });

    it('keeps one identity secret per organization and deletes it', async () => {
      expect(await store.livechat.getIdentitySecret(A, 'o1')).toBeNull();
      expect(await store.livechat.setIdentitySecret(A, 'o1', 's'.repeat(32))).toBe(true);
      expect(await store.livechat.setIdentitySecret(A, 'o1', 't'.repeat(32))).toBe(true);
      expect(await store.livechat.setIdentitySecret(A, 'nowhere', 't'.repeat(32))).toBe(false);
      expect(await store.livechat.getIdentitySecret(A, 'o1')).toBe('t'.repeat(32));
      expect(await store.livechat.getIdentitySecret(A, 'o2')).toBeNull();
      expect(await store.livechat.getIdentitySecret(B, 'o1')).toBeNull();
      expect(await store.livechat.deleteIdentitySecret(B, 'o1')).toBe(false);
      expect(await store.livechat.deleteIdentitySecret(A, 'o1')).toBe(true);
      expect(await store.livechat.deleteIdentitySecret(A, 'o1')).toBe(false);
      expect(await store.livechat.getIdentitySecret(A, 'o1')).toBeNull();
    });

    it('claims a replay key once per organization, even under concurrent claims', async () => {
      const claims = await Promise.all(
        Array.from({ length: 10 }, () => store.livechat.claimReplayKey(A, 'o1', 'k1', at(100), at(0))),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await store.livechat.claimReplayKey(A, 'o1', 'k1', at(100), at(1))).toBe(false);
      // Scoped to the organization and tenant.
      expect(await store.livechat.claimReplayKey(A, 'o2', 'k1', at(100), at(1))).toBe(true);
      expect(await store.livechat.claimReplayKey(B, 'o1', 'k1', at(100), at(1))).toBe(true);
    });

    it('purges expired replay keys, which may then be claimed again', async () => {
      expect(await store.livechat.claimReplayKey(A, 'o1', 'k1', at(10), at(0))).toBe(true);
      expect(await store.livechat.claimReplayKey(A, 'o1', 'k1', at(10), at(10))).toBe(false);
      expect(await store.livechat.claimReplayKey(A, 'o1', 'k2', at(100), at(11))).toBe(true);
      expect(await store.livechat.claimReplayKey(A, 'o1', 'k1', at(100), at(12))).toBe(true);
    });

    it('deletes visitors, secret and replay keys with their organization', async () => {
      await store.livechat.insertVisitor(A, user('v1', 'V'), visitor('v1', 'o1', 'h1'));
      await store.livechat.setIdentitySecret(A, 'o1', 's'.repeat(32));
      await store.livechat.claimReplayKey(A, 'o1', 'k1', at(100), at(0));
      expect(await store.livechat.deleteOrganization(A, 'o1')).toBe(true);
      await store.livechat.insertOrganization(A, org('o1'));
      expect(await store.livechat.findVisitorByTokenHash(A, 'o1', 'h1')).toBeNull();
      expect(await store.livechat.getIdentitySecret(A, 'o1')).toBeNull();
      expect(await store.livechat.claimReplayKey(A, 'o1', 'k1', at(100), at(1))).toBe(true);
      // The user stays, with its history.
      expect(await store.getUser(A, 'v1')).not.toBeNull();
    });
  });
}
