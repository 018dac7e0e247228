import { beforeEach, describe, expect, it } from 'vitest';
import { A, B, at, type StoreSuite } from './helpers.js';
import { conversation, org } from './conversations.js';

const entry = (conversationId: string, dueS: number, email = 'ann@example.com') => ({
  conversationId,
  email,
  dueAt: at(dueS),
  createdAt: at(0),
});

/** The transcript outbox (`transcript-outbox-store.ts`): schedule, due, claim, delete, retry. */
export function transcriptOutbox({ store }: StoreSuite): void {
  describe('live-chat transcript outbox', () => {
    beforeEach(async () => {
      for (const tenant of [A, B]) {
        await store.livechat.insertOrganization(tenant, org('o1'));
        await store.livechat.insertConversation(tenant, conversation('c1', 'v1'));
        await store.livechat.insertConversation(tenant, conversation('c2', 'v2'));
      }
    });

    it('schedules per conversation, lists the due rows across tenants in due order', async () => {
      expect(await store.livechat.scheduleTranscript(A, entry('c1', 20))).toBe(true);
      expect(await store.livechat.scheduleTranscript(B, entry('c1', 10, 'bo@example.com'))).toBe(true);
      expect(await store.livechat.scheduleTranscript(A, entry('c2', 30))).toBe(true);
      expect(await store.livechat.scheduleTranscript(A, entry('unknown', 0))).toBe(false);
      expect(await store.livechat.dueTranscripts(at(5), 10)).toEqual([]);
      expect(await store.livechat.dueTranscripts(at(20), 10)).toEqual([
        {
          tenantId: B,
          conversationId: 'c1',
          email: 'bo@example.com',
          dueAt: at(10),
          attempts: 0,
          lastError: null,
          createdAt: at(0),
        },
        {
          tenantId: A,
          conversationId: 'c1',
          email: 'ann@example.com',
          dueAt: at(20),
          attempts: 0,
          lastError: null,
          createdAt: at(0),
        },
      ]);
      expect((await store.livechat.dueTranscripts(at(99), 1)).map((e) => e.dueAt)).toEqual([at(10)]);
    });

    it('lets one claim win among claims on the same due time', async () => {
      await store.livechat.scheduleTranscript(A, entry('c1', 10));
      const claims = await Promise.all(
        [60, 61, 62, 63].map((s) => store.livechat.claimTranscript(A, 'c1', at(10), at(s))),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      const lease = at(60 + claims.indexOf(true));
      // Claimed: due again only when the lease ends; a stale claim loses.
      expect(await store.livechat.dueTranscripts(at(30), 10)).toEqual([]);
      expect((await store.livechat.dueTranscripts(lease, 10)).map((e) => e.dueAt)).toEqual([lease]);
      expect(await store.livechat.claimTranscript(A, 'c1', at(10), at(70))).toBe(false);
      expect(await store.livechat.claimTranscript(B, 'c1', lease, at(70))).toBe(false);
      expect(await store.livechat.claimTranscript(A, 'unknown', at(10), at(70))).toBe(false);
    });

    it('deletes and reschedules only while the lease is the caller’s', async () => {
      await store.livechat.scheduleTranscript(A, entry('c1', 10));
      const retry = { dueAt: at(120), attempts: 1, lastError: 'mail unavailable: ECONNREFUSED' };
      expect(await store.livechat.retryTranscript(A, 'c1', at(99), retry)).toBe(false);
      expect(await store.livechat.deleteTranscript(A, 'c1', at(99))).toBe(false);
      expect(await store.livechat.retryTranscript(A, 'c1', at(10), retry)).toBe(true);
      expect(await store.livechat.dueTranscripts(at(120), 10)).toEqual([
        { ...entry('c1', 120), tenantId: A, attempts: 1, lastError: retry.lastError },
      ]);
      // Claimed again: the new lease is what finishes it.
      expect(await store.livechat.claimTranscript(A, 'c1', at(120), at(180))).toBe(true);
      expect(await store.livechat.deleteTranscript(A, 'c1', at(120))).toBe(false);
      expect(await store.livechat.deleteTranscript(A, 'c1', at(180))).toBe(true);
      expect(await store.livechat.dueTranscripts(at(999), 10)).toEqual([]);
      expect(await store.livechat.deleteTranscript(A, 'c1', at(180))).toBe(false);
    });

    it('replaces a row when scheduled again, attempts reset', async () => {
      await store.livechat.scheduleTranscript(A, entry('c1', 10));
      await store.livechat.retryTranscript(A, 'c1', at(10), { dueAt: at(20), attempts: 3, lastError: 'x' });
      expect(await store.livechat.scheduleTranscript(A, entry('c1', 15, 'new@example.com'))).toBe(true);
      expect(await store.livechat.dueTranscripts(at(999), 10)).toEqual([
        { ...entry('c1', 15, 'new@example.com'), tenantId: A, attempts: 0, lastError: null },
      ]);
      // The former holder's lease no longer finishes it.
      expect(await store.livechat.deleteTranscript(A, 'c1', at(20))).toBe(false);
    });

    it('goes with its conversation', async () => {
      await store.livechat.scheduleTranscript(A, entry('c1', 10));
      await store.livechat.scheduleTranscript(B, entry('c1', 10));
      expect(await store.livechat.deleteOrganization(A, 'o1')).toBe(true);
      expect((await store.livechat.dueTranscripts(at(999), 10)).map((e) => e.tenantId)).toEqual([B]);
    });
  });
}
