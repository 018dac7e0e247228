import type {
  Participant,
  SystemContent,
  SystemMessageType,
  ThreadEvent,
  ThreadEventInput,
} from '@parley/protocol';
import type {
  AddParticipantsInput,
  CreateThreadInput,
  NewParticipant,
  Store,
  UpdateThreadInput,
} from '../../core/ports/store.js';
import {
  toMessage,
  toParticipant,
  toReceipt,
  toThread,
  type MessageRow,
  type ParticipantRow,
  type ReceiptRow,
  type ThreadRow,
} from '../sqlite/rows.js';
import { appendMessageRow } from './append-message.js';
import type { Queryable } from './database.js';
import { sql } from './sql.js';

type Result<K extends Exclude<keyof Store, 'livechat' | 'accounts' | 'audit'>> = Awaited<
  ReturnType<Store[K]>
>;

/**
 * The thread mutations other than a plain append, each run by the store inside
 * one transaction (`tx`). Same steps, events and system messages as the
 * SQLite adapter's ThreadWrites; the difference is concurrency. SQLite has one
 * writer at a time; here every mutation first locks the thread row
 * (`lockThread`; createThread inserts it, which holds it as well), so that writers of one thread, on any node, run one after
 * the other: their checks (already a participant? over the limit? topic
 * changed?) see the previous writer's committed result, positions are taken in
 * that order, and locks are always taken thread first (no deadlock).
 */

