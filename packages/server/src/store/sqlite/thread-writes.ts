import type {
  Message,
  Participant,
  SystemContent,
  SystemMessageType,
  ThreadEvent,
  ThreadEventInput,
} from '@parley/protocol';
import type {
  AddParticipantsInput,
  AppendMessageInput,
  CreateThreadInput,
  NewParticipant,
  Store,
  UpdateThreadInput,
} from '../../core/ports/store.js';
import { toMessage, toParticipant, toReceipt, toThread, type MessageRow, type ThreadRow } from './rows.js';
import type { Statements } from './statements.js';

type Result<K extends Exclude<keyof Store, 'livechat' | 'accounts' | 'audit'>> = Awaited<
  ReturnType<Store[K]>
>;

/**
 * The thread mutations, as synchronous bodies that the write queue runs inside
 * a transaction. Each takes the thread's next positions with
 * `UPDATE threads ... RETURNING`, so the counter and the rows it numbers
 * commit together. Returned events are parsed back from the stored JSON: they
 * are exactly what `eventsAfter` later returns.
 */
export class ThreadWrites {
  constructor(private readonly s: Statements) {}

  createThread(input: CreateThreadInput): Result<'createThread'> {
    const { tenantId, id: threadId, at } = input;
    if (input.idempotencyKey !== undefined) {
      const existing = this.s.findThreadByIdempotencyKey.get({
        tenantId,
        createdBy: input.createdBy ?? '',
        key: input.idempotencyKey,
      });
      if (existing) {
        return {
          thread: toThread(existing),
          participants: this.allParticipants(tenantId, existing.id),
          events: [],
          created: false,
        };
      }
    }
    this.s.insertThread.run({
      tenantId,
      threadId,
      topic: input.topic,
      metadata: JSON.stringify(input.metadata),
      createdBy: input.createdBy,
      idempotencyKey: input.idempotencyKey ?? null,
      at,
    });
    const row = this.advance(tenantId, threadId, false, at)!;
    const participants = distinct(input.participants).map((p) =>
      this.join(tenantId, threadId, p, at, row.last_pos),
    );
    const event = this.log(row, {
      type: 'thread.created',
      threadId,
      at,
      thread: toThread(row),
      participants,
    });
    return {
      thread: toThread(row),
      participants: participants.map((p) => ({ ...p })),
      events: [event],
      created: true,
    };
  }

  updateThread(input: UpdateThreadInput): Result<'updateThread'> {
    const { tenantId, threadId, at } = input;
    const current = this.s.getThread.get({ tenantId, threadId });
    if (!current) return null;
    this.s.setThreadFields.run({
      tenantId,
      threadId,
      topic: input.topic ?? null,
      metadata: input.metadata === undefined ? null : JSON.stringify(input.metadata),
      at,
    });
    const events: ThreadEvent[] = [];
    if (input.topic !== undefined && input.topic !== current.topic) {
      const system: SystemContent = { initiatorId: input.initiatorId, topic: input.topic };
      events.push(this.systemMessage(tenantId, threadId, input.systemMessageId, 'topicUpdated', system, at));
    }
    const row = this.advance(tenantId, threadId, false, at)!;
    events.push(this.log(row, { type: 'thread.updated', threadId, at, thread: toThread(row) }));
    return { thread: toThread(row), events };
  }

  deleteThread(tenantId: string, threadId: string, at: string): Result<'deleteThread'> {
    if (!this.s.getThread.get({ tenantId, threadId })) return null;
    const formerParticipants = this.allParticipants(tenantId, threadId).map((p) => p.userId);
    this.s.deleteThreadParticipants.run({ tenantId, threadId }); // receipts cascade
    this.s.deleteThreadMessages.run({ tenantId, threadId });
    this.s.deleteThreadEvents.run({ tenantId, threadId });
    const row = this.advance(tenantId, threadId, false, at)!;
    const event = this.log(row, { type: 'thread.deleted', threadId, at });
    this.s.markThreadDeleted.run({ tenantId, threadId, at });
    return { event, formerParticipants };
  }

