import { refuseConversationEdit } from './livechat/conversation-threads.js';
import type { Participant, ParticipantInput } from '@parley/protocol';
import type { Actor } from './actor.js';
import type { CoreDeps } from './deps.js';
import type { NewParticipant } from './ports/store.js';
import { AppError } from './errors.js';
import { iso } from './clock.js';
import { newId } from './ids.js';
import { accessThread } from './access.js';
import { publishThreadEvents } from './publish.js';

/**
 * Checks that every listed user exists and fills in defaults: display name
 * from the user, role member, and history shared from `historyFrom`.
 */
export async function resolveParticipants(
  deps: CoreDeps,
  tenantId: string,
  inputs: ParticipantInput[],
  historyFrom: string,
): Promise<NewParticipant[]> {
  const seen = new Set<string>();
  const resolved: NewParticipant[] = [];
  for (const input of inputs) {
    if (seen.has(input.userId)) continue;
    seen.add(input.userId);
    const user = await deps.store.getUser(tenantId, input.userId);
    if (!user)
      throw new AppError('user_not_found', `No user "${input.userId}" in this tenant.`, {
        field: 'participants',
      });
    resolved.push({
      userId: user.id,
      displayName: input.displayName ?? user.displayName,
      role: input.role ?? 'member',
      shareHistoryTime:
        input.shareHistoryTime === undefined ? historyFrom : new Date(input.shareHistoryTime).toISOString(),
    });
  }
  return resolved;
}

export class Participants {
  constructor(private readonly deps: CoreDeps) {}

  /**
   * Adds participants; already present ones are left as they are. Unless given,
   * history is shared from the thread's creation, as seed 003 describes.
   */
  async add(actor: Actor, threadId: string, inputs: ParticipantInput[]): Promise<Participant[]> {
    const { thread, participant } = await accessThread(this.deps, actor, threadId, 'write');
    refuseConversationEdit(actor, threadId);
    if (participant && participant.role !== 'owner' && inputs.some((p) => p.role === 'owner')) {
      throw new AppError('forbidden', 'Only an owner can add another owner.');
    }
    const participants = await resolveParticipants(this.deps, actor.tenantId, inputs, thread.createdAt);
    const result = await this.deps.store.addParticipants({
      tenantId: actor.tenantId,
      threadId,
      participants,
      initiatorId: actor.kind === 'user' ? actor.userId : null,
      systemMessageId: newId('msg'),
      maxParticipants: this.deps.config.limits.participantsPerThread,
      at: iso(this.deps.clock.now()),
    });
    if (!result.ok) {
      if (result.reason === 'limit') {
        throw new AppError(
          'participant_limit',
          `A thread has at most ${this.deps.config.limits.participantsPerThread} participants.`,
        );
      }
      throw new AppError('thread_not_found');
    }
    await publishThreadEvents(this.deps, actor.tenantId, threadId, result.events);
    return result.added;
  }

  async list(
    actor: Actor,
    threadId: string,
    query: { limit: number; skip: number },
  ): Promise<{ items: Participant[]; nextSkip: number | null }> {
    await accessThread(this.deps, actor, threadId, 'read');
    const rows = await this.deps.store.listParticipants(actor.tenantId, threadId, {
      limit: query.limit + 1,
      skip: query.skip,
    });
    const items = rows.slice(0, query.limit);
    return { items, nextSkip: rows.length > query.limit ? query.skip + query.limit : null };
  }

  /** Anyone may leave; removing someone else needs the owner role. */
  async remove(actor: Actor, threadId: string, userId: string): Promise<void> {
    const leaving = actor.kind === 'user' && actor.userId === userId;
    await accessThread(this.deps, actor, threadId, leaving ? 'read' : 'own');
    refuseConversationEdit(actor, threadId);
    const result = await this.deps.store.removeParticipant({
      tenantId: actor.tenantId,
      threadId,
      userId,
      initiatorId: actor.kind === 'user' ? actor.userId : null,
      systemMessageId: newId('msg'),
      at: iso(this.deps.clock.now()),
    });
    if (!result) throw new AppError('participant_not_found');
    await publishThreadEvents(this.deps, actor.tenantId, threadId, result.events);
  }
}
