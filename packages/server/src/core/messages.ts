import type { ListMessagesQuery, Message, SendMessageBody, UpdateMessageBody } from '@parley/protocol';
import type { Actor } from './actor.js';
import type { CoreDeps } from './deps.js';
import type { ListMessagesStoreQuery } from './ports/store.js';
import { AppError } from './errors.js';
import { iso } from './clock.js';
import { newId } from './ids.js';
import { accessThread } from './access.js';
import { publishThreadEvents } from './publish.js';
import { decodeCursor, encodeCursor } from './paging.js';
import { sanitizeMessageHtml } from './sanitize.js';

type Cursor = { o: 'a' | 'd'; s: number };

export class Messages {
  /**
   * Called once a new message is stored and announced (not for a retry that
   * returned the original): live chat moves conversations on from here.
   */
  afterSend: (tenantId: string, message: Message) => Promise<void> = async () => undefined;

  constructor(private readonly deps: CoreDeps) {}

  /**
   * Stores a message and announces it. Resolves once the message is durable.
   * A retry with the same `clientMessageId` returns the original message.
   */
  async send(
    actor: Actor,
    threadId: string,
    body: SendMessageBody,
  ): Promise<{ message: Message; created: boolean }> {
    const { participant } = await accessThread(this.deps, actor, threadId, 'write');
    const type = body.type ?? 'text';
    const content = this.checkContent(type, body.content);
    const { userSendsPerSecond, threadSendsPerSecond } = this.deps.config.limits;
    await this.checkRate(
      actor.kind === 'user' ? `send:u:${actor.tenantId}:${actor.userId}` : `send:k:${actor.apiKeyId}`,
      userSendsPerSecond,
    );
    await this.checkRate(`send:t:${actor.tenantId}:${threadId}`, threadSendsPerSecond);
    const result = await this.deps.store.appendMessage({
      tenantId: actor.tenantId,
      threadId,
      id: newId('msg'),
      type,
      content,
      senderId: actor.kind === 'user' ? actor.userId : null,
      senderDisplayName: body.senderDisplayName ?? participant?.displayName ?? '',
      metadata: body.metadata ?? {},
      clientMessageId: body.clientMessageId ?? null,
      at: iso(this.deps.clock.now()),
    });
    if (!result) throw new AppError('thread_not_found');
    if (!result.created) {
      // A retry must be the same send; after an edit or delete only the sender can still be compared.
      const original = result.message;
      const untouched = original.editedAt === null && original.deletedAt === null;
      const same =
        original.senderId === (actor.kind === 'user' ? actor.userId : null) &&
        (!untouched || (original.type === type && original.content === content));
      if (!same) throw new AppError('client_message_id_conflict');
      return { message: result.message, created: false };
    }
    await publishThreadEvents(this.deps, actor.tenantId, threadId, result.events);
    await this.afterSend(actor.tenantId, result.message);
    return { message: result.message, created: true };
  }

  async list(
    actor: Actor,
    threadId: string,
    query: ListMessagesQuery & { limit: number },
  ): Promise<{ items: Message[]; nextCursor: string | null }> {
    const { participant } = await accessThread(this.deps, actor, threadId, 'read');
    const storeQuery: ListMessagesStoreQuery = { limit: query.limit + 1, ...directionOf(query) };
    if (participant) storeQuery.minCreatedAt = participant.shareHistoryTime;
    const rows = await this.deps.store.listMessages(actor.tenantId, threadId, storeQuery);
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    const next: Cursor | null =
      rows.length > query.limit && last
        ? { o: storeQuery.order === 'asc' ? 'a' : 'd', s: last.sequence }
        : null;
    return { items, nextCursor: next ? encodeCursor(next) : null };
  }

  async get(actor: Actor, threadId: string, messageId: string): Promise<Message> {
    const { participant } = await accessThread(this.deps, actor, threadId, 'read');
    const message = await this.deps.store.getMessage(actor.tenantId, threadId, messageId);
    if (!message || (participant && message.createdAt < participant.shareHistoryTime))
      throw new AppError('message_not_found');
    return message;
  }

