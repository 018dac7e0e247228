import { beforeEach, describe, expect, it } from 'vitest';
import type { Organization } from '@parley/protocol';
import type { ConversationRecord } from '../../src/core/ports/conversation-store.js';
import { defaultWidgetSettings } from '../../src/core/livechat/widget-settings.js';
import { A, B, at, user, type StoreSuite } from './helpers.js';

export function org(id: string): Organization {
  return { id, name: `Org ${id}`, createdAt: at(0), updatedAt: at(0) };
}

export function conversation(
  id: string,
  visitorId: string,
  s = 0,
  extra: Partial<ConversationRecord> = {},
): ConversationRecord {
  return {
    id,
    organizationId: 'o1',
    departmentId: null,
    visitorId,
    source: 'chat',
    status: 'pending',
    agentId: null,
    answers: { name: 'Zoé' },
    page: { url: 'https://shop.example/cart', title: 'Cart' },
    client: {
      userAgent: 'Mozilla/5.0',
      language: 'fr-FR',
      timeZone: 'Europe/Paris',
      location: null,
      geo: 'FR',
    },
    rating: null,
    labels: [],
    transcriptEmail: null,
    enqueuedAt: at(s),
    assignedAt: null,
    firstAgentReplyAt: null,
    firstResponseAt: null,
    snoozedUntil: null,
    resolvedAt: null,
    answerDeadline: null,
    requeuedFrom: null,
    priority: 0,
    createdAt: at(s),
    updatedAt: at(s),
    ...extra,
  };
}

const assignment = (agentId: string, s: number, maxChats: number | null = null) => ({
  agentId,
  at: at(s),
  answerDeadline: at(s + 60),
  maxChats,
});

