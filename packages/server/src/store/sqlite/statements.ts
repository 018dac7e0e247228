import type Database from 'better-sqlite3';
import type {
  ApiKeyRow,
  MessageRow,
  ParticipantRow,
  ReceiptRow,
  SummaryRow,
  TenantRow,
  ThreadRow,
  UserRow,
} from './rows.js';

// Every statement the store runs, prepared once at open. Each one names its
// tenant (or a globally unique key) so that no statement can cross tenants.

type Tenant = { tenantId: string };
type InThread = Tenant & { threadId: string };
type ForUser = InThread & { userId: string };

const THREAD_COLS = `t.id, t.tenant_id, t.topic, t.metadata, t.created_by, t.created_at, t.updated_at,
  t.last_activity_at, t.last_seq, t.last_pos`;
const LAST_MESSAGE_COLS = `m.id AS m_id, m.seq AS m_seq, m.type AS m_type, m.content AS m_content,
  m.system AS m_system, m.sender_id AS m_sender_id, m.sender_display_name AS m_sender_display_name,
  m.metadata AS m_metadata, m.client_message_id AS m_client_message_id, m.created_at AS m_created_at,
  m.edited_at AS m_edited_at, m.deleted_at AS m_deleted_at`;
const PARTICIPANT_COLS = `p.thread_id, p.user_id, p.display_name, p.role, p.share_history_time, p.joined_at,
  p.joined_pos, ifnull(r.seq, 0) AS last_read_seq`;
/**
 * Unread messages of a participant: text and html from others, not deleted,
 * above the read position `r.seq`, and not older than what the participant may
 * see. The unary + keeps SQLite on the (thread_id, seq) range, which is the
 * short one: only what is unread.
 */
const unread = (
  threadId: string,
  shareHistoryTime: string,
  userId: string,
) => `(SELECT count(*) FROM messages u
  WHERE u.thread_id = ${threadId} AND u.seq > ifnull(r.seq, 0) AND u.type IN ('text', 'html')
    AND u.deleted_at IS NULL AND +u.created_at >= ${shareHistoryTime}
    AND (u.sender_id IS NULL OR u.sender_id <> ${userId}))`;
// Paging by (last_activity_at, id) strictly before the cursor; '~' sorts after every ISO time.
const THREAD_PAGE = `(t.last_activity_at, t.id) < (ifnull(@beforeAt, '~'), ifnull(@beforeId, ''))
  AND t.last_activity_at >= ifnull(@since, '')`;

export interface ThreadPageParams extends Tenant {
  beforeAt: string | null;
  beforeId: string | null;
  since: string | null;
  limit: number;
}

interface ApiKeyInsert extends Tenant {
  id: string;
  name: string;
  prefix: string;
  hash: string;
  createdAt: string;
  lastUsedAt: string | null;
}

interface UserInsert extends Tenant {
  id: string;
  displayName: string;
  role: string;
  metadata: string;
  createdAt: string;
  updatedAt: string;
}

export interface MessageInsert extends InThread {
  id: string;
  seq: number;
  type: string;
  content: string;
  system: string | null;
  senderId: string | null;
  senderDisplayName: string;
  metadata: string;
  clientMessageId: string | null;
  at: string;
}

