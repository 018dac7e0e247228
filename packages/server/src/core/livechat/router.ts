import type { Agent, Conversation, EphemeralEvent } from '@parley/protocol';
import type { CoreDeps } from '../deps.js';
import type { ConversationRecord } from '../ports/conversation-store.js';
import { topics } from '../ports/bus.js';
import { iso } from '../clock.js';
import { pickAgent, queuePositions, type AgentCandidate, type RequeueReason } from './routing.js';
import type { ConversationThreads } from './conversation-threads.js';
import type { ConversationFeed } from './conversation-feed.js';

/** Enough for any organization this server is sized for; routing reads them all at once. */
const MAX_AGENTS = 1000;
/** Assignments one routing pass makes before it lets others run. */
const MAX_ASSIGNMENTS_PER_PASS = 100;

type Expected = Pick<ConversationRecord, 'status' | 'agentId'>;
export type AssignOutcome = 'assigned' | 'conflict' | 'at_capacity';

/**
 * Applies the routing rules of `routing.ts` with the store: queues per
 * department, automatic assignment, requeues, and queue positions told to
 * the waiting visitors. Every step is a compare-and-set in the store, so
 * several nodes routing the same queue at once cannot assign a conversation
 * twice or push an agent over capacity.
 */
export class Router {
  constructor(
    private readonly deps: CoreDeps,
    private readonly threads: ConversationThreads,
    private readonly feed: ConversationFeed,
  ) {}

  /** The API shape: the record without routing internals, with its queue position. */
  async view(tenantId: string, c: ConversationRecord): Promise<Conversation> {
    const { answerDeadline: _d, requeuedFrom: _r, priority: _p, ...rest } = c;
    return { ...rest, queuePosition: await this.positionOf(tenantId, c) };
  }

  /** Tells the organization's agents (their inboxes) that the conversation was created or changed. */
  async changed(tenantId: string, c: ConversationRecord): Promise<void> {
    await this.feed.announce(tenantId, await this.view(tenantId, c));
  }

  /**
   * Assigns the queue's head to the best agent, again and again, until the
   * queue is empty or nobody can take more; then tells every visitor still
   * waiting their position. `departmentId` null is the organization's own
   * queue (conversations started without a department), served by all its agents.
   */
  async route(tenantId: string, organizationId: string, departmentId: string | null): Promise<void> {
    const { store } = this.deps;
    for (let pass = 0; pass < MAX_ASSIGNMENTS_PER_PASS; pass++) {
      const queue = await store.livechat.queueOf(tenantId, organizationId, departmentId);
      const head = ordered(queue)[0];
      if (!head) break;
      const candidates = await this.candidates(tenantId, organizationId, departmentId);
      // The agent it was taken from is skipped, unless nobody else could take it at all.
      const agentId =
        pickAgent(candidates, { exclude: head.requeuedFrom === null ? [] : [head.requeuedFrom] }) ??
        pickAgent(candidates);
      if (agentId === null) break;
      const maxChats = candidates.find((c) => c.agentId === agentId)!.maxChats;
      await this.assign(
        tenantId,
        head.conversationId,
        { status: 'pending', agentId: null },
        agentId,
        maxChats,
      );
    }
    await this.announcePositions(tenantId, organizationId, departmentId);
  }

  /**
   * Gives the conversation to the agent if it is still as `expected`, and
   * within `maxChats` when given (null: take ignores capacity). The agent
   * joins the thread; whoever had it before leaves it.
   */
  async assign(
    tenantId: string,
    conversationId: string,
    expected: Expected,
    agentId: string,
    maxChats: number | null,
  ): Promise<AssignOutcome> {
    const now = this.deps.clock.now();
    const timeout = this.deps.config.livechat.answerTimeoutMs;
    const result = await this.deps.store.livechat.assignConversation(tenantId, conversationId, expected, {
      agentId,
      at: iso(now),
      answerDeadline: timeout === null ? null : iso(now + timeout),
      maxChats,
    });
    if (result.outcome !== 'assigned') return result.outcome;
    await this.threads.join(tenantId, conversationId, agentId);
    await this.dropFormerAgents(tenantId, result.conversation, agentId);
    await this.threads.showStatus(tenantId, conversationId, 'open');
    await this.changed(tenantId, result.conversation);
    return 'assigned';
  }

