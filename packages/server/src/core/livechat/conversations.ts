import type {
  Agent,
  Conversation,
  ListConversationsQuery,
  Message,
  TakeConversationBody,
  TransferConversationBody,
} from '@parley/protocol';
import type { Actor } from '../actor.js';
import type { CoreDeps } from '../deps.js';
import type { ConversationPatch, ConversationRecord } from '../ports/conversation-store.js';
import type { TranscriptSchedule } from '../ports/transcript-outbox-store.js';
import { AppError } from '../errors.js';
import { iso } from '../clock.js';
import { accessOrganization, isAdmin } from '../access.js';
import { decodeCursor, encodeCursor } from '../paging.js';
import { transition, type ConversationAction } from './conversation-status.js';
import { manualAssignmentRefusal, shouldRequeue } from './routing.js';
import { candidateOf, type Router } from './router.js';
import type { ConversationThreads } from './conversation-threads.js';
import type { TranscriptDelivery } from './transcript-delivery.js';

type Page<T> = { items: T[]; nextCursor: string | null };

/**
 * Conversations as agents, supervisors, admins and backends see them: list,
 * read, take, transfer, snooze, wake, resolve, reopen; and the reactions to
 * messages and timers that move a conversation on by themselves. Status
 * changes follow `conversation-status.ts`; assignment follows `routing.ts`.
 *
 * Who may act: API keys and admins on anything; supervisors (and an
 * organization's admins) on any conversation of their organization; agents on
 * the conversations assigned to them, plus taking a waiting one from a queue
 * they serve.
 */
export class Conversations {
  constructor(
    private readonly deps: CoreDeps,
    private readonly router: Router,
    private readonly threads: ConversationThreads,
    private readonly transcriptDelivery: TranscriptDelivery,
  ) {}

