import type {
  AgentLoad,
  ConversationPatch,
  ConversationQuery,
  ConversationRecord,
  ConversationStore,
  DueConversation,
  MessageHit,
  QueueEntry,
} from '../../core/ports/conversation-store.js';
import type { TranscriptSchedule } from '../../core/ports/transcript-outbox-store.js';
import { likeEscape } from '../sqlite/conversations.js';
import {
  CONVERSATION_COLUMNS as COLS,
  conversationValues,
  patchColumns,
  toConversation,
  type ConversationRow,
} from '../conversation-rows.js';
import type { Database, Queryable } from './database.js';
import { SCHEDULE_AT_RESOLVE } from './transcript-outbox.js';

type Expected = Pick<ConversationRecord, 'status' | 'agentId'>;
type AgentStatusName = 'online' | 'away' | 'offline';

const placeholders = COLS.split(', ')
  .map((_, i) => `$${i + 2}`)
  .join(', ');

const sql = {
  // Any unique violation (the one-open-per-visitor index included) makes it a no-op; a concurrent
  // insert for the same visitor waits for the first one's commit, then does nothing.
  insert: `INSERT INTO conversations (tenant_id, ${COLS}) VALUES ($1, ${placeholders})
    ON CONFLICT DO NOTHING RETURNING ${COLS}`,
  openOf: `SELECT ${COLS} FROM conversations WHERE tenant_id = $1 AND visitor_id = $2 AND status <> 'resolved'`,
  get: `SELECT ${COLS} FROM conversations WHERE tenant_id = $1 AND id = $2`,
  latest: `SELECT ${COLS} FROM conversations WHERE tenant_id = $1 AND visitor_id = $2
    ORDER BY created_at DESC, id DESC LIMIT 1`,
  // The agent row's lock serialises capacity checks for one agent across nodes until commit.
  lockAgent: 'SELECT 1 FROM agents WHERE tenant_id = $1 AND user_id = $2 FOR UPDATE',
  openChats: `SELECT count(*)::int AS n FROM conversations WHERE tenant_id = $1 AND agent_id = $2
    AND status = 'open'`,
  queue: `SELECT id, enqueued_at, priority, requeued_from FROM conversations
    WHERE tenant_id = $1 AND organization_id = $2 AND status = 'pending'
      AND department_id IS NOT DISTINCT FROM $3`,
  loads: `SELECT agent_id, count(*) FILTER (WHERE status = 'open')::int AS open_chats,
      max(assigned_at) AS last_assigned_at
    FROM conversations WHERE tenant_id = $1 AND organization_id = $2 AND agent_id IS NOT NULL
    GROUP BY agent_id`,
  dueAnswers: `SELECT tenant_id, id FROM conversations WHERE answer_deadline IS NOT NULL
    AND answer_deadline <= $1 AND status = 'open' ORDER BY answer_deadline LIMIT $2`,
  dueSnoozes: `SELECT tenant_id, id FROM conversations WHERE snoozed_until IS NOT NULL
    AND snoozed_until <= $1 AND status = 'snoozed' ORDER BY snoozed_until LIMIT $2`,
  openOfAgent: `SELECT ${COLS} FROM conversations WHERE tenant_id = $1 AND agent_id = $2 AND status = 'open'
    ORDER BY enqueued_at, id`,
  setDisconnected: 'UPDATE agents SET disconnected_at = $3 WHERE tenant_id = $1 AND user_id = $2',
  disconnectedSince: `SELECT tenant_id, user_id FROM agents WHERE disconnected_at IS NOT NULL
    AND disconnected_at <= $1 AND status = 'online' ORDER BY disconnected_at LIMIT $2`,
  switchStatus: `UPDATE agents SET status = $4, away_automatic = $5, updated_at = $6
    WHERE tenant_id = $1 AND user_id = $2 AND status = $3 RETURNING organization_id`,
  searchMessages: `SELECT m.thread_id, m.id, m.seq, m.sender_display_name, m.created_at,
      ts_headline('simple', m.content, q, $5) AS marked
    FROM messages m JOIN conversations c ON c.tenant_id = m.tenant_id AND c.id = m.thread_id,
      to_tsquery('simple', $3) q
    WHERE m.thread_id LIKE 'cnv\\_%' AND to_tsvector('simple', m.content) @@ q
      AND m.tenant_id = $1 AND c.organization_id = $2 AND m.deleted_at IS NULL
    ORDER BY m.created_at DESC, m.id DESC LIMIT $4`,
  searchContacts: `SELECT ${COLS.split(', ')
    .map((col) => `c.${col}`)
    .join(', ')} FROM conversations c
    JOIN users u ON u.tenant_id = c.tenant_id AND u.id = c.visitor_id
    WHERE c.tenant_id = $1 AND c.organization_id = $2
      AND (lower(u.display_name) LIKE $3
        OR EXISTS (SELECT 1 FROM json_each_text(c.answers::json) a WHERE lower(a.value) LIKE $3))
    ORDER BY c.created_at DESC, c.id DESC LIMIT $4`,
  createdBetween: `SELECT ${COLS} FROM conversations WHERE tenant_id = $1 AND organization_id = $2
    AND created_at >= $3 AND created_at < $4 ORDER BY created_at, id LIMIT $5`,
  awayAutomatic: `SELECT away_automatic FROM agents WHERE tenant_id = $1 AND user_id = $2 AND status = 'away'`,
};