export function prepareStatements(db: Database.Database) {
  return {
    ping: db.prepare<[], number>('SELECT 1').pluck(),

    insertTenant: db.prepare<{ id: string; name: string; createdAt: string }>(
      'INSERT INTO tenants (id, name, created_at) VALUES (@id, @name, @createdAt) ON CONFLICT DO NOTHING',
    ),
    getTenant: db.prepare<[string], TenantRow>('SELECT * FROM tenants WHERE id = ?'),
    countTenants: db.prepare<[], number>('SELECT count(*) FROM tenants').pluck(),

    insertApiKey: db.prepare<ApiKeyInsert>(
      `INSERT INTO api_keys (id, tenant_id, name, prefix, hash, created_at, last_used_at)
       VALUES (@id, @tenantId, @name, @prefix, @hash, @createdAt, @lastUsedAt)`,
    ),
    findApiKeyByHash: db.prepare<[string], ApiKeyRow>(
      'SELECT * FROM api_keys WHERE hash = ? AND revoked_at IS NULL',
    ),
    listApiKeys: db.prepare<[string], ApiKeyRow>(
      'SELECT * FROM api_keys WHERE tenant_id = ? AND revoked_at IS NULL ORDER BY created_at, id',
    ),
    revokeApiKey: db.prepare<Tenant & { id: string; at: string }>(
      'UPDATE api_keys SET revoked_at = @at WHERE tenant_id = @tenantId AND id = @id AND revoked_at IS NULL',
    ),
    touchApiKey: db.prepare<{ id: string; at: string }>(
      'UPDATE api_keys SET last_used_at = @at WHERE id = @id',
    ),

    insertUser: db.prepare<UserInsert>(
      `INSERT INTO users (tenant_id, id, display_name, role, metadata, created_at, updated_at)
       VALUES (@tenantId, @id, @displayName, @role, @metadata, @createdAt, @updatedAt)
       ON CONFLICT DO NOTHING`,
    ),
    getUser: db.prepare<Tenant & { id: string }, UserRow>(
      'SELECT * FROM users WHERE tenant_id = @tenantId AND id = @id',
    ),
    // `search` arrives lower-cased; instr() takes it literally, so % and _ need no escaping.
    listUsers: db.prepare<Tenant & { afterId: string; search: string | null; limit: number }, UserRow>(
      `SELECT * FROM users WHERE tenant_id = @tenantId AND id > @afterId
         AND (@search IS NULL OR instr(parley_lower(display_name), @search) > 0
              OR instr(parley_lower(id), @search) > 0)
       ORDER BY id LIMIT @limit`,
    ),
    updateUser: db.prepare<
      Tenant & {
        id: string;
        displayName: string | null;
        role: string | null;
        metadata: string | null;
        at: string;
      },
      UserRow
    >(
      `UPDATE users SET display_name = ifnull(@displayName, display_name), role = ifnull(@role, role),
         metadata = ifnull(@metadata, metadata), updated_at = @at
       WHERE tenant_id = @tenantId AND id = @id RETURNING *`,
    ),
    deleteUser: db.prepare<Tenant & { id: string }>(
      'DELETE FROM users WHERE tenant_id = @tenantId AND id = @id',
    ),
    // Receipts go with the participation (ON DELETE CASCADE).
    deleteUserParticipations: db.prepare<Tenant & { id: string }>(
      'DELETE FROM participants WHERE tenant_id = @tenantId AND user_id = @id',
    ),
    bumpTokenVersion: db
      .prepare<Tenant & { id: string }, number>(
        `UPDATE users SET token_version = token_version + 1 WHERE tenant_id = @tenantId AND id = @id
         RETURNING token_version`,
      )
      .pluck(),

    insertThread: db.prepare<
      InThread & {
        topic: string;
        metadata: string;
        createdBy: string | null;
        idempotencyKey: string | null;
        at: string;
      }
    >(
      `INSERT INTO threads (id, tenant_id, topic, metadata, created_by, idempotency_key, created_at, updated_at,
         last_activity_at)
       VALUES (@threadId, @tenantId, @topic, @metadata, @createdBy, @idempotencyKey, @at, @at, @at)`,
    ),
    findThreadByIdempotencyKey: db.prepare<Tenant & { createdBy: string; key: string }, ThreadRow>(
      `SELECT * FROM threads
       WHERE tenant_id = @tenantId AND ifnull(created_by, '') = @createdBy AND idempotency_key = @key`,
    ),
    getThread: db.prepare<InThread, ThreadRow>(
      'SELECT * FROM threads WHERE tenant_id = @tenantId AND id = @threadId AND deleted_at IS NULL',
    ),
    getDeletedThread: db.prepare<InThread, { id: string; deleted_at: string }>(
      `SELECT id, deleted_at FROM threads
       WHERE tenant_id = @tenantId AND id = @threadId AND deleted_at IS NOT NULL`,
    ),
    /** Takes the thread's next position (and sequence when `seq` is 1); `at` may move last activity forward. */
    advanceThread: db.prepare<InThread & { seq: 0 | 1; at: string | null }, ThreadRow>(
      `UPDATE threads SET last_pos = last_pos + 1, last_seq = last_seq + @seq,
         last_activity_at = CASE WHEN @at > last_activity_at THEN @at ELSE last_activity_at END
       WHERE tenant_id = @tenantId AND id = @threadId AND deleted_at IS NULL RETURNING *`,
    ),
    setThreadFields: db.prepare<InThread & { topic: string | null; metadata: string | null; at: string }>(
      `UPDATE threads SET topic = ifnull(@topic, topic), metadata = ifnull(@metadata, metadata), updated_at = @at
       WHERE tenant_id = @tenantId AND id = @threadId`,
    ),
    // The idempotency key is released: a retry after deletion creates a new thread.
    markThreadDeleted: db.prepare<InThread & { at: string }>(
      `UPDATE threads SET deleted_at = @at, updated_at = @at, idempotency_key = NULL
       WHERE tenant_id = @tenantId AND id = @threadId`,
    ),
    deleteThreadMessages: db.prepare<InThread>(
      'DELETE FROM messages WHERE tenant_id = @tenantId AND thread_id = @threadId',
    ),
    deleteThreadParticipants: db.prepare<InThread>(
      'DELETE FROM participants WHERE tenant_id = @tenantId AND thread_id = @threadId',
    ),
    deleteThreadEvents: db.prepare<InThread>(
      'DELETE FROM events WHERE tenant_id = @tenantId AND thread_id = @threadId',
    ),
    // The user's participations drive the join (CROSS JOIN fixes the order): a user is in few of the
    // tenant's threads. The page is cut first, so last message and unread count are computed for it only.
    listThreadsForUser: db.prepare<ThreadPageParams & { userId: string }, SummaryRow>(
      `WITH page AS MATERIALIZED (
         SELECT t.*, p.user_id AS p_user_id, p.share_history_time AS p_share_history_time
         FROM participants p CROSS JOIN threads t ON t.id = p.thread_id AND t.tenant_id = p.tenant_id
         WHERE p.tenant_id = @tenantId AND p.user_id = @userId AND t.deleted_at IS NULL AND ${THREAD_PAGE}
         ORDER BY t.last_activity_at DESC, t.id DESC LIMIT @limit)
       SELECT ${THREAD_COLS}, ${LAST_MESSAGE_COLS},
         ${unread('t.id', 't.p_share_history_time', 't.p_user_id')} AS unread_count
       FROM page t
       LEFT JOIN receipts r ON r.thread_id = t.id AND r.user_id = t.p_user_id
       LEFT JOIN messages m ON m.thread_id = t.id AND m.seq = t.last_seq
       ORDER BY t.last_activity_at DESC, t.id DESC`,
    ),
    listThreadsForTenant: db.prepare<ThreadPageParams, SummaryRow>(
      `SELECT ${THREAD_COLS}, ${LAST_MESSAGE_COLS}, 0 AS unread_count
       FROM threads t
       LEFT JOIN messages m ON m.thread_id = t.id AND m.seq = t.last_seq
       WHERE t.tenant_id = @tenantId AND t.deleted_at IS NULL AND ${THREAD_PAGE}
       ORDER BY t.last_activity_at DESC, t.id DESC LIMIT @limit`,
    ),
    threadIdsForUser: db
      .prepare<Tenant & { userId: string }, string>(
        'SELECT thread_id FROM participants WHERE tenant_id = @tenantId AND user_id = @userId ORDER BY thread_id',
      )
      .pluck(),
    threadsJoinedSince: db.prepare<
      Tenant & { userId: string; since: string },
      { threadId: string; joinedPos: number }
    >(
      `SELECT thread_id AS threadId, joined_pos AS joinedPos FROM participants
       WHERE tenant_id = @tenantId AND user_id = @userId AND joined_at >= @since
       ORDER BY joined_at, thread_id`,
    ),
    contactsOf: db
      .prepare<Tenant & { userId: string }, string>(
        `SELECT DISTINCT o.user_id FROM participants p
         JOIN participants o ON o.thread_id = p.thread_id AND o.user_id <> p.user_id
         WHERE p.tenant_id = @tenantId AND p.user_id = @userId ORDER BY o.user_id`,
      )
      .pluck(),

    getParticipant: db.prepare<ForUser, ParticipantRow>(
      `SELECT ${PARTICIPANT_COLS} FROM participants p
       LEFT JOIN receipts r ON r.thread_id = p.thread_id AND r.user_id = p.user_id
       WHERE p.tenant_id = @tenantId AND p.thread_id = @threadId AND p.user_id = @userId`,
    ),
    listParticipants: db.prepare<InThread & { limit: number; skip: number }, ParticipantRow>(
      `SELECT ${PARTICIPANT_COLS} FROM participants p
       LEFT JOIN receipts r ON r.thread_id = p.thread_id AND r.user_id = p.user_id
       WHERE p.tenant_id = @tenantId AND p.thread_id = @threadId
       ORDER BY p.joined_at, p.user_id LIMIT @limit OFFSET @skip`,
    ),
    countParticipants: db
      .prepare<InThread, number>(
        // +tenant_id: count through the thread's primary key range, not the tenant's whole index.
        'SELECT count(*) FROM participants WHERE +tenant_id = @tenantId AND thread_id = @threadId',
      )
      .pluck(),
    insertParticipant: db.prepare<
      ForUser & { displayName: string; role: string; shareHistoryTime: string; at: string; pos: number }
    >(
      `INSERT INTO participants (thread_id, user_id, tenant_id, display_name, role, share_history_time, joined_at,
         joined_pos)
       VALUES (@threadId, @userId, @tenantId, @displayName, @role, @shareHistoryTime, @at, @pos)`,
    ),
    deleteParticipant: db
      .prepare<ForUser, string>(
        `DELETE FROM participants WHERE tenant_id = @tenantId AND thread_id = @threadId AND user_id = @userId
         RETURNING display_name`,
      )
      .pluck(),

    insertMessage: db.prepare<MessageInsert>(
      `INSERT INTO messages (id, tenant_id, thread_id, seq, type, content, system, sender_id, sender_display_name,
         metadata, client_message_id, created_at)
       VALUES (@id, @tenantId, @threadId, @seq, @type, @content, @system, @senderId, @senderDisplayName,
         @metadata, @clientMessageId, @at)`,
    ),
    getMessage: db.prepare<InThread & { id: string }, MessageRow>(
      'SELECT * FROM messages WHERE tenant_id = @tenantId AND thread_id = @threadId AND id = @id',
    ),
    getMessageByClientId: db.prepare<InThread & { clientMessageId: string }, MessageRow>(
      `SELECT * FROM messages
       WHERE tenant_id = @tenantId AND thread_id = @threadId AND client_message_id = @clientMessageId`,
    ),
    listMessagesDesc: db.prepare<
      InThread & { before: number; minCreatedAt: string; limit: number },
      MessageRow
    >(
      `SELECT * FROM messages
       WHERE tenant_id = @tenantId AND thread_id = @threadId AND seq < @before AND created_at >= @minCreatedAt
       ORDER BY seq DESC LIMIT @limit`,
    ),
    listMessagesAsc: db.prepare<
      InThread & { after: number; minCreatedAt: string; limit: number },
      MessageRow
    >(
      `SELECT * FROM messages
       WHERE tenant_id = @tenantId AND thread_id = @threadId AND seq > @after AND created_at >= @minCreatedAt
       ORDER BY seq LIMIT @limit`,
    ),
    editMessage: db.prepare<
      InThread & { id: string; content: string | null; metadata: string | null; at: string },
      MessageRow
    >(
      `UPDATE messages SET content = ifnull(@content, content), metadata = ifnull(@metadata, metadata), edited_at = @at
       WHERE tenant_id = @tenantId AND thread_id = @threadId AND id = @id AND deleted_at IS NULL RETURNING *`,
    ),
    clearMessage: db.prepare<InThread & { id: string; at: string }, MessageRow>(
      `UPDATE messages SET content = '', deleted_at = @at
       WHERE tenant_id = @tenantId AND thread_id = @threadId AND id = @id AND deleted_at IS NULL RETURNING *`,
    ),
    unreadCount: db
      .prepare<ForUser, number>(
        `SELECT ${unread('p.thread_id', 'p.share_history_time', 'p.user_id')} FROM participants p
         LEFT JOIN receipts r ON r.thread_id = p.thread_id AND r.user_id = p.user_id
         WHERE p.tenant_id = @tenantId AND p.thread_id = @threadId AND p.user_id = @userId`,
      )
      .pluck(),

    getReceipt: db.prepare<ForUser, ReceiptRow>(
      `SELECT user_id, message_id, seq, read_at FROM receipts
       WHERE tenant_id = @tenantId AND thread_id = @threadId AND user_id = @userId`,
    ),
    upsertReceipt: db.prepare<ForUser & { messageId: string; seq: number; at: string }>(
      `INSERT INTO receipts (thread_id, user_id, tenant_id, message_id, seq, read_at)
       VALUES (@threadId, @userId, @tenantId, @messageId, @seq, @at)
       ON CONFLICT (thread_id, user_id) DO UPDATE SET message_id = excluded.message_id, seq = excluded.seq,
         read_at = excluded.read_at`,
    ),
    listReceipts: db.prepare<InThread & { limit: number; skip: number }, ReceiptRow>(
      `SELECT user_id, message_id, seq, read_at FROM receipts
       WHERE tenant_id = @tenantId AND thread_id = @threadId
       ORDER BY read_at, user_id LIMIT @limit OFFSET @skip`,
    ),

    insertEvent: db.prepare<InThread & { pos: number; type: string; body: string; at: string }>(
      `INSERT INTO events (thread_id, pos, tenant_id, type, body, at)
       VALUES (@threadId, @pos, @tenantId, @type, @body, @at)`,
    ),
    // json_each takes the id list as one JSON array parameter, however long it is.
    threadPositions: db.prepare<Tenant & { ids: string }, { id: string; last_pos: number }>(
      `SELECT id, last_pos FROM threads
       WHERE tenant_id = @tenantId AND deleted_at IS NULL AND id IN (SELECT value FROM json_each(@ids))`,
    ),
    eventsAfter: db
      .prepare<InThread & { afterPos: number; limit: number }, string>(
        `SELECT body FROM events WHERE tenant_id = @tenantId AND thread_id = @threadId AND pos > @afterPos
         ORDER BY pos LIMIT @limit`,
      )
      .pluck(),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