  /** Only the sender (or an API key) edits; system and deleted messages cannot be edited. */
  async update(actor: Actor, threadId: string, messageId: string, body: UpdateMessageBody): Promise<Message> {
    await accessThread(this.deps, actor, threadId, 'write');
    const message = await this.deps.store.getMessage(actor.tenantId, threadId, messageId);
    if (!message) throw new AppError('message_not_found');
    if (message.type !== 'text' && message.type !== 'html')
      throw new AppError('forbidden', 'System messages cannot be edited.');
    if (actor.kind === 'user' && message.senderId !== actor.userId)
      throw new AppError('forbidden', 'Only the sender can edit a message.');
    if (message.deletedAt) throw new AppError('message_deleted');
    const result = await this.deps.store.updateMessage({
      tenantId: actor.tenantId,
      threadId,
      messageId,
      ...(body.content !== undefined && { content: this.checkContent(message.type, body.content) }),
      ...(body.metadata !== undefined && { metadata: body.metadata }),
      at: iso(this.deps.clock.now()),
    });
    if (!result) throw new AppError('message_not_found');
    await publishThreadEvents(this.deps, actor.tenantId, threadId, result.events);
    return result.message;
  }

  /** The sender, a thread owner or an API key may delete. Deleting twice is a no-op. */
  async delete(actor: Actor, threadId: string, messageId: string): Promise<void> {
    const { participant } = await accessThread(this.deps, actor, threadId, 'read');
    const message = await this.deps.store.getMessage(actor.tenantId, threadId, messageId);
    if (!message) throw new AppError('message_not_found');
    if (participant && message.senderId !== participant.userId && participant.role !== 'owner') {
      throw new AppError('forbidden', 'Only the sender or a thread owner can delete a message.');
    }
    if (message.deletedAt) return;
    const result = await this.deps.store.deleteMessage({
      tenantId: actor.tenantId,
      threadId,
      messageId,
      at: iso(this.deps.clock.now()),
    });
    if (!result) throw new AppError('message_not_found');
    await publishThreadEvents(this.deps, actor.tenantId, threadId, result.events);
  }

  private checkContent(type: 'text' | 'html', content: string): string {
    const max = this.deps.config.limits.messageContentBytes;
    if (Buffer.byteLength(content, 'utf8') > max) {
      throw new AppError('message_too_large', `Message content is limited to ${max} bytes.`, {
        field: 'content',
      });
    }
    if (type === 'text') return content;
    const clean = sanitizeMessageHtml(content);
    if (clean.trim() === '')
      throw new AppError('invalid_request', 'The html content is empty once sanitized.', {
        field: 'content',
      });
    return clean;
  }

  /** Bursts of up to twice the per-second rate pass. */
  private async checkRate(key: string, perSecond: number): Promise<void> {
    const wait = await this.deps.rateLimits.take(key, perSecond, perSecond * 2, this.deps.clock.now());
    if (wait > 0) throw new AppError('rate_limited', undefined, { retryAfter: wait });
  }
}

function directionOf(
  query: ListMessagesQuery,
): Pick<ListMessagesStoreQuery, 'order' | 'afterSequence' | 'beforeSequence' | 'startTime'> {
  if (query.cursor !== undefined) {
    const cursor = decodeCursor<Cursor>(query.cursor, (v) => {
      const c = v as Partial<Cursor> | null;
      return c && (c.o === 'a' || c.o === 'd') && Number.isInteger(c.s) ? (c as Cursor) : null;
    });
    return cursor.o === 'a'
      ? { order: 'asc', afterSequence: cursor.s }
      : { order: 'desc', beforeSequence: cursor.s };
  }
  const given = [query.after, query.before, query.startTime].filter((v) => v !== undefined).length;
  if (given > 1) throw new AppError('invalid_request', 'Use at most one of after, before and startTime.');
  if (query.after !== undefined) return { order: 'asc', afterSequence: query.after };
  if (query.before !== undefined) return { order: 'desc', beforeSequence: query.before };
  if (query.startTime !== undefined)
    return { order: 'asc', startTime: new Date(query.startTime).toISOString() };
  return { order: 'desc' };
}