  addParticipants(input: AddParticipantsInput): Result<'addParticipants'> {
    const { tenantId, threadId, at } = input;
    if (!this.s.getThread.get({ tenantId, threadId })) return { ok: false, reason: 'thread_not_found' };
    const fresh = distinct(input.participants).filter(
      (p) => !this.s.getParticipant.get({ tenantId, threadId, userId: p.userId }),
    );
    if (fresh.length === 0) return { ok: true, added: [], events: [] };
    if (this.s.countParticipants.get({ tenantId, threadId })! + fresh.length > input.maxParticipants) {
      return { ok: false, reason: 'limit' };
    }
    // participant.added comes first: a new participant resumes from its position (joinedPos) and is
    // subscribed by it, so they also receive the system message announcing them.
    const row = this.advance(tenantId, threadId, false, at)!;
    const added = fresh.map((p) => this.join(tenantId, threadId, p, at, row.last_pos));
    const event = this.log(row, { type: 'participant.added', threadId, at, participants: added });
    const system: SystemContent = {
      initiatorId: input.initiatorId,
      participants: fresh.map((p) => ({ userId: p.userId, displayName: p.displayName })),
    };
    const message = this.systemMessage(
      tenantId,
      threadId,
      input.systemMessageId,
      'participantAdded',
      system,
      at,
    );
    return { ok: true, added: added.map((p) => ({ ...p })), events: [event, message] };
  }

  removeParticipant(input: Parameters<Store['removeParticipant']>[0]): Result<'removeParticipant'> {
    const { tenantId, threadId, userId, at } = input;
    // Only live threads have participants, so a removed row proves the thread exists.
    const displayName = this.s.deleteParticipant.get({ tenantId, threadId, userId });
    if (displayName === undefined) return null;
    // As for a topic change, the system message precedes the event that changes the thread.
    const system: SystemContent = { initiatorId: input.initiatorId, participants: [{ userId, displayName }] };
    const message = this.systemMessage(
      tenantId,
      threadId,
      input.systemMessageId,
      'participantRemoved',
      system,
      at,
    );
    const row = this.advance(tenantId, threadId, false, at)!;
    return {
      events: [message, this.log(row, { type: 'participant.removed', threadId, at, userIds: [userId] })],
    };
  }

  appendMessage(input: AppendMessageInput): Result<'appendMessage'> {
    const { tenantId, threadId, at } = input;
    if (input.clientMessageId !== null) {
      const existing = this.s.getMessageByClientId.get({
        tenantId,
        threadId,
        clientMessageId: input.clientMessageId,
      });
      if (existing) return { created: false, message: toMessage(existing), events: [] };
    }
    const thread = this.advance(tenantId, threadId, true, at);
    if (!thread) return null;
    const row = this.insertMessage(thread, {
      id: input.id,
      type: input.type,
      content: input.content,
      system: null,
      senderId: input.senderId,
      senderDisplayName: input.senderDisplayName,
      metadata: input.metadata,
      clientMessageId: input.clientMessageId,
      at,
    });
    const event = this.log(thread, { type: 'message.created', threadId, at, message: toMessage(row) });
    return { created: true, message: toMessage(row), events: [event] };
  }

  updateMessage(input: Parameters<Store['updateMessage']>[0]): Result<'updateMessage'> {
    const { tenantId, threadId, at } = input;
    const row = this.s.editMessage.get({
      tenantId,
      threadId,
      id: input.messageId,
      content: input.content ?? null,
      metadata: input.metadata === undefined ? null : JSON.stringify(input.metadata),
      at,
    });
    if (!row) return null;
    const thread = this.advance(tenantId, threadId, false, null)!;
    const event = this.log(thread, { type: 'message.updated', threadId, at, message: toMessage(row) });
    return { message: toMessage(row), events: [event] };
  }

  deleteMessage(input: Parameters<Store['deleteMessage']>[0]): Result<'deleteMessage'> {
    const { tenantId, threadId, at } = input;
    const row = this.s.clearMessage.get({ tenantId, threadId, id: input.messageId, at });
    if (!row) return null;
    const thread = this.advance(tenantId, threadId, false, null)!;
    const event = this.log(thread, { type: 'message.deleted', threadId, at, message: toMessage(row) });
    return { message: toMessage(row), events: [event] };
  }

