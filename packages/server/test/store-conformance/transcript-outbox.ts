import { beforeEach, describe, expect, it } from 'vitest';
import { A, B, at, type StoreSuite } from './helpers.js';
import { conversation, org } from './conversations.js';

const entry = (conversationId: string, dueS: number, email = 'ann@example.com') => ({
  conversationId,
  email,
  dueAt: at(dueS),
  createdAt: at(0),
});

/**
 * The transcript outbox (`transcript-outbox-store.ts`): written by a resolve
 * (`updateConversation` with a schedule) in its own step; due, claim, delete,
 * retry.
 */
export function transcriptOutbox({ store }: StoreSuite): void {
  /** A resolve of a pending conversation whose visitor asked for the transcript at `email`. */
  const resolveAsking = async (tenant: string, conversationId: string, dueS: number, email?: string) =>
    store.livechat.updateConversation(
      tenant,
      conversationId,
      { status: 'pending', agentId: null },
      {
        status: 'resolved',
        resolvedAt: at(0),
        updatedAt: at(0),
        ...(email ? { transcriptEmail: email } : {}),
      },
      { dueAt: at(dueS), createdAt: at(0) },
    );
  /** As above, for rows whose conversation's state the test does not care about. */
  const schedule = async (
    tenant: string,
    conversationId: string,
    dueS: number,
    email = 'ann@example.com',
  ) => {
    const c = await store.livechat.getConversation(tenant, conversationId);
    if (!c) return false;
    const patch = { transcriptEmail: email, updatedAt: at(dueS) };
    const expected = { status: c.status, agentId: c.agentId };
    const done = await store.livechat.updateConversation(tenant, conversationId, expected, patch, {
      dueAt: at(dueS),
      createdAt: at(0),
    });
    return done !== null;
  };

  describe('live-chat transcript outbox', () => {
    beforeEach(async () => {
      for (const tenant of [A, B]) {
        await store.livechat.insertOrganization(tenant, org('o1'));
        await store.livechat.insertConversation(tenant, conversation('c1', 'v1'));
        await store.livechat.insertConversation(tenant, conversation('c2', 'v2'));
      }
    });

    it('is written by the resolve itself, only when it applies and the visitor gave an email', async () => {
      // No email asked: the resolve applies, no row.
      expect((await resolveAsking(A, 'c2', 10))?.status).toBe('resolved');
      // The compare-and-set fails (c1 is not open): nothing at all is written.
      const stale = await store.livechat.updateConversation(
        A,
        'c1',
        { status: 'open', agentId: 'u1' },
        { status: 'resolved', transcriptEmail: 'ann@example.com', updatedAt: at(0) },
        { dueAt: at(10), createdAt: at(0) },
      );
      expect(stale).toBeNull();
      expect(await store.livechat.dueTranscripts(at(999), 10)).toEqual([]);
      expect((await store.livechat.getConversation(A, 'c1'))?.transcriptEmail).toBeNull();
      // It applies, with the email (set by the same patch or before it): one row, to that email.
      const resolved = await resolveAsking(A, 'c1', 10, 'ann@example.com');
      expect(resolved).toMatchObject({ status: 'resolved', transcriptEmail: 'ann@example.com' });
      expect(await store.livechat.dueTranscripts(at(999), 10)).toEqual([
        { ...entry('c1', 10), tenantId: A, attempts: 0, lastError: null },
      ]);
      // Unknown conversation: nothing.
      expect(await resolveAsking(A, 'unknown', 10, 'ann@example.com')).toBeNull();
      expect(await store.livechat.dueTranscripts(at(999), 10)).toHaveLength(1);
    });

    it('keeps one row per conversation, lists the due rows across tenants in due order', async () => {
      expect(await schedule(A, 'c1', 20)).toBe(true);
      expect(await schedule(B, 'c1', 10, 'bo@example.com')).toBe(true);
      expect(await schedule(A, 'c2', 30)).toBe(true);
      expect(await schedule(A, 'unknown', 0)).toBe(false);
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
      await schedule(A, 'c1', 10);
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
      await schedule(A, 'c1', 10);
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
      await schedule(A, 'c1', 10);
      await store.livechat.retryTranscript(A, 'c1', at(10), { dueAt: at(20), attempts: 3, lastError: 'x' });
      expect(await schedule(A, 'c1', 15, 'new@example.com')).toBe(true);
      expect(await store.livechat.dueTranscripts(at(999), 10)).toEqual([
        { ...entry('c1', 15, 'new@example.com'), tenantId: A, attempts: 0, lastError: null },
      ]);
      // The former holder's lease no longer finishes it.
      expect(await store.livechat.deleteTranscript(A, 'c1', at(20))).toBe(false);
    });

    it('goes with its conversation', async () => {
      await schedule(A, 'c1', 10);
      await schedule(B, 'c1', 10);
      expect(await store.livechat.deleteOrganization(A, 'o1')).toBe(true);
      expect((await store.livechat.dueTranscripts(at(999), 10)).map((e) => e.tenantId)).toEqual([B]);
    });
  });
}
