import { refuseConversationEdit } from './livechat/conversation-threads.js';
import type { CreateThreadBody, Thread, ThreadSummary, UpdateThreadBody } from '@parley/protocol';
import type { Actor } from './actor.js';
import type { CoreDeps } from './deps.js';
import type { NewParticipant } from './ports/store.js';
import { AppError } from './errors.js';
import { iso } from './clock.js';
import { newId } from './ids.js';
import { accessThread, requireChat } from './access.js';
import { publishThreadEvents } from './publish.js';
import { decodeCursor, encodeCursor } from './paging.js';
import { resolveParticipants } from './participants.js';

type Page<T> = { items: T[]; nextCursor: string | null };

export class Threads {
  constructor(private readonly deps: CoreDeps) {}

  /**
   * Creates a thread. A user creator becomes its owner; listed users join as
   * members unless a role is given. Every listed user must exist in the tenant.
   */
  async create(actor: Actor, body: CreateThreadBody): Promise<{ thread: Thread; created: boolean }> {
    requireChat(actor);
    const now = this.deps.clock.now();
    const at = iso(now);
    const inputs = [...(body.participants ?? [])];
    if (actor.kind === 'user' && !inputs.some((p) => p.userId === actor.userId)) {
      inputs.unshift({ userId: actor.userId, role: 'owner' });
    }
    if (inputs.length === 0) {
      throw new AppError(
        'invalid_request',
        'A thread created with an API key needs at least one participant.',
        { field: 'participants' },
      );
    }
    const participants: NewParticipant[] = await resolveParticipants(this.deps, actor.tenantId, inputs, at);
    if (participants.length > this.deps.config.limits.participantsPerThread) {
      throw new AppError('participant_limit');
    }
    if (actor.kind === 'user') {
      for (const p of participants) if (p.userId === actor.userId) p.role = 'owner';
    }
    const result = await this.deps.store.createThread({
      tenantId: actor.tenantId,
      id: newId('th'),
      topic: body.topic ?? '',
      metadata: body.metadata ?? {},
      createdBy: actor.kind === 'user' ? actor.userId : null,
      participants,
      ...(body.idempotencyKey !== undefined && { idempotencyKey: body.idempotencyKey }),
      at,
    });
    if (result.created) await publishThreadEvents(this.deps, actor.tenantId, result.thread.id, result.events);
    return { thread: result.thread, created: result.created };
  }

  async get(actor: Actor, threadId: string): Promise<Thread> {
    return (await accessThread(this.deps, actor, threadId, 'read')).thread;
  }

  /** The caller's threads (every thread of the tenant for an API key), newest activity first. */
  async list(
    actor: Actor,
    query: { limit: number; cursor?: string; updatedSince?: string },
  ): Promise<Page<ThreadSummary>> {
    requireChat(actor);
    const before =
      query.cursor === undefined
        ? undefined
        : decodeCursor(query.cursor, (v) =>
            Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string'
              ? { lastActivityAt: v[0], id: v[1] }
              : null,
          );
    const storeQuery = {
      limit: query.limit + 1,
      ...(before && { before }),
      ...(query.updatedSince !== undefined && { updatedSince: new Date(query.updatedSince).toISOString() }),
    };
    const rows =
      actor.kind === 'user'
        ? await this.deps.store.listThreadsForUser(actor.tenantId, actor.userId, storeQuery)
        : await this.deps.store.listThreadsForTenant(actor.tenantId, storeQuery);
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items,
      nextCursor: rows.length > query.limit && last ? encodeCursor([last.lastActivityAt, last.id]) : null,
    };
  }

  async update(actor: Actor, threadId: string, body: UpdateThreadBody): Promise<Thread> {
    await accessThread(this.deps, actor, threadId, 'write');
    refuseConversationEdit(actor, threadId);
    const result = await this.deps.store.updateThread({
      tenantId: actor.tenantId,
      threadId,
      ...(body.topic !== undefined && { topic: body.topic }),
      ...(body.metadata !== undefined && { metadata: body.metadata }),
      initiatorId: actor.kind === 'user' ? actor.userId : null,
      systemMessageId: newId('msg'),
      at: iso(this.deps.clock.now()),
    });
    if (!result) throw new AppError('thread_not_found');
    await publishThreadEvents(this.deps, actor.tenantId, threadId, result.events);
    return result.thread;
  }

  async delete(actor: Actor, threadId: string): Promise<void> {
    await accessThread(this.deps, actor, threadId, 'own');
    const result = await this.deps.store.deleteThread(actor.tenantId, threadId, iso(this.deps.clock.now()));
    if (!result) throw new AppError('thread_not_found');
    await publishThreadEvents(this.deps, actor.tenantId, threadId, [result.event]);
  }
}