/** Conversations and routing state (`conversation-store.ts`). */
export function conversations({ store }: StoreSuite): void {
  describe('live-chat conversations', () => {
    beforeEach(async () => {
      await store.livechat.insertOrganization(A, org('o1'));
      await store.livechat.insertOrganization(B, org('o1'));
      for (const id of ['ag1', 'ag2']) {
        await store.insertUser(A, user(id, `Agent ${id}`));
        await store.livechat.insertAgent(A, {
          userId: id,
          organizationId: 'o1',
          role: 'agent',
          maxChats: 2,
          status: 'online',
          createdAt: at(0),
          updatedAt: at(0),
        });
      }
    });

    it('keeps one open conversation per visitor, even under concurrent inserts', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.livechat.insertConversation(A, conversation(`c${i}`, 'v1')),
        ),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const winner = results.find((r) => r.created)!.conversation;
      for (const r of results) expect(r.conversation.id).toBe(winner.id);
      expect(winner).toEqual(conversation(winner.id, 'v1'));
      // Another tenant's visitor of the same id is another visitor.
      expect(
        (await store.livechat.insertConversation(B, conversation('cb', 'v1', 0, { organizationId: 'o1' })))
          .created,
      ).toBe(true);
      // Once resolved, a new one may start.
      await store.livechat.updateConversation(
        A,
        winner.id,
        { status: 'pending', agentId: null },
        {
          status: 'resolved',
          resolvedAt: at(5),
          updatedAt: at(5),
        },
      );
      const next = await store.livechat.insertConversation(A, conversation('c-next', 'v1', 6));
      expect(next.created).toBe(true);
      expect((await store.livechat.latestConversationOf(A, 'v1'))?.id).toBe('c-next');
      expect(await store.livechat.getConversation(B, 'c-next')).toBeNull();
    });

    it('changes a conversation only from the expected status and agent', async () => {
      await store.livechat.insertConversation(A, conversation('c1', 'v1'));
      const wrong = await store.livechat.updateConversation(
        A,
        'c1',
        { status: 'open', agentId: 'ag1' },
        {
          status: 'resolved',
          updatedAt: at(1),
        },
      );
      expect(wrong).toBeNull();
      const rating = { score: 4, comment: 'ok', ratedAt: at(2) };
      const rated = await store.livechat.updateConversation(
        A,
        'c1',
        { status: 'pending', agentId: null },
        {
          rating,
          transcriptEmail: 'v@example.com',
          updatedAt: at(2),
        },
      );
      expect(rated).toMatchObject({
        status: 'pending',
        rating,
        transcriptEmail: 'v@example.com',
        updatedAt: at(2),
      });
      expect(
        await store.livechat.updateConversation(
          B,
          'c1',
          { status: 'pending', agentId: null },
          { updatedAt: at(3) },
        ),
      ).toBeNull();
    });

    it('assigns within capacity, counted atomically, and reports conflicts', async () => {
      for (const i of [1, 2, 3, 4])
        await store.livechat.insertConversation(A, conversation(`c${i}`, `v${i}`, i));
      const outcomes = await Promise.all(
        [1, 2, 3, 4].map((i) =>
          store.livechat.assignConversation(
            A,
            `c${i}`,
            { status: 'pending', agentId: null },
            assignment('ag1', 10, 2),
          ),
        ),
      );
      expect(outcomes.filter((o) => o.outcome === 'assigned')).toHaveLength(2);
      expect(outcomes.filter((o) => o.outcome === 'at_capacity')).toHaveLength(2);
      const assigned = outcomes.find((o) => o.outcome === 'assigned');
      expect(assigned).toMatchObject({
        conversation: { status: 'open', agentId: 'ag1', assignedAt: at(10), answerDeadline: at(70) },
      });
      // Without a capacity (a take), the agent gets it anyway; a stale expectation is a conflict.
      const waiting = (await store.livechat.queueOf(A, 'o1', null)).map((q) => q.conversationId);
      expect(waiting).toHaveLength(2);
      expect(
        (
          await store.livechat.assignConversation(
            A,
            waiting[0]!,
            { status: 'pending', agentId: null },
            assignment('ag1', 11),
          )
        ).outcome,
      ).toBe('assigned');
      expect(
        (
          await store.livechat.assignConversation(
            A,
            waiting[0]!,
            { status: 'pending', agentId: null },
            assignment('ag2', 12),
          )
        ).outcome,
      ).toBe('conflict');
      const loads = await store.livechat.agentLoads(A, 'o1');
      expect(loads.get('ag1')).toEqual({ openChats: 3, lastAssignedAt: at(11) });
      expect(loads.has('ag2')).toBe(false);
      expect((await store.livechat.openConversationsOf(A, 'ag1')).map((c) => c.agentId)).toEqual([
        'ag1',
        'ag1',
        'ag1',
      ]);
    });

    it('lists by organization with filters and pages, newest first', async () => {
      for (const i of [1, 2, 3])
        await store.livechat.insertConversation(A, conversation(`c${i}`, `v${i}`, i));
      await store.livechat.insertConversation(A, conversation('d1', 'v9', 4, { departmentId: 'dep-1' }));
      const all = await store.livechat.listConversations(A, 'o1', { limit: 10 });
      expect(all.map((c) => c.id)).toEqual(['d1', 'c3', 'c2', 'c1']);
      const page = await store.livechat.listConversations(A, 'o1', {
        limit: 2,
        before: { createdAt: at(3), id: 'c3' },
      });
      expect(page.map((c) => c.id)).toEqual(['c2', 'c1']);
      expect(
        (await store.livechat.listConversations(A, 'o1', { limit: 10, departmentId: 'dep-1' })).map(
          (c) => c.id,
        ),
      ).toEqual(['d1']);
      expect(await store.livechat.listConversations(A, 'o1', { limit: 10, status: 'open' })).toEqual([]);
      expect((await store.livechat.queueOf(A, 'o1', 'dep-1')).map((q) => q.conversationId)).toEqual(['d1']);
      expect(await store.livechat.listConversations(B, 'o1', { limit: 10 })).toEqual([]);
    });

    it('finds due answer deadlines and snoozes across tenants', async () => {
      await store.livechat.insertConversation(A, conversation('c1', 'v1'));
      await store.livechat.assignConversation(
        A,
        'c1',
        { status: 'pending', agentId: null },
        assignment('ag1', 1),
      );
      await store.livechat.insertConversation(A, conversation('c2', 'v2'));
      await store.livechat.assignConversation(
        A,
        'c2',
        { status: 'pending', agentId: null },
        assignment('ag2', 1),
      );
      await store.livechat.updateConversation(
        A,
        'c2',
        { status: 'open', agentId: 'ag2' },
        {
          status: 'snoozed',
          snoozedUntil: at(30),
          answerDeadline: null,
          updatedAt: at(2),
        },
      );
      expect(await store.livechat.dueConversations(at(29), 10)).toEqual([]);
      expect(await store.livechat.dueConversations(at(30), 10)).toEqual([
        { tenantId: A, conversationId: 'c2', reason: 'snooze_over' },
      ]);
      expect(await store.livechat.dueConversations(at(61), 10)).toEqual([
        { tenantId: A, conversationId: 'c1', reason: 'answer_deadline' },
        { tenantId: A, conversationId: 'c2', reason: 'snooze_over' },
      ]);
    });

    it('tracks disconnected agents and switches status only from the expected one', async () => {
      await store.livechat.setAgentDisconnectedAt(A, 'ag1', at(5));
      expect(await store.livechat.agentsDisconnectedSince(at(4), 10)).toEqual([]);
      expect(await store.livechat.agentsDisconnectedSince(at(5), 10)).toEqual([
        { tenantId: A, userId: 'ag1' },
      ]);
      expect(await store.livechat.switchAgentStatus(A, 'ag1', 'away', 'online', false, at(6))).toBeNull();
      expect(await store.livechat.switchAgentStatus(A, 'ag1', 'online', 'away', true, at(6))).toEqual({
        organizationId: 'o1',
      });
      expect(await store.livechat.isAwayAutomatic(A, 'ag1')).toBe(true);
      // No longer online: not listed again.
      expect(await store.livechat.agentsDisconnectedSince(at(9), 10)).toEqual([]);
      // A status the agent (or an admin) chooses is never automatic.
      await store.livechat.updateAgent(A, 'o1', 'ag1', { status: 'away', updatedAt: at(7) });
      expect(await store.livechat.isAwayAutomatic(A, 'ag1')).toBe(false);
      await store.livechat.setAgentDisconnectedAt(A, 'ag1', null);
      expect(await store.livechat.isAwayAutomatic(B, 'ag1')).toBe(false);
    });

    it('knows every origin some widget allows, in any tenant', async () => {
      await store.livechat.ensureWidget(A, 'o1', 'wk_a');
      expect(await store.livechat.embeddingOrigins()).toEqual([]);
      const settings = (origins: string[]) => ({ ...defaultWidgetSettings(), allowedOrigins: origins });
      await store.livechat.saveWidgetSettings(
        A,
        'o1',
        settings(['https://a.example', 'https://b.example']),
        'wk_a',
        at(1),
      );
      await store.livechat.saveWidgetSettings(
        B,
        'o1',
        settings(['https://b.example', 'https://c.example']),
        'wk_b',
        at(1),
      );
      expect((await store.livechat.embeddingOrigins()).sort()).toEqual([
        'https://a.example',
        'https://b.example',
        'https://c.example',
      ]);
    });
  });
}