  async list(
    actor: Actor,
    organizationId: string,
    query: ListConversationsQuery & { limit: number },
  ): Promise<Page<Conversation>> {
    await accessOrganization(this.deps, actor, organizationId, 'read');
    const before =
      query.cursor === undefined
        ? undefined
        : decodeCursor(query.cursor, (v) =>
            Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string'
              ? { createdAt: v[0], id: v[1] }
              : null,
          );
    const rows = await this.deps.store.livechat.listConversations(actor.tenantId, organizationId, {
      limit: query.limit + 1,
      ...(query.status !== undefined && { status: query.status }),
      ...(query.departmentId !== undefined && { departmentId: query.departmentId }),
      ...(query.agentId !== undefined && { agentId: query.agentId }),
      ...(query.label !== undefined && { label: query.label }),
      ...(query.visitorId !== undefined && { visitorId: query.visitorId }),
      ...(before && { before }),
    });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: await Promise.all(page.map((c) => this.view(actor.tenantId, c))),
      nextCursor: rows.length > query.limit && last ? encodeCursor([last.createdAt, last.id]) : null,
    };
  }

  async get(actor: Actor, organizationId: string, conversationId: string): Promise<Conversation> {
    const { conversation } = await this.access(actor, organizationId, conversationId, 'read');
    return this.view(actor.tenantId, conversation);
  }

  /**
   * An agent takes a conversation: a waiting one from a queue they serve, or
   * (supervisors, admins) one open with someone else. Capacity does not
   * apply: taking is choosing the work. With an API key, `agentId` names the agent.
   */
  async take(
    actor: Actor,
    organizationId: string,
    conversationId: string,
    body: TakeConversationBody,
  ): Promise<Conversation> {
    const { conversation, agent: self } = await this.access(actor, organizationId, conversationId, 'take');
    const agentId = self?.userId ?? body.agentId;
    if (agentId === undefined)
      throw new AppError('invalid_request', 'Name the agent who takes it.', { field: 'agentId' });
    if (self && body.agentId !== undefined && body.agentId !== self.userId)
      throw new AppError(
        'forbidden',
        'Agents take conversations for themselves; use transfer to hand one over.',
      );
    return this.handTo(actor.tenantId, organizationId, conversation, agentId, 'take');
  }

  /** Hands the conversation to another agent (online, under capacity) or to a department's queue. */
  async transfer(
    actor: Actor,
    organizationId: string,
    conversationId: string,
    body: TransferConversationBody,
  ): Promise<Conversation> {
    const { conversation } = await this.access(actor, organizationId, conversationId, 'act');
    if ('agentId' in body)
      return this.handTo(actor.tenantId, organizationId, conversation, body.agentId, 'transfer');
    const { store } = this.deps;
    if (!(await store.livechat.getDepartment(actor.tenantId, organizationId, body.departmentId)))
      throw new AppError('department_not_found', undefined, { field: 'departmentId' });
    // A waiting conversation just changes queue (keeping its place in time); an open one is requeued.
    const waiting = conversation.status === 'pending';
    if (!waiting) transition(conversation.status, { type: 'requeue' }, this.deps.clock.now());
    const updated = await this.change(actor.tenantId, conversation, {
      status: 'pending',
      agentId: null,
      departmentId: body.departmentId,
      ...(!waiting && { requeuedFrom: conversation.agentId }),
      answerDeadline: null,
    });
    await this.threads.showStatus(actor.tenantId, updated.id, 'pending');
    await this.router.route(actor.tenantId, organizationId, updated.departmentId);
    // The former department's visitors behind it moved up one.
    await this.router.announcePositions(actor.tenantId, organizationId, conversation.departmentId);
    // The former agent's freed capacity may serve their queues.
    await this.routeFormerAgent(actor.tenantId, conversation.agentId);
    return this.view(actor.tenantId, await this.reload(actor.tenantId, updated.id));
  }

  async snooze(
    actor: Actor,
    organizationId: string,
    conversationId: string,
    until: string,
  ): Promise<Conversation> {
    const { conversation } = await this.access(actor, organizationId, conversationId, 'act');
    const untilMs = Date.parse(until);
    const snoozed = await this.apply(
      actor.tenantId,
      conversation,
      { type: 'snooze', until: untilMs },
      {
        snoozedUntil: iso(untilMs),
        answerDeadline: null,
      },
    );
    // Only open conversations count against capacity: snoozing one may let the queue in.
    if (conversation.status === 'open') await this.routeFormerAgent(actor.tenantId, conversation.agentId);
    return snoozed;
  }

  async wake(actor: Actor, organizationId: string, conversationId: string): Promise<Conversation> {
    const { conversation } = await this.access(actor, organizationId, conversationId, 'act');
    return this.apply(actor.tenantId, conversation, { type: 'wake' }, { snoozedUntil: null });
  }

  /** Closes it, frees the agent's capacity, and mails the transcript if the visitor asked. */
  async resolve(actor: Actor, organizationId: string, conversationId: string): Promise<Conversation> {
    const { conversation } = await this.access(actor, organizationId, conversationId, 'act');
    return this.resolveNow(actor.tenantId, conversation);
  }

  /** Opens a resolved conversation again: back to its queue, routed afresh. */
  async reopen(actor: Actor, organizationId: string, conversationId: string): Promise<Conversation> {
    const { conversation } = await this.access(actor, organizationId, conversationId, 'act');
    return this.reopenNow(actor.tenantId, conversation, { type: 'reopen' });
  }

  /**
   * After a message is stored in a conversation's thread: the visitor writing
   * wakes a snoozed conversation and reopens a resolved one; the assigned
   * agent's first reply stops the answer timer (and ends a snooze).
   */
  async afterMessage(tenantId: string, message: Message): Promise<void> {
    const conversation = await this.deps.store.livechat.getConversation(tenantId, message.threadId);
    if (!conversation || message.senderId === null) return;
    if (message.senderId === conversation.visitorId) {
      if (conversation.status === 'snoozed') {
        await this.apply(tenantId, conversation, { type: 'visitor_message' }, { snoozedUntil: null });
      } else if (conversation.status === 'resolved') {
        const latest = await this.deps.store.livechat.latestConversationOf(tenantId, conversation.visitorId);
        // A newer conversation is open: that one is where the visitor is talking now.
        if (latest?.id === conversation.id)
          await this.reopenNow(tenantId, conversation, { type: 'visitor_message' });
      }
    } else if (message.senderId === conversation.agentId && conversation.status !== 'resolved') {
      if (conversation.status === 'pending') return;
      // Only the first reply (or one ending a snooze) changes anything: the agent's later messages
      // cost no write and no feed announcement on the send path.
      const answered = conversation.firstAgentReplyAt !== null && conversation.firstResponseAt !== null;
      if (answered && conversation.status === 'open') return;
      const now = iso(this.deps.clock.now());
      await this.apply(
        tenantId,
        conversation,
        { type: 'agent_reply' },
        {
          firstAgentReplyAt: conversation.firstAgentReplyAt ?? now,
          firstResponseAt: conversation.firstResponseAt ?? now,
          answerDeadline: null,
          snoozedUntil: null,
        },
      );
    }
  }

  /**
   * Fires the timers that are due at `nowMs` on any tenant: unanswered
   * assignments go back to their queue, snoozes end. Safe on every node at
   * once: each step is a compare-and-set, so one node wins and the rest find
   * nothing left to do.
   */
  async fireDueTimers(nowMs: number): Promise<number> {
    const due = await this.deps.store.livechat.dueConversations(iso(nowMs), 100);
    for (const { tenantId, conversationId, reason } of due) {
      const conversation = await this.deps.store.livechat.getConversation(tenantId, conversationId);
      if (!conversation) continue;
      if (reason === 'snooze_over' && conversation.status === 'snoozed') {
        await this.apply(tenantId, conversation, { type: 'wake' }, { snoozedUntil: null }).catch(
          ignoreConflict,
        );
      } else if (reason === 'answer_deadline' && conversation.status === 'open' && conversation.agentId) {
        const agent = await this.deps.store.livechat.getAgent(tenantId, conversation.agentId);
        const verdict = shouldRequeue(
          {
            agentStatus: agent?.status ?? 'offline',
            assignedAt: Date.parse(conversation.assignedAt ?? conversation.updatedAt),
            firstAgentReplyAt: conversation.firstAgentReplyAt
              ? Date.parse(conversation.firstAgentReplyAt)
              : null,
          },
          nowMs,
          { answerTimeoutMs: this.deps.config.livechat.answerTimeoutMs },
        );
        if (verdict) await this.router.requeue(tenantId, conversation, verdict);
      }
    }
    return due.length;
  }

  /** Resolves it, and mails the transcript (through the outbox) when the visitor asked for it. */
  private async resolveNow(tenantId: string, conversation: ConversationRecord): Promise<Conversation> {
    const now = this.deps.clock.now();
    // The transcript's outbox row, if the visitor asked for one, is written with the resolve.
    const transcript = this.transcriptDelivery.scheduleAtResolve(now);
    const updated = await this.transitionTo(
      tenantId,
      conversation,
      { type: 'resolve' },
      { resolvedAt: iso(now), snoozedUntil: null, answerDeadline: null },
      transcript,
    );
    await this.threads.showStatus(tenantId, updated.id, 'resolved');
    if (conversation.status === 'pending')
      await this.router.announcePositions(tenantId, updated.organizationId, updated.departmentId);
    else await this.router.route(tenantId, updated.organizationId, updated.departmentId);
    // The conversation is resolved whatever the mail server says: failing the call now would
    // report a change that happened as refused, and a retry would only meet a state conflict.
    // So the transcript goes through the outbox, which never rejects and retries what the mail
    // server does not take now.
    if (updated.transcriptEmail !== null)
      await this.transcriptDelivery.sendAtResolve(tenantId, updated.id, updated.transcriptEmail, transcript);
    return this.view(tenantId, updated);
  }

  private async reopenNow(
    tenantId: string,
    conversation: ConversationRecord,
    action: ConversationAction,
  ): Promise<Conversation> {
    const updated = await this.transitionTo(tenantId, conversation, action, {
      agentId: null,
      requeuedFrom: null,
      resolvedAt: null,
      enqueuedAt: iso(this.deps.clock.now()),
    });
    await this.threads.showStatus(tenantId, updated.id, 'pending');
    await this.router.route(tenantId, updated.organizationId, updated.departmentId);
    return this.view(tenantId, await this.reload(tenantId, updated.id));
  }

  private async handTo(
    tenantId: string,
    organizationId: string,
    conversation: ConversationRecord,
    agentId: string,
    kind: 'take' | 'transfer',
  ): Promise<Conversation> {
    const { store } = this.deps;
    const target = await store.livechat.getAgent(tenantId, agentId);
    if (target?.organizationId !== organizationId)
      throw new AppError('agent_not_found', undefined, { field: 'agentId' });
    transition(conversation.status, { type: 'assign' }, this.deps.clock.now());
    if (conversation.agentId === agentId)
      throw new AppError('conversation_state_conflict', 'The agent already has it.');
    const loads = await store.livechat.agentLoads(tenantId, organizationId);
    const refusal = manualAssignmentRefusal(candidateOf(target, loads.get(agentId)), kind);
    if (refusal) throw new AppError('agent_unavailable', refusalMessage(refusal));
    const outcome = await this.router.assign(
      tenantId,
      conversation.id,
      { status: conversation.status, agentId: conversation.agentId },
      agentId,
      kind === 'transfer' ? target.maxChats : null,
    );
    if (outcome === 'at_capacity')
      throw new AppError('agent_unavailable', refusalMessage('agent_at_capacity'));
    if (outcome === 'conflict')
      throw new AppError('conversation_state_conflict', 'The conversation changed meanwhile.');
    const updated = await this.reload(tenantId, conversation.id);
    if (conversation.status === 'pending')
      await this.router.announcePositions(tenantId, organizationId, conversation.departmentId);
    // The former agent's freed capacity may serve the queue.
    else await this.routeFormerAgent(tenantId, conversation.agentId);
    return this.view(tenantId, updated);
  }

  /** Routes the queues an agent serves after one of their open conversations left them. */
  private async routeFormerAgent(tenantId: string, agentId: string | null): Promise<void> {
    if (agentId === null) return;
    const former = await this.deps.store.livechat.getAgent(tenantId, agentId);
    if (former) await this.router.routeFor(tenantId, former);
  }

  /** `transition` checks the action, then the change is a compare-and-set on the state it was checked on. */
  private async apply(
    tenantId: string,
    conversation: ConversationRecord,
    action: ConversationAction,
    patch: Omit<ConversationPatch, 'updatedAt' | 'status'>,
  ): Promise<Conversation> {
    return this.view(tenantId, await this.transitionTo(tenantId, conversation, action, patch));
  }

  private async transitionTo(
    tenantId: string,
    conversation: ConversationRecord,
    action: ConversationAction,
    patch: Omit<ConversationPatch, 'updatedAt' | 'status'>,
    transcript?: TranscriptSchedule,
  ): Promise<ConversationRecord> {
    const status = transition(conversation.status, action, this.deps.clock.now());
    return this.change(tenantId, conversation, { ...patch, status }, transcript);
  }

  private async change(
    tenantId: string,
    conversation: ConversationRecord,
    patch: Omit<ConversationPatch, 'updatedAt'>,
    transcript?: TranscriptSchedule,
  ): Promise<ConversationRecord> {
    const updated = await this.deps.store.livechat.updateConversation(
      tenantId,
      conversation.id,
      { status: conversation.status, agentId: conversation.agentId },
      { ...patch, updatedAt: iso(this.deps.clock.now()) },
      transcript,
    );
    if (!updated)
      throw new AppError('conversation_state_conflict', 'The conversation changed meanwhile; reload it.');
    await this.router.changed(tenantId, updated);
    return updated;
  }

  private async reload(tenantId: string, conversationId: string): Promise<ConversationRecord> {
    const conversation = await this.deps.store.livechat.getConversation(tenantId, conversationId);
    if (!conversation) throw new AppError('conversation_not_found');
    return conversation;
  }

  /** The API shape: the record without routing internals, with its queue position. */
  view(tenantId: string, c: ConversationRecord): Promise<Conversation> {
    return this.router.view(tenantId, c);
  }

  /**
   * The conversation, if the caller may act on it. `read`: anyone who may
   * read the organization; `take`: an agent serving its queue (or anyone
   * above); `act`: its assigned agent, or a supervisor, admin or API key.
   * Unknown ids and other organizations' are `conversation_not_found`.
   */
  private async access(
    actor: Actor,
    organizationId: string,
    conversationId: string,
    need: 'read' | 'take' | 'act',
  ): Promise<{ conversation: ConversationRecord; agent: Agent | null }> {
    await accessOrganization(this.deps, actor, organizationId, 'read');
    const conversation = await this.deps.store.livechat.getConversation(actor.tenantId, conversationId);
    if (conversation?.organizationId !== organizationId) throw new AppError('conversation_not_found');
    const agent =
      actor.kind === 'user' ? await this.deps.store.livechat.getAgent(actor.tenantId, actor.userId) : null;
    // A tenant admin may act on anything; when they are also an agent here, `take` is for themselves.
    if (isAdmin(actor))
      return { conversation, agent: agent?.organizationId === organizationId ? agent : null };
    if (!agent) throw new AppError('forbidden');
    if (need === 'read' || agent.role !== 'agent') return { conversation, agent };
    if (need === 'act' && conversation.agentId === agent.userId) return { conversation, agent };
    const serves =
      conversation.departmentId === null || agent.departmentIds.includes(conversation.departmentId);
    if (need === 'take' && conversation.status === 'pending' && serves) return { conversation, agent };
    throw new AppError(
      'forbidden',
      'Agents act on their own conversations and take waiting ones from their queues.',
    );
  }
}

function refusalMessage(refusal: 'agent_offline' | 'agent_away' | 'agent_at_capacity'): string {
  return {
    agent_offline: 'The agent is offline.',
    agent_away: 'The agent is away.',
    agent_at_capacity: 'The agent has as many open conversations as they can take.',
  }[refusal];
}

/** A timer that lost a race with another node or an agent: nothing to do. */
function ignoreConflict(err: unknown): void {
  if (
    err instanceof AppError &&
    (err.code === 'conversation_state_conflict' || err.code === 'invalid_request')
  )
    return;
  throw err;
}