  markRead(input: Parameters<Store['markRead']>[0]): Result<'markRead'> {
    const { tenantId, threadId, userId, at } = input;
    const current = this.s.getReceipt.get({ tenantId, threadId, userId });
    if (current && current.seq >= input.sequence) return { receipt: toReceipt(current), events: [] };
    // The port has no "not found" answer for markRead; callers check membership first.
    if (!this.s.getParticipant.get({ tenantId, threadId, userId })) {
      throw new Error(`markRead: ${userId} is not a participant of thread ${threadId}`);
    }
    this.s.upsertReceipt.run({
      tenantId,
      threadId,
      userId,
      messageId: input.messageId,
      seq: input.sequence,
      at,
    });
    const receipt = { userId, messageId: input.messageId, sequence: input.sequence, readAt: at };
    const thread = this.advance(tenantId, threadId, false, null)!;
    return {
      receipt: { ...receipt },
      events: [this.log(thread, { type: 'receipt.created', threadId, at, receipt })],
    };
  }

  /** Takes the next position (and sequence for a message); undefined when the thread is not live. */
  private advance(
    tenantId: string,
    threadId: string,
    message: boolean,
    at: string | null,
  ): ThreadRow | undefined {
    return this.s.advanceThread.get({ tenantId, threadId, seq: message ? 1 : 0, at });
  }

  /** Writes the event at the thread's current position (just taken by `advance`). */
  private log(thread: ThreadRow, input: ThreadEventInput): ThreadEvent {
    const event = { ...input, pos: thread.last_pos } as ThreadEvent;
    const body = JSON.stringify(event);
    this.s.insertEvent.run({
      tenantId: thread.tenant_id,
      threadId: thread.id,
      pos: event.pos,
      type: event.type,
      body,
      at: event.at,
    });
    // Built here from fresh objects, so the caller may keep it: no copy needed.
    return event;
  }

  private systemMessage(
    tenantId: string,
    threadId: string,
    id: string,
    type: SystemMessageType,
    system: SystemContent,
    at: string,
  ): ThreadEvent {
    const thread = this.advance(tenantId, threadId, true, at)!;
    const row = this.insertMessage(thread, {
      id,
      type,
      content: '',
      system,
      senderId: null,
      senderDisplayName: '',
      metadata: {},
      clientMessageId: null,
      at,
    });
    return this.log(thread, { type: 'message.created', threadId, at, message: toMessage(row) });
  }

  private insertMessage(
    thread: ThreadRow,
    m: Omit<Message, 'threadId' | 'sequence' | 'system' | 'createdAt' | 'editedAt' | 'deletedAt'> & {
      system: SystemContent | null;
      at: string;
    },
  ): MessageRow {
    const row: MessageRow = {
      id: m.id,
      thread_id: thread.id,
      seq: thread.last_seq,
      type: m.type,
      content: m.content,
      system: m.system === null ? null : JSON.stringify(m.system),
      sender_id: m.senderId,
      sender_display_name: m.senderDisplayName,
      metadata: JSON.stringify(m.metadata),
      client_message_id: m.clientMessageId,
      created_at: m.at,
      edited_at: null,
      deleted_at: null,
    };
    this.s.insertMessage.run({
      tenantId: thread.tenant_id,
      threadId: thread.id,
      id: row.id,
      seq: row.seq,
      type: row.type,
      content: row.content,
      system: row.system,
      senderId: row.sender_id,
      senderDisplayName: row.sender_display_name,
      metadata: row.metadata,
      clientMessageId: row.client_message_id,
      at: row.created_at,
    });
    return row;
  }

  private join(tenantId: string, threadId: string, p: NewParticipant, at: string, pos: number): Participant {
    this.s.insertParticipant.run({ tenantId, threadId, ...p, at, pos });
    return toParticipant({
      thread_id: threadId,
      user_id: p.userId,
      display_name: p.displayName,
      role: p.role,
      share_history_time: p.shareHistoryTime,
      joined_at: at,
      joined_pos: pos,
      last_read_seq: 0,
    });
  }

  private allParticipants(tenantId: string, threadId: string): Participant[] {
    return this.s.listParticipants.all({ tenantId, threadId, limit: -1, skip: 0 }).map(toParticipant);
  }
}

/** The first entry of each user id: a repeated id in one call is one participant. */
function distinct(participants: NewParticipant[]): NewParticipant[] {
  const seen = new Set<string>();
  return participants.filter((p) => !seen.has(p.userId) && (seen.add(p.userId), true));
}