/** The PostgreSQL adapter's part of the port for conversations. */
export class PostgresConversations implements ConversationStore {
  constructor(private readonly db: Database) {}

  async insertConversation(
    tenantId: string,
    conversation: ConversationRecord,
  ): Promise<{ conversation: ConversationRecord; created: boolean }> {
    const [inserted] = await this.db.write<ConversationRow>(sql.insert, [
      tenantId,
      ...conversationValues(conversation),
    ]);
    if (inserted) return { conversation: toConversation(inserted), created: true };
    const [open] = await this.db.rows<ConversationRow>(sql.openOf, [tenantId, conversation.visitorId]);
    // Resolved between the conflict and this read: the caller starts again.
    if (!open) return this.insertConversation(tenantId, conversation);
    return { conversation: toConversation(open), created: false };
  }

  async getConversation(tenantId: string, conversationId: string): Promise<ConversationRecord | null> {
    const [row] = await this.db.rows<ConversationRow>(sql.get, [tenantId, conversationId]);
    return row ? toConversation(row) : null;
  }

  async latestConversationOf(tenantId: string, visitorId: string): Promise<ConversationRecord | null> {
    const [row] = await this.db.rows<ConversationRow>(sql.latest, [tenantId, visitorId]);
    return row ? toConversation(row) : null;
  }

  async listConversations(
    tenantId: string,
    organizationId: string,
    query: ConversationQuery,
  ): Promise<ConversationRecord[]> {
    const values: unknown[] = [tenantId, organizationId];
    const where = ['tenant_id = $1', 'organization_id = $2'];
    const add = (clause: (n: number) => string, value: unknown) => {
      values.push(value);
      where.push(clause(values.length));
    };
    if (query.status !== undefined) add((n) => `status = $${n}`, query.status);
    if (query.departmentId !== undefined) add((n) => `department_id = $${n}`, query.departmentId);
    if (query.agentId !== undefined) add((n) => `agent_id = $${n}`, query.agentId);
    if (query.visitorId !== undefined) add((n) => `visitor_id = $${n}`, query.visitorId);
    if (query.label !== undefined) add((n) => `labels::jsonb ? $${n}`, query.label);
    if (query.before) {
      values.push(query.before.createdAt, query.before.id);
      where.push(`(created_at, id) < ($${values.length - 1}, $${values.length})`);
    }
    values.push(query.limit);
    const rows = await this.db.rows<ConversationRow>(
      `SELECT ${COLS} FROM conversations WHERE ${where.join(' AND ')}
       ORDER BY created_at DESC, id DESC LIMIT $${values.length}`,
      values,
    );
    return rows.map(toConversation);
  }

