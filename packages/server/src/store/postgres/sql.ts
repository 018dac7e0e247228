// Every statement the PostgreSQL store runs. Each names its tenant (or a
// globally unique key) so that no statement can cross tenants. Columns are
// selected under the names the shared row mappers (`../sqlite/rows.ts`) expect.
//
// Caller-supplied sequence and position bounds are cast to bigint: the
// columns are int4, and a bound past 2^31 must compare, not fail.

const THREAD_COLS = `id, tenant_id, topic, metadata, created_by, created_at, updated_at, last_activity_at,
  last_seq, last_pos`;
const T_THREAD_COLS = `t.id, t.tenant_id, t.topic, t.metadata, t.created_by, t.created_at, t.updated_at,
  t.last_activity_at, t.last_seq, t.last_pos`;
const MESSAGE_COLS = `id, thread_id, seq, type, content, system, sender_id, sender_display_name, metadata,
  client_message_id, created_at, edited_at, deleted_at`;
const LAST_MESSAGE_COLS = `m.id AS m_id, m.seq AS m_seq, m.type AS m_type, m.content AS m_content,
  m.system AS m_system, m.sender_id AS m_sender_id, m.sender_display_name AS m_sender_display_name,
  m.metadata AS m_metadata, m.client_message_id AS m_client_message_id, m.created_at AS m_created_at,
  m.edited_at AS m_edited_at, m.deleted_at AS m_deleted_at`;
const USER_COLS = 'tenant_id, id, display_name, role, metadata, created_at, updated_at, token_version';
const API_KEY_COLS = 'id, tenant_id, name, prefix, hash, created_at, last_used_at';
const PARTICIPANT_COLS = `p.thread_id, p.user_id, p.display_name, p.role, p.share_history_time, p.joined_at,
  p.joined_pos, coalesce(r.seq, 0) AS last_read_seq`;

/**
 * Unread messages of a participant: text and html from others, not deleted,
 * above the read position `r.seq`, and not older than what the participant may see.
 */
const unread = (threadId: string, shareHistoryTime: string, userId: string) => `(SELECT count(*)::int
  FROM messages u
  WHERE u.thread_id = ${threadId} AND u.seq > coalesce(r.seq, 0) AND u.type IN ('text', 'html')
    AND u.deleted_at IS NULL AND u.created_at >= ${shareHistoryTime}
    AND (u.sender_id IS NULL OR u.sender_id <> ${userId}))`;

// Paging by (last_activity_at, id) strictly before the cursor ($2, $3); '~' sorts after every ISO
// time under COLLATE "C". $4 keeps activity at or after updatedSince.
const THREAD_PAGE = `(t.last_activity_at, t.id) < (coalesce($2, '~'), coalesce($3, ''))
  AND t.last_activity_at >= coalesce($4, '')`;

