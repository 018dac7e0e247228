import type { Agent, Conversation, EphemeralEvent } from '@parley/protocol';
import type { CoreDeps } from '../deps.js';
import { topics, type UserControl } from '../ports/bus.js';
import { iso } from '../clock.js';

/** Every agent of an organization is told; routing reads as many at once. */
const MAX_AGENTS = 1000;

/**
 * The inbox's live feed: after a conversation is created or changes, every
 * agent of its organization gets a `conversation` event on their live
 * connections, so new and moved conversations appear without polling. It is
 * ephemeral: an inbox that reconnects refetches its list. Changes to agents
 * go the same way (`agent` events).
 */
export class ConversationFeed {
  constructor(private readonly deps: CoreDeps) {}

  async announce(tenantId: string, conversation: Conversation): Promise<void> {
    await this.tellAgents(tenantId, conversation.organizationId, {
      type: 'conversation',
      organizationId: conversation.organizationId,
      conversation,
      at: iso(this.deps.clock.now()),
    });
  }

  /** An agent's change (status, role, capacity, departments), for their colleagues' inboxes. */
  async announceAgent(tenantId: string, agent: Agent): Promise<void> {
    await this.tellAgents(tenantId, agent.organizationId, {
      type: 'agent',
      organizationId: agent.organizationId,
      agent,
      at: iso(this.deps.clock.now()),
    });
  }

  /** Sends the event to the live connections of every agent of the organization. */
  async tellAgents(tenantId: string, organizationId: string, event: EphemeralEvent): Promise<void> {
    const agents = await this.deps.store.livechat.listAgents(tenantId, organizationId, { limit: MAX_AGENTS });
    const control: UserControl = { type: 'event', event };
    for (const agent of agents) await this.deps.bus.publish(topics.user(tenantId, agent.userId), control);
  }
}