  async updateConversation(
    tenantId: string,
    conversationId: string,
    expected: Expected,
    patch: ConversationPatch,
    transcript?: TranscriptSchedule,
  ): Promise<ConversationRecord | null> {
    if (!transcript)
      return compareAndSet(
        { rows: (text, values) => this.db.write(text, values) },
        tenantId,
        conversationId,
        expected,
        patch,
      );
    // The outbox row commits with the resolve, or neither does.
    return this.db.transaction(async (tx) => {
      const updated = await compareAndSet(tx, tenantId, conversationId, expected, patch);
      if (updated)
        await tx.rows(SCHEDULE_AT_RESOLVE, [
          tenantId,
          conversationId,
          transcript.dueAt,
          transcript.createdAt,
        ]);
      return updated;
    });
  }

  assignConversation(
    tenantId: string,
    conversationId: string,
    expected: Expected,
    assignment: { agentId: string; at: string; answerDeadline: string | null; maxChats: number | null },
  ): ReturnType<ConversationStore['assignConversation']> {
    const { agentId, at, answerDeadline, maxChats } = assignment;
    return this.db.transaction(async (tx) => {
      if (maxChats !== null) {
        await tx.rows(sql.lockAgent, [tenantId, agentId]);
        const [count] = await tx.rows<{ n: number }>(sql.openChats, [tenantId, agentId]);
        if ((count?.n ?? 0) >= maxChats) return { outcome: 'at_capacity' as const };
      }
      const conversation = await compareAndSet(tx, tenantId, conversationId, expected, {
        status: 'open',
        agentId,
        assignedAt: at,
        firstAgentReplyAt: null,
        snoozedUntil: null,
        answerDeadline,
        updatedAt: at,
      });
      return conversation ? { outcome: 'assigned' as const, conversation } : { outcome: 'conflict' as const };
    });
  }

  async queueOf(
    tenantId: string,
    organizationId: string,
    departmentId: string | null,
  ): Promise<QueueEntry[]> {
    const rows = await this.db.rows<{
      id: string;
      enqueued_at: string;
      priority: number;
      requeued_from: string | null;
    }>(sql.queue, [tenantId, organizationId, departmentId]);
    return rows.map((r) => ({
      conversationId: r.id,
      enqueuedAt: r.enqueued_at,
      priority: r.priority,
      requeuedFrom: r.requeued_from,
    }));
  }

  async agentLoads(tenantId: string, organizationId: string): Promise<Map<string, AgentLoad>> {
    const rows = await this.db.rows<{
      agent_id: string;
      open_chats: number;
      last_assigned_at: string | null;
    }>(sql.loads, [tenantId, organizationId]);
    return new Map(
      rows.map((r) => [r.agent_id, { openChats: r.open_chats, lastAssignedAt: r.last_assigned_at }]),
    );
  }

  async dueConversations(now: string, limit: number): Promise<DueConversation[]> {
    const answers = await this.db.rows<{ tenant_id: string; id: string }>(sql.dueAnswers, [now, limit]);
    const snoozes = await this.db.rows<{ tenant_id: string; id: string }>(sql.dueSnoozes, [now, limit]);
    return [
      ...answers.map((r) => ({
        tenantId: r.tenant_id,
        conversationId: r.id,
        reason: 'answer_deadline' as const,
      })),
      ...snoozes.map((r) => ({
        tenantId: r.tenant_id,
        conversationId: r.id,
        reason: 'snooze_over' as const,
      })),
    ];
  }

  async openConversationsOf(tenantId: string, agentId: string): Promise<ConversationRecord[]> {
    return (await this.db.rows<ConversationRow>(sql.openOfAgent, [tenantId, agentId])).map(toConversation);
  }

  async setAgentDisconnectedAt(tenantId: string, userId: string, at: string | null): Promise<void> {
    await this.db.write(sql.setDisconnected, [tenantId, userId, at]);
  }

