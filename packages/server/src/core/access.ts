import type { Organization, Thread } from '@parley/protocol';
import type { Actor, UserActor } from './actor.js';
import type { CoreDeps } from './deps.js';
import type { ParticipantRecord } from './ports/store.js';
import { AppError } from './errors.js';
import { isConversationThread } from './livechat/conversation-threads.js';

/**
 * Every permission rule lives here; REST, WebSocket and any later transport
 * call these and hold no rule of their own.
 */

/** Tenant administration: API keys, or users whose role is admin and whose token has the admin scope. */
export function requireAdmin(actor: Actor): void {
  if (actor.kind === 'service') return;
  if (actor.role === 'admin' && actor.scopes.includes('admin')) return;
  throw new AppError('forbidden', 'This needs an API key or an admin token.');
}

/** Reading the tenant's directory of users (contact search). */
export function requireUserDirectory(actor: Actor): void {
  if (actor.kind === 'service') return;
  if (actor.scopes.includes('users.read') || (actor.role === 'admin' && actor.scopes.includes('admin')))
    return;
  throw new AppError('forbidden', 'This needs the users.read scope.');
}

/** Chat actions need a token with the chat scope. */
export function requireChat(actor: Actor): void {
  if (actor.kind === 'user' && !actor.scopes.includes('chat')) {
    throw new AppError('forbidden', 'This needs the chat scope.');
  }
}

export function requireUser(actor: Actor, what: string): UserActor {
  if (actor.kind !== 'user')
    throw new AppError('forbidden', `${what} needs a user access token, not an API key.`);
  requireChat(actor);
  return actor;
}

/**
 * What the caller wants to do with a thread:
 * - `read`: see it, its messages, participants and receipts;
 * - `write`: send messages, add participants, change the topic;
 * - `own`: delete the thread, remove others, moderate others' messages.
 */
export type ThreadNeed = 'read' | 'write' | 'own';

export interface ThreadAccess {
  thread: Thread;
  /** The caller's participation; null for service actors and for agents reading a conversation they do not have. */
  participant: ParticipantRecord | null;
}

/**
 * The one accessor for threads. A user who is not a participant gets
 * `thread_not_found`, exactly as for a thread that does not exist, so that
 * thread ids leak nothing across users or tenants.
 */
export async function accessThread(
  deps: CoreDeps,
  actor: Actor,
  threadId: string,
  need: ThreadNeed,
): Promise<ThreadAccess> {
  requireChat(actor);
  const thread = await deps.store.getThread(actor.tenantId, threadId);
  if (!thread) throw new AppError('thread_not_found');
  if (actor.kind === 'service') return { thread, participant: null };
  const participant = await deps.store.getParticipant(actor.tenantId, threadId, actor.userId);
  if (!participant) {
    // The agents of a live-chat conversation's organization read it before it is theirs (the inbox).
    if (need === 'read' && (await isOrganizationAgentOf(deps, actor, threadId)))
      return { thread, participant: null };
    throw new AppError('thread_not_found');
  }
  if (need === 'write' && participant.role === 'reader') {
    throw new AppError('forbidden', 'Readers cannot change this thread or send to it.');
  }
  if (need === 'own' && participant.role !== 'owner') {
    throw new AppError('forbidden', 'Only an owner of the thread can do this.');
  }
  return { thread, participant };
}

/**
 * The one accessor for live-chat organizations (and so for their departments
 * and agents):
 * - `manage`: create, change or delete anything in it; API keys and tenant
 *   admins (`requireAdmin`);
 * - `read`: see it, its departments and agents; also an agent of this very
 *   organization, with a chat token.
 * Anyone else who may not read it gets `organization_not_found`, exactly as
 * for an unknown id, so organization ids leak nothing across organizations.
 */
export async function accessOrganization(
  deps: CoreDeps,
  actor: Actor,
  organizationId: string,
  need: 'read' | 'manage',
): Promise<Organization> {
  if (need === 'manage') {
    // Tenant admins manage every organization; an agent whose role is admin manages their own.
    if (!isAdmin(actor)) {
      const agent =
        actor.kind === 'user' && actor.scopes.includes('chat')
          ? await deps.store.livechat.getAgent(actor.tenantId, actor.userId)
          : null;
      if (agent?.organizationId !== organizationId || agent.role !== 'admin') requireAdmin(actor);
    }
  } else if (!isAdmin(actor)) {
    requireChat(actor);
    const agent =
      actor.kind === 'user' ? await deps.store.livechat.getAgent(actor.tenantId, actor.userId) : null;
    if (agent?.organizationId !== organizationId) throw new AppError('organization_not_found');
  }
  const organization = await deps.store.livechat.getOrganization(actor.tenantId, organizationId);
  if (!organization) throw new AppError('organization_not_found');
  return organization;
}

/** API keys and admins with the admin scope: what `requireAdmin` lets through. */
export function isAdmin(actor: Actor): boolean {
  return actor.kind === 'service' || (actor.role === 'admin' && actor.scopes.includes('admin'));
}

async function isOrganizationAgentOf(deps: CoreDeps, actor: Actor, threadId: string): Promise<boolean> {
  if (actor.kind !== 'user' || !isConversationThread(threadId)) return false;
  const conversation = await deps.store.livechat.getConversation(actor.tenantId, threadId);
  if (!conversation) return false;
  const agent = await deps.store.livechat.getAgent(actor.tenantId, actor.userId);
  return agent?.organizationId === conversation.organizationId;
}
