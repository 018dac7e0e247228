import type { Message, MessageType, SystemContent, ThreadEvent } from '@parley/protocol';
import { toEvent, toMessage, type MessageRow } from '../sqlite/rows.js';
import type { Queryable } from './database.js';
import { sql } from './sql.js';

/** A message to store: a user's send, or a system message (no sender, `system` set). */
export interface NewMessage {
  tenantId: string;
  threadId: string;
  id: string;
  type: MessageType;
  content: string;
  system: SystemContent | null;
  senderId: string | null;
  senderDisplayName: string;
  metadata: Record<string, string>;
  clientMessageId: string | null;
  at: string;
}

export type AppendOutcome =
  { created: true; message: Message; event: ThreadEvent } | { created: false; message: Message } | null;

export interface AppendRow {
  last_seq: number | null;
  last_pos: number | null;
  body: string | null;
  existing: MessageRow | null;
}

/**
 * Stores the message with the thread's next sequence and logs its
 * `message.created`, in the single statement `sql.appendMessage` (see there
 * for why numbering is safe across processes). Null when the thread is not
 * live in the tenant. Throws the unique violation of `messages_client_message_id`
 * when a concurrent send with the same clientMessageId committed first.
 */
export async function appendMessageRow(q: Queryable, m: NewMessage): Promise<AppendOutcome> {
  const append = prepareAppend(m);
  const [result] = await q.rows<AppendRow>(sql.appendMessage, append.values);
  return append.outcome(result);
}

/** One append's statement parameters, and how to read its result row back into an outcome. */
export interface PreparedAppend {
  /** The parameters of `sql.appendMessage`: each a string or null. */
  values: (string | null)[];
  outcome(result: AppendRow | undefined): AppendOutcome;
}

export function prepareAppend(m: NewMessage): PreparedAppend {
  const row: MessageRow = {
    id: m.id,
    thread_id: m.threadId,
    seq: 0, // placeholder: the statement takes the number
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
  // pos and message.sequence are placeholders too, replaced in SQL.
  const body = JSON.stringify({
    type: 'message.created',
    threadId: m.threadId,
    at: m.at,
    message: toMessage(row),
    pos: 0,
  });
  return {
    values: [
      m.tenantId,
      m.threadId,
      m.clientMessageId,
      m.at,
      m.id,
      m.type,
      m.content,
      row.system,
      m.senderId,
      m.senderDisplayName,
      row.metadata,
      body,
    ],
    outcome(result) {
      if (!result) return null;
      if (result.existing) return { created: false, message: toMessage(result.existing) };
      return {
        created: true,
        message: toMessage({ ...row, seq: result.last_seq! }),
        // Parsed back from the stored text: exactly what eventsAfter will return.
        event: toEvent(result.body!),
      };
    },
  };
}