  async agentsDisconnectedSince(
    cutoff: string,
    limit: number,
  ): Promise<{ tenantId: string; userId: string }[]> {
    const rows = await this.db.rows<{ tenant_id: string; user_id: string }>(sql.disconnectedSince, [
      cutoff,
      limit,
    ]);
    return rows.map((r) => ({ tenantId: r.tenant_id, userId: r.user_id }));
  }

  async switchAgentStatus(
    tenantId: string,
    userId: string,
    from: AgentStatusName,
    to: AgentStatusName,
    automatic: boolean,
    at: string,
  ): Promise<{ organizationId: string } | null> {
    const [row] = await this.db.write<{ organization_id: string }>(sql.switchStatus, [
      tenantId,
      userId,
      from,
      to,
      automatic,
      at,
    ]);
    return row ? { organizationId: row.organization_id } : null;
  }

  async searchMessages(
    tenantId: string,
    organizationId: string,
    words: string[],
    limit: number,
  ): Promise<MessageHit[]> {
    // Each word a prefix; the core passes letters and digits only, so nothing is read as tsquery syntax.
    const query = words.map((w) => `${w}:*`).join(' & ');
    const rows = await this.db.rows<{
      thread_id: string;
      id: string;
      seq: number;
      sender_display_name: string;
      created_at: string;
      marked: string;
    }>(sql.searchMessages, [tenantId, organizationId, query, limit, HEADLINE_OPTIONS]);
    return rows.map((r) => ({
      conversationId: r.thread_id,
      messageId: r.id,
      sequence: r.seq,
      senderDisplayName: r.sender_display_name,
      createdAt: r.created_at,
      marked: r.marked,
    }));
  }

  async conversationsCreatedBetween(
    tenantId: string,
    organizationId: string,
    from: string,
    to: string,
    limit: number,
  ): Promise<ConversationRecord[]> {
    const rows = await this.db.rows<ConversationRow>(sql.createdBetween, [
      tenantId,
      organizationId,
      from,
      to,
      limit,
    ]);
    return rows.map(toConversation);
  }

  async searchContacts(
    tenantId: string,
    organizationId: string,
    text: string,
    limit: number,
  ): Promise<ConversationRecord[]> {
    const pattern = `%${likeEscape(text.toLowerCase())}%`;
    const rows = await this.db.rows<ConversationRow>(sql.searchContacts, [
      tenantId,
      organizationId,
      pattern,
      limit,
    ]);
    return rows.map(toConversation);
  }

  async isAwayAutomatic(tenantId: string, userId: string): Promise<boolean> {
    const [row] = await this.db.rows<{ away_automatic: boolean }>(sql.awayAutomatic, [tenantId, userId]);
    return row?.away_automatic === true;
  }
}

/** Marks matches with U+0001/U+0002, as the port says; the whole message, not fragments. */
const HEADLINE_OPTIONS = 'StartSel=\u0001, StopSel=\u0002, HighlightAll=true';

/** One UPDATE: applies the patch only while (status, agent) are still the expected ones. */
async function compareAndSet(
  q: Pick<Queryable, 'rows'>,
  tenantId: string,
  conversationId: string,
  expected: Expected,
  patch: ConversationPatch,
): Promise<ConversationRecord | null> {
  const sets = patchColumns(patch);
  const values = [
    ...sets.map(([, value]) => value),
    tenantId,
    conversationId,
    expected.status,
    expected.agentId,
  ];
  const n = sets.length;
  const [row] = await q.rows<ConversationRow>(
    `UPDATE conversations SET ${sets.map(([column], i) => `${column} = $${i + 1}`).join(', ')}
     WHERE tenant_id = $${n + 1} AND id = $${n + 2} AND status = $${n + 3}
       AND agent_id IS NOT DISTINCT FROM $${n + 4}::text
     RETURNING ${COLS}`,
    values,
  );
  return row ? toConversation(row) : null;
}
