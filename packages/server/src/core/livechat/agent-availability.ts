import type { Agent } from '@parley/protocol';
import type { CoreDeps } from '../deps.js';
import { iso } from '../clock.js';
import type { Router } from './router.js';
import type { ConversationFeed } from './conversation-feed.js';

/**
 * What an agent's status means for routing, and the automatic away:
 * - `online` (chosen, or back from an automatic away): their queues are routed.
 * - `offline`: their open conversations go back to the queues.
 * - When an online agent's last connection closes, they stay online for a
 *   grace period (a reload, a flaky network), then become `away`: they keep
 *   their conversations but get no new ones. Reconnecting undoes an
 *   automatic away, never one the agent chose.
 */
export class AgentAvailability {
  constructor(
    private readonly deps: CoreDeps,
    private readonly router: Router,
    private readonly feed: ConversationFeed,
  ) {}

  /** After any change to an agent (status, departments, capacity): apply what it means. */
  async changed(tenantId: string, agent: Agent): Promise<void> {
    await this.feed.announceAgent(tenantId, agent);
    if (agent.status === 'online') return this.router.routeFor(tenantId, agent);
    if (agent.status !== 'offline') return;
    const open = await this.deps.store.livechat.openConversationsOf(tenantId, agent.userId);
    for (const conversation of open) await this.router.requeue(tenantId, conversation, 'agent_offline');
  }

  /** A user came online or went offline on every node (announced once, on one node). */
  async presenceChanged(tenantId: string, userId: string, status: 'online' | 'offline'): Promise<void> {
    const { store, clock } = this.deps;
    if (status === 'offline')
      return store.livechat.setAgentDisconnectedAt(tenantId, userId, iso(clock.now()));
    await store.livechat.setAgentDisconnectedAt(tenantId, userId, null);
    if (!(await store.livechat.isAwayAutomatic(tenantId, userId))) return;
    if (await store.livechat.switchAgentStatus(tenantId, userId, 'away', 'online', false, iso(clock.now()))) {
      const agent = await store.livechat.getAgent(tenantId, userId);
      if (agent) await this.changed(tenantId, agent);
    }
  }

  /** Sets `away` every online agent disconnected for longer than the grace period. */
  async awayAfterGrace(nowMs: number): Promise<number> {
    const { store, config } = this.deps;
    const cutoff = iso(nowMs - config.livechat.awayGraceMs);
    const due = await store.livechat.agentsDisconnectedSince(cutoff, 100);
    for (const { tenantId, userId } of due) {
      if (!(await store.livechat.switchAgentStatus(tenantId, userId, 'online', 'away', true, iso(nowMs))))
        continue;
      // Away changes nothing for routing; the colleagues' inboxes are told.
      const agent = await store.livechat.getAgent(tenantId, userId);
      if (agent) await this.feed.announceAgent(tenantId, agent);
    }
    return due.length;
  }
}
