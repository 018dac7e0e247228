import type { ReadReceipt } from '@parley/protocol';
import type { Actor } from './actor.js';
import type { CoreDeps } from './deps.js';
import { AppError } from './errors.js';
import { iso } from './clock.js';
import { accessThread, requireUser } from './access.js';
import { publishThreadEvents } from './publish.js';

export class Receipts {
  constructor(private readonly deps: CoreDeps) {}

  /** Marks everything up to the message as read by the caller. Moving backwards is a no-op. */
  async markRead(actor: Actor, threadId: string, messageId: string): Promise<ReadReceipt> {
    const user = requireUser(actor, 'Sending a read receipt');
    const { participant } = await accessThread(this.deps, user, threadId, 'read');
    const message = await this.deps.store.getMessage(user.tenantId, threadId, messageId);
    if (!message || (participant && message.createdAt < participant.shareHistoryTime))
      throw new AppError('message_not_found');
    const result = await this.deps.store.markRead({
      tenantId: user.tenantId,
      threadId,
      userId: user.userId,
      messageId,
      sequence: message.sequence,
      at: iso(this.deps.clock.now()),
    });
    await publishThreadEvents(this.deps, user.tenantId, threadId, result.events);
    return result.receipt;
  }

  async list(
    actor: Actor,
    threadId: string,
    query: { limit: number; skip: number },
  ): Promise<{ items: ReadReceipt[]; nextSkip: number | null }> {
    await accessThread(this.deps, actor, threadId, 'read');
    const rows = await this.deps.store.listReadReceipts(actor.tenantId, threadId, {
      limit: query.limit + 1,
      skip: query.skip,
    });
    return {
      items: rows.slice(0, query.limit),
      nextSkip: rows.length > query.limit ? query.skip + query.limit : null,
    };
  }
}