  /**
   * Sends an `open` conversation back to its queue (agent offline, no
   * answer), keeping its place, then routes the queue without that agent.
   */
  async requeue(tenantId: string, conversation: ConversationRecord, _reason: RequeueReason): Promise<void> {
    const updated = await this.deps.store.livechat.updateConversation(
      tenantId,
      conversation.id,
      { status: 'open', agentId: conversation.agentId },
      {
        status: 'pending',
        agentId: null,
        requeuedFrom: conversation.agentId,
        answerDeadline: null,
        updatedAt: iso(this.deps.clock.now()),
      },
    );
    if (!updated) return;
    await this.threads.showStatus(tenantId, conversation.id, 'pending');
    await this.changed(tenantId, updated);
    await this.route(tenantId, updated.organizationId, updated.departmentId);
  }

  /** Routes every queue the agent serves: their departments' and the organization's own. */
  async routeFor(tenantId: string, agent: Agent): Promise<void> {
    for (const departmentId of [null, ...agent.departmentIds])
      await this.route(tenantId, agent.organizationId, departmentId);
  }

  /** The conversation's place in its queue (1 = next), or null when it is not waiting. */
  async positionOf(tenantId: string, conversation: ConversationRecord): Promise<number | null> {
    if (conversation.status !== 'pending') return null;
    const queue = await this.deps.store.livechat.queueOf(
      tenantId,
      conversation.organizationId,
      conversation.departmentId,
    );
    return positionsOf(queue).get(conversation.id) ?? null;
  }

  /** Tells each waiting visitor their position, on their conversation's thread (ephemeral). */
  async announcePositions(
    tenantId: string,
    organizationId: string,
    departmentId: string | null,
  ): Promise<void> {
    const queue = await this.deps.store.livechat.queueOf(tenantId, organizationId, departmentId);
    const at = iso(this.deps.clock.now());
    for (const [threadId, position] of positionsOf(queue)) {
      const event: EphemeralEvent = { type: 'queue', threadId, position, at };
      await this.deps.bus.publish(topics.threadEphemeral(tenantId, threadId), event);
    }
  }

  /** The organization's agents who serve the queue, with their current load. */
  async candidates(
    tenantId: string,
    organizationId: string,
    departmentId: string | null,
  ): Promise<AgentCandidate[]> {
    const { store } = this.deps;
    const agents = await store.livechat.listAgents(tenantId, organizationId, { limit: MAX_AGENTS });
    const loads = await store.livechat.agentLoads(tenantId, organizationId);
    return agents
      .filter((a) => departmentId === null || a.departmentIds.includes(departmentId))
      .map((a) => candidateOf(a, loads.get(a.userId)));
  }

  /** The thread's agents are the visitor's company: only the current one stays. */
  private async dropFormerAgents(
    tenantId: string,
    conversation: ConversationRecord,
    keep: string,
  ): Promise<void> {
    const participants = await this.deps.store.listParticipants(tenantId, conversation.id, {
      limit: 50,
      skip: 0,
    });
    for (const p of participants) {
      if (p.userId !== conversation.visitorId && p.userId !== keep)
        await this.threads.leave(tenantId, conversation.id, p.userId);
    }
  }
}

export function candidateOf(
  agent: Agent,
  load: { openChats: number; lastAssignedAt: string | null } | undefined,
): AgentCandidate {
  return {
    agentId: agent.userId,
    status: agent.status,
    openChats: load?.openChats ?? 0,
    maxChats: agent.maxChats,
    lastAssignedAt: load?.lastAssignedAt ? Date.parse(load.lastAssignedAt) : null,
  };
}

type QueueRow = { conversationId: string; enqueuedAt: string; priority: number; requeuedFrom: string | null };

function positionsOf(queue: QueueRow[]): Map<string, number> {
  return queuePositions(
    queue.map((q) => ({
      conversationId: q.conversationId,
      enqueuedAt: Date.parse(q.enqueuedAt),
      priority: q.priority,
    })),
  );
}

function ordered(queue: QueueRow[]): QueueRow[] {
  const positions = positionsOf(queue);
  return [...queue].sort((a, b) => positions.get(a.conversationId)! - positions.get(b.conversationId)!);
}