export async function createThread(tx: Queryable, input: CreateThreadInput): Promise<Result<'createThread'>> {
  const { tenantId, id: threadId, at } = input;
  const [row] = await tx.rows<ThreadRow>(sql.insertThread, [
    threadId,
    tenantId,
    input.topic,
    JSON.stringify(input.metadata),
    input.createdBy,
    input.idempotencyKey ?? null,
    at,
  ]);
  if (!row) {
    // The creator already used this key (possibly on another node, just now): that thread is the answer.
    const [existing] = await tx.rows<ThreadRow>(sql.findThreadByIdempotencyKey, [
      tenantId,
      input.createdBy ?? '',
      input.idempotencyKey,
    ]);
    if (!existing) throw new Error(`createThread: idempotency key conflict without a thread`);
    return {
      thread: toThread(existing),
      participants: await allParticipants(tx, tenantId, existing.id),
      events: [],
      created: false,
    };
  }
  const participants = await join(tx, tenantId, threadId, distinct(input.participants), at, row.last_pos);
  const event = await log(tx, row, {
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

export async function updateThread(tx: Queryable, input: UpdateThreadInput): Promise<Result<'updateThread'>> {
  const { tenantId, threadId, at } = input;
  const current = await lockThread(tx, tenantId, threadId);
  if (!current) return null;
  await tx.rows(sql.setThreadFields, [
    tenantId,
    threadId,
    input.topic ?? null,
    input.metadata === undefined ? null : JSON.stringify(input.metadata),
    at,
  ]);
  const events: ThreadEvent[] = [];
  if (input.topic !== undefined && input.topic !== current.topic) {
    const system: SystemContent = { initiatorId: input.initiatorId, topic: input.topic };
    events.push(
      await systemMessage(tx, tenantId, threadId, input.systemMessageId, 'topicUpdated', system, at),
    );
  }
  const row = await advance(tx, tenantId, threadId, at);
  events.push(await log(tx, row, { type: 'thread.updated', threadId, at, thread: toThread(row) }));
  return { thread: toThread(row), events };
}

export async function deleteThread(
  tx: Queryable,
  tenantId: string,
  threadId: string,
  at: string,
): Promise<Result<'deleteThread'>> {
  if (!(await lockThread(tx, tenantId, threadId))) return null;
  const gone = await tx.rows<{ user_id: string }>(sql.deleteThreadContent, [tenantId, threadId]);
  const [row] = await tx.rows<ThreadRow>(sql.markThreadDeleted, [tenantId, threadId, at]);
  const event = await log(tx, row!, { type: 'thread.deleted', threadId, at });
  return { event, formerParticipants: gone.map((p) => p.user_id) };
}

export async function addParticipants(
  tx: Queryable,
  input: AddParticipantsInput,
): Promise<Result<'addParticipants'>> {
  const { tenantId, threadId, at } = input;
  if (!(await lockThread(tx, tenantId, threadId))) return { ok: false, reason: 'thread_not_found' };
  const wanted = distinct(input.participants);
  const [count] = await tx.rows<{ n: number; present: string[] }>(sql.participantsPresent, [
    tenantId,
    threadId,
    wanted.map((p) => p.userId),
  ]);
  const present = new Set(count!.present);
  const fresh = wanted.filter((p) => !present.has(p.userId));
  if (fresh.length === 0) return { ok: true, added: [], events: [] };
  if (count!.n + fresh.length > input.maxParticipants) return { ok: false, reason: 'limit' };
  // participant.added comes first: a new participant resumes from its position (joinedPos) and is
  // subscribed by it, so they also receive the system message announcing them.
  const row = await advance(tx, tenantId, threadId, at);
  const added = await join(tx, tenantId, threadId, fresh, at, row.last_pos);
  const event = await log(tx, row, { type: 'participant.added', threadId, at, participants: added });
  const system: SystemContent = {
    initiatorId: input.initiatorId,
    participants: fresh.map((p) => ({ userId: p.userId, displayName: p.displayName })),
  };
  const message = await systemMessage(
    tx,
    tenantId,
    threadId,
    input.systemMessageId,
    'participantAdded',
    system,
    at,
  );
  return { ok: true, added: added.map((p) => ({ ...p })), events: [event, message] };
}

export async function removeParticipant(
  tx: Queryable,
  input: Parameters<Store['removeParticipant']>[0],
): Promise<Result<'removeParticipant'>> {
  const { tenantId, threadId, userId, at } = input;
  if (!(await lockThread(tx, tenantId, threadId))) return null;
  const [gone] = await tx.rows<{ display_name: string }>(sql.deleteParticipant, [tenantId, threadId, userId]);
  if (!gone) return null;
  // As for a topic change, the system message precedes the event that changes the thread.
  const system: SystemContent = {
    initiatorId: input.initiatorId,
    participants: [{ userId, displayName: gone.display_name }],
  };
  const message = await systemMessage(
    tx,
    tenantId,
    threadId,
    input.systemMessageId,
    'participantRemoved',
    system,
    at,
  );
  const row = await advance(tx, tenantId, threadId, at);
  return {
    events: [message, await log(tx, row, { type: 'participant.removed', threadId, at, userIds: [userId] })],
  };
}

export async function updateMessage(
  tx: Queryable,
  input: Parameters<Store['updateMessage']>[0],
): Promise<Result<'updateMessage'>> {
  const { tenantId, threadId, at } = input;
  if (!(await lockThread(tx, tenantId, threadId))) return null;
  const [row] = await tx.rows<MessageRow>(sql.editMessage, [
    tenantId,
    threadId,
    input.messageId,
    input.content ?? null,
    input.metadata === undefined ? null : JSON.stringify(input.metadata),
    at,
  ]);
  if (!row) return null;
  const thread = await advance(tx, tenantId, threadId, null);
  const event = await log(tx, thread, { type: 'message.updated', threadId, at, message: toMessage(row) });
  return { message: toMessage(row), events: [event] };
}

export async function deleteMessage(
  tx: Queryable,
  input: Parameters<Store['deleteMessage']>[0],
): Promise<Result<'deleteMessage'>> {
  const { tenantId, threadId, at } = input;
  if (!(await lockThread(tx, tenantId, threadId))) return null;
  const [row] = await tx.rows<MessageRow>(sql.clearMessage, [tenantId, threadId, input.messageId, at]);
  if (!row) return null;
  const thread = await advance(tx, tenantId, threadId, null);
  const event = await log(tx, thread, { type: 'message.deleted', threadId, at, message: toMessage(row) });
  return { message: toMessage(row), events: [event] };
}

export async function markRead(
  tx: Queryable,
  input: Parameters<Store['markRead']>[0],
): Promise<Result<'markRead'>> {
  const { tenantId, threadId, userId, at } = input;
  // Unknown or deleted threads have no participants: the membership check below refuses them.
  const locked = await lockThread(tx, tenantId, threadId);
  const [current] = await tx.rows<ReceiptRow>(sql.getReceipt, [tenantId, threadId, userId]);
  if (current && current.seq >= input.sequence) return { receipt: toReceipt(current), events: [] };
  // The port has no "not found" answer for markRead; callers check membership first.
  const member =
    locked && (await tx.rows<ParticipantRow>(sql.getParticipant, [tenantId, threadId, userId]))[0];
  if (!member) throw new Error(`markRead: ${userId} is not a participant of thread ${threadId}`);
  await tx.rows(sql.upsertReceipt, [tenantId, threadId, userId, input.messageId, input.sequence, at]);
  const receipt = { userId, messageId: input.messageId, sequence: input.sequence, readAt: at };
  const thread = await advance(tx, tenantId, threadId, null);
  return {
    receipt: { ...receipt },
    events: [await log(tx, thread, { type: 'receipt.created', threadId, at, receipt })],
  };
}

async function lockThread(tx: Queryable, tenantId: string, threadId: string): Promise<ThreadRow | undefined> {
  return (await tx.rows<ThreadRow>(sql.lockThread, [tenantId, threadId]))[0];
}

/** Takes the next position of a thread this transaction has locked (so it is live). */
async function advance(
  tx: Queryable,
  tenantId: string,
  threadId: string,
  at: string | null,
): Promise<ThreadRow> {
  const [row] = await tx.rows<ThreadRow>(sql.advanceThread, [tenantId, threadId, at]);
  if (!row) throw new Error(`thread ${threadId} vanished while locked`);
  return row;
}

/** Writes the event at the thread's current position (just taken by `advance`). */
async function log(tx: Queryable, thread: ThreadRow, input: ThreadEventInput): Promise<ThreadEvent> {
  const event = { ...input, pos: thread.last_pos } as ThreadEvent;
  await tx.rows(sql.insertEvent, [
    thread.tenant_id,
    thread.id,
    event.pos,
    event.type,
    JSON.stringify(event),
    event.at,
  ]);
  // Built here from fresh objects, so the caller may keep it: no copy needed.
  return event;
}

async function systemMessage(
  tx: Queryable,
  tenantId: string,
  threadId: string,
  id: string,
  type: SystemMessageType,
  system: SystemContent,
  at: string,
): Promise<ThreadEvent> {
  const outcome = await appendMessageRow(tx, {
    tenantId,
    threadId,
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
  if (!outcome?.created) throw new Error(`thread ${threadId} vanished while locked`);
  return outcome.event;
}

async function join(
  tx: Queryable,
  tenantId: string,
  threadId: string,
  fresh: NewParticipant[],
  at: string,
  pos: number,
): Promise<Participant[]> {
  if (fresh.length === 0) return [];
  await tx.rows(sql.insertParticipants, [
    tenantId,
    threadId,
    fresh.map((p) => p.userId),
    fresh.map((p) => p.displayName),
    fresh.map((p) => p.role),
    fresh.map((p) => p.shareHistoryTime),
    at,
    pos,
  ]);
  return fresh.map((p) =>
    toParticipant({
      thread_id: threadId,
      user_id: p.userId,
      display_name: p.displayName,
      role: p.role,
      share_history_time: p.shareHistoryTime,
      joined_at: at,
      joined_pos: pos,
      last_read_seq: 0,
    }),
  );
}

async function allParticipants(tx: Queryable, tenantId: string, threadId: string): Promise<Participant[]> {
  return (await tx.rows<ParticipantRow>(sql.allParticipants, [tenantId, threadId])).map(toParticipant);
}

/** The first entry of each user id: a repeated id in one call is one participant. */
function distinct(participants: NewParticipant[]): NewParticipant[] {
  const seen = new Set<string>();
  return participants.filter((p) => !seen.has(p.userId) && (seen.add(p.userId), true));
}