export const sql = {
  ping: 'SELECT 1',

  // Tenants and API keys --------------------------------------------------
  insertTenant: `INSERT INTO tenants (id, name, created_at) VALUES ($1, $2, $3)
    ON CONFLICT (id) DO NOTHING RETURNING id`,
  getTenant: 'SELECT id, name, created_at FROM tenants WHERE id = $1',
  countTenants: 'SELECT count(*)::int AS n FROM tenants',

  insertApiKey: `INSERT INTO api_keys (id, tenant_id, name, prefix, hash, created_at, last_used_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7)`,
  findApiKeyByHash: `SELECT ${API_KEY_COLS} FROM api_keys WHERE hash = $1 AND revoked_at IS NULL`,
  listApiKeys: `SELECT ${API_KEY_COLS} FROM api_keys WHERE tenant_id = $1 AND revoked_at IS NULL
    ORDER BY created_at, id`,
  revokeApiKey: `UPDATE api_keys SET revoked_at = $3 WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL
    RETURNING id`,
  touchApiKey: 'UPDATE api_keys SET last_used_at = $2 WHERE id = $1',

  // Users -------------------------------------------------------------------
  insertUser: `INSERT INTO users (tenant_id, id, display_name, role, metadata, created_at, updated_at,
      display_name_folded, id_folded)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (tenant_id, id) DO NOTHING RETURNING id`,
  getUser: `SELECT ${USER_COLS} FROM users WHERE tenant_id = $1 AND id = $2`,
  // $3 arrives folded; strpos() takes it literally, so % and _ need no escaping.
  listUsers: `SELECT ${USER_COLS} FROM users WHERE tenant_id = $1 AND id > $2
      AND ($3::text IS NULL OR strpos(display_name_folded, $3) > 0 OR strpos(id_folded, $3) > 0)
    ORDER BY id LIMIT $4`,
  updateUser: `UPDATE users SET display_name = coalesce($3, display_name),
      display_name_folded = coalesce($4, display_name_folded), role = coalesce($5, role),
      metadata = coalesce($6, metadata), updated_at = $7
    WHERE tenant_id = $1 AND id = $2 RETURNING ${USER_COLS}`,
  // One statement, so atomic without BEGIN. Receipts go with the participations (ON DELETE CASCADE).
  deleteUser: `WITH gone AS (DELETE FROM users WHERE tenant_id = $1 AND id = $2 RETURNING id),
      participations AS (DELETE FROM participants
        WHERE tenant_id = $1 AND user_id = $2 AND EXISTS (SELECT 1 FROM gone))
    SELECT id FROM gone`,
  bumpTokenVersion: `UPDATE users SET token_version = token_version + 1 WHERE tenant_id = $1 AND id = $2
    RETURNING token_version`,

  // Threads -----------------------------------------------------------------
  /**
   * The new thread at position 1 (its thread.created event). A key already used by the same
   * creator inserts nothing and returns no row; a concurrent insert of that key is waited for.
   */
  insertThread: `INSERT INTO threads (id, tenant_id, topic, metadata, created_by, idempotency_key, created_at,
      updated_at, last_activity_at, last_pos)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $7, 1)
    ON CONFLICT (tenant_id, (coalesce(created_by, '')), idempotency_key) WHERE idempotency_key IS NOT NULL
    DO NOTHING
    RETURNING ${THREAD_COLS}`,
  findThreadByIdempotencyKey: `SELECT ${THREAD_COLS} FROM threads
    WHERE tenant_id = $1 AND coalesce(created_by, '') = $2 AND idempotency_key = $3`,
  getThread: `SELECT ${THREAD_COLS} FROM threads WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL`,
  getDeletedThread: `SELECT id, deleted_at FROM threads
    WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NOT NULL`,
  /**
   * First statement of every thread mutation: the row lock serialises the writers of one thread,
   * on every node, until commit. NO KEY UPDATE is the lock an UPDATE takes, and still lets
   * foreign-key checks (KEY SHARE) through.
   */
  lockThread: `SELECT ${THREAD_COLS} FROM threads WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL
    FOR NO KEY UPDATE`,
  /** Takes the thread's next position; $3 (a time, or null) may move last activity forward. */
  advanceThread: `UPDATE threads SET last_pos = last_pos + 1, last_activity_at = greatest(last_activity_at, $3)
    WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING ${THREAD_COLS}`,
  setThreadFields: `UPDATE threads SET topic = coalesce($3, topic), metadata = coalesce($4, metadata),
      updated_at = $5
    WHERE tenant_id = $1 AND id = $2`,
  /** Removes the content of a thread (receipts cascade) and returns its former participants. */
  deleteThreadContent: `WITH gone AS (DELETE FROM participants WHERE tenant_id = $1 AND thread_id = $2
        RETURNING user_id, joined_at),
      messages_gone AS (DELETE FROM messages WHERE tenant_id = $1 AND thread_id = $2),
      events_gone AS (DELETE FROM events WHERE tenant_id = $1 AND thread_id = $2)
    SELECT user_id FROM gone ORDER BY joined_at, user_id`,
  /**
   * Takes the position of thread.deleted and leaves the tombstone. The idempotency key is
   * released: a retry after deletion creates a new thread.
   */
  markThreadDeleted: `UPDATE threads SET last_pos = last_pos + 1,
      last_activity_at = greatest(last_activity_at, $3), deleted_at = $3, updated_at = $3,
      idempotency_key = NULL
    WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING ${THREAD_COLS}`,

  // The user's participations drive the join: a user is in few of the tenant's threads. The page
  // is cut first, so last message and unread count are computed for it only.
  listThreadsForUser: `WITH page AS MATERIALIZED (
      SELECT t.*, p.user_id AS p_user_id, p.share_history_time AS p_share_history_time
      FROM participants p JOIN threads t ON t.id = p.thread_id AND t.tenant_id = p.tenant_id
      WHERE p.tenant_id = $1 AND p.user_id = $6 AND t.deleted_at IS NULL AND ${THREAD_PAGE}
      ORDER BY t.last_activity_at DESC, t.id DESC LIMIT $5)
    SELECT ${T_THREAD_COLS}, ${LAST_MESSAGE_COLS},
      ${unread('t.id', 't.p_share_history_time', 't.p_user_id')} AS unread_count
    FROM page t
    LEFT JOIN receipts r ON r.thread_id = t.id AND r.user_id = t.p_user_id
    LEFT JOIN messages m ON m.thread_id = t.id AND m.seq = t.last_seq
    ORDER BY t.last_activity_at DESC, t.id DESC`,
  listThreadsForTenant: `SELECT ${T_THREAD_COLS}, ${LAST_MESSAGE_COLS}, 0 AS unread_count
    FROM threads t
    LEFT JOIN messages m ON m.thread_id = t.id AND m.seq = t.last_seq
    WHERE t.tenant_id = $1 AND t.deleted_at IS NULL AND ${THREAD_PAGE}
    ORDER BY t.last_activity_at DESC, t.id DESC LIMIT $5`,
  threadIdsForUser: `SELECT thread_id FROM participants WHERE tenant_id = $1 AND user_id = $2
    ORDER BY thread_id`,
  threadsJoinedSince: `SELECT thread_id AS "threadId", joined_pos AS "joinedPos" FROM participants
    WHERE tenant_id = $1 AND user_id = $2 AND joined_at >= $3
    ORDER BY joined_at, thread_id`,
  contactsOf: `SELECT DISTINCT o.user_id FROM participants p
    JOIN participants o ON o.thread_id = p.thread_id AND o.user_id <> p.user_id
    WHERE p.tenant_id = $1 AND p.user_id = $2 ORDER BY o.user_id`,

  // Participants --------------------------------------------------------------
  getParticipant: `SELECT ${PARTICIPANT_COLS} FROM participants p
    LEFT JOIN receipts r ON r.thread_id = p.thread_id AND r.user_id = p.user_id
    WHERE p.tenant_id = $1 AND p.thread_id = $2 AND p.user_id = $3`,
  listParticipants: `SELECT ${PARTICIPANT_COLS} FROM participants p
    LEFT JOIN receipts r ON r.thread_id = p.thread_id AND r.user_id = p.user_id
    WHERE p.tenant_id = $1 AND p.thread_id = $2
    ORDER BY p.joined_at, p.user_id LIMIT $3 OFFSET $4`,
  allParticipants: `SELECT ${PARTICIPANT_COLS} FROM participants p
    LEFT JOIN receipts r ON r.thread_id = p.thread_id AND r.user_id = p.user_id
    WHERE p.tenant_id = $1 AND p.thread_id = $2
    ORDER BY p.joined_at, p.user_id`,
  countParticipants: `SELECT count(*)::int AS n FROM participants WHERE tenant_id = $1 AND thread_id = $2`,
  /** How many participants the thread has, and which of the user ids $3 are among them. */
  participantsPresent: `SELECT count(*)::int AS n,
      coalesce(array_agg(user_id) FILTER (WHERE user_id = ANY ($3::text[])), '{}') AS present
    FROM participants WHERE tenant_id = $1 AND thread_id = $2`,
  /** Inserts one participant per element of the parallel arrays $3..$6, joined at $7, position $8. */
  insertParticipants: `INSERT INTO participants (thread_id, user_id, tenant_id, display_name, role,
      share_history_time, joined_at, joined_pos)
    SELECT $2, u.user_id, $1, u.display_name, u.role, u.share_history_time, $7, $8
    FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) AS u(user_id, display_name, role,
      share_history_time)`,
  deleteParticipant: `DELETE FROM participants WHERE tenant_id = $1 AND thread_id = $2 AND user_id = $3
    RETURNING display_name`,

  // Messages ------------------------------------------------------------------
  /**
   * The whole of a message append in one statement, hence one round trip and one implicit
   * transaction: look for the clientMessageId ($3), take the thread's next sequence and
   * position, insert the message and its event.
   *
   * Why this is safe across processes: the UPDATE takes the thread row's lock and holds it until
   * the statement commits. A second writer of the same thread (any node) waits on that lock,
   * then re-reads the committed row and takes the next numbers: sequences and positions never
   * repeat nor skip. Because the first writer's commit is visible before its lock is released, a
   * reader can never see position p+1 while p is still uncommitted.
   *
   * The clientMessageId lookup uses the statement's snapshot, taken before the wait: a
   * concurrent send of the same id may commit in between. The unique constraint then rejects
   * this insert (23505 on messages_client_message_id), rolling everything back, and the caller
   * re-reads the stored message. A deleted thread re-checked after the wait is skipped: no row.
   *
   * $12 is the event body as JSON with placeholders for pos and message.sequence, filled here
   * with the numbers just taken; the stored text is what eventsAfter returns.
   *
   * Returns one row: either the new numbers and the stored body, or the existing message (as
   * JSON with the column names); none when the thread is unknown, deleted or of another tenant.
   */
  appendMessage: `WITH existing AS (
      SELECT ${MESSAGE_COLS} FROM messages WHERE tenant_id = $1 AND thread_id = $2 AND client_message_id = $3
    ), advanced AS (
      UPDATE threads SET last_pos = last_pos + 1, last_seq = last_seq + 1,
        last_activity_at = greatest(last_activity_at, $4)
      WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM existing)
      RETURNING last_seq, last_pos
    ), inserted AS (
      INSERT INTO messages (id, tenant_id, thread_id, seq, type, content, system, sender_id,
        sender_display_name, metadata, client_message_id, created_at)
      SELECT $5, $1, $2, last_seq, $6, $7, $8, $9, $10, $11, $3, $4 FROM advanced
    ), logged AS (
      INSERT INTO events (thread_id, pos, tenant_id, type, body, at)
      SELECT $2, last_pos, $1, 'message.created',
        jsonb_set(jsonb_set($12::jsonb, '{pos}', to_jsonb(last_pos)), '{message,sequence}', to_jsonb(last_seq))::text,
        $4
      FROM advanced
      RETURNING body
    )
    SELECT a.last_seq, a.last_pos, l.body, NULL::json AS existing FROM advanced a, logged l
    UNION ALL
    SELECT NULL, NULL, NULL, to_json(x) FROM existing x`,
  getMessage: `SELECT ${MESSAGE_COLS} FROM messages WHERE tenant_id = $1 AND thread_id = $2 AND id = $3`,
  getMessageByClientId: `SELECT ${MESSAGE_COLS} FROM messages
    WHERE tenant_id = $1 AND thread_id = $2 AND client_message_id = $3`,
  listMessagesDesc: `SELECT ${MESSAGE_COLS} FROM messages
    WHERE tenant_id = $1 AND thread_id = $2 AND seq < $3::bigint AND created_at >= $4
    ORDER BY seq DESC LIMIT $5`,
  listMessagesAsc: `SELECT ${MESSAGE_COLS} FROM messages
    WHERE tenant_id = $1 AND thread_id = $2 AND seq > $3::bigint AND created_at >= $4
    ORDER BY seq LIMIT $5`,
  editMessage: `UPDATE messages SET content = coalesce($4, content), metadata = coalesce($5, metadata),
      edited_at = $6
    WHERE tenant_id = $1 AND thread_id = $2 AND id = $3 AND deleted_at IS NULL RETURNING ${MESSAGE_COLS}`,
  clearMessage: `UPDATE messages SET content = '', deleted_at = $4
    WHERE tenant_id = $1 AND thread_id = $2 AND id = $3 AND deleted_at IS NULL RETURNING ${MESSAGE_COLS}`,
  unreadCount: `SELECT ${unread('p.thread_id', 'p.share_history_time', 'p.user_id')} AS n
    FROM participants p
    LEFT JOIN receipts r ON r.thread_id = p.thread_id AND r.user_id = p.user_id
    WHERE p.tenant_id = $1 AND p.thread_id = $2 AND p.user_id = $3`,

  // Read receipts ---------------------------------------------------------------
  getReceipt: `SELECT user_id, message_id, seq, read_at FROM receipts
    WHERE tenant_id = $1 AND thread_id = $2 AND user_id = $3`,
  upsertReceipt: `INSERT INTO receipts (thread_id, user_id, tenant_id, message_id, seq, read_at)
    VALUES ($2, $3, $1, $4, $5, $6)
    ON CONFLICT (thread_id, user_id) DO UPDATE SET message_id = excluded.message_id, seq = excluded.seq,
      read_at = excluded.read_at`,
  listReceipts: `SELECT user_id, message_id, seq, read_at FROM receipts
    WHERE tenant_id = $1 AND thread_id = $2
    ORDER BY read_at, user_id LIMIT $3 OFFSET $4`,

  // Event log -------------------------------------------------------------------
  insertEvent: `INSERT INTO events (thread_id, pos, tenant_id, type, body, at) VALUES ($2, $3, $1, $4, $5, $6)`,
  threadPositions: `SELECT id, last_pos FROM threads
    WHERE tenant_id = $1 AND deleted_at IS NULL AND id = ANY ($2::text[])`,
  eventsAfter: `SELECT body FROM events WHERE tenant_id = $1 AND thread_id = $2 AND pos > $3::bigint
    ORDER BY pos LIMIT $4`,
} as const;
