import type Database from 'better-sqlite3';
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
import {
  CONVERSATION_COLUMNS as COLS,
  conversationValues,
  patchColumns,
  toConversation,
  type ConversationRow,
} from '../conversation-rows.js';
import type { WriteQueue } from './write-queue.js';
import { SCHEDULE_AT_RESOLVE } from './transcript-outbox.js';

type Expected = Pick<ConversationRecord, 'status' | 'agentId'>;
type AgentStatusName = 'online' | 'away' | 'offline';

function prepare(db: Database.Database) {
  const placeholders = COLS.split(', ')
    .map(() => '?')
    .join(', ');
  return {
    scheduleTranscript: db.prepare<[string, string, string, string]>(SCHEDULE_AT_RESOLVE),
    insert: db.prepare(
      `INSERT INTO conversations (tenant_id, ${COLS}) VALUES (?, ${placeholders}) ON CONFLICT DO NOTHING`,
    ),
    openOf: db.prepare<[string, string], ConversationRow>(
      `SELECT ${COLS} FROM conversations WHERE tenant_id = ? AND visitor_id = ? AND status <> 'resolved'`,
    ),
    get: db.prepare<[string, string], ConversationRow>(
      `SELECT ${COLS} FROM conversations WHERE tenant_id = ? AND id = ?`,
    ),
    latest: db.prepare<[string, string], ConversationRow>(
      `SELECT ${COLS} FROM conversations WHERE tenant_id = ? AND visitor_id = ?
       ORDER BY created_at DESC, id DESC LIMIT 1`,
    ),
    openChats: db.prepare<[string, string], number>(
      `SELECT count(*) FROM conversations WHERE tenant_id = ? AND agent_id = ? AND status = 'open'`,
    ),
    queue: db.prepare<
      [string, string, string | null],
      { id: string; enqueued_at: string; priority: number; requeued_from: string | null }
    >(
      `SELECT id, enqueued_at, priority, requeued_from FROM conversations
       WHERE tenant_id = ? AND organization_id = ? AND status = 'pending' AND department_id IS ?`,
    ),
    loads: db.prepare<
      [string, string],
      { agent_id: string; open_chats: number; last_assigned_at: string | null }
    >(
      `SELECT agent_id, sum(status = 'open') AS open_chats, max(assigned_at) AS last_assigned_at
       FROM conversations WHERE tenant_id = ? AND organization_id = ? AND agent_id IS NOT NULL
       GROUP BY agent_id`,
    ),
    dueAnswers: db.prepare<[string, number], { tenant_id: string; id: string }>(
      `SELECT tenant_id, id FROM conversations WHERE answer_deadline IS NOT NULL AND answer_deadline <= ? AND status = 'open'
       ORDER BY answer_deadline LIMIT ?`,
    ),
    dueSnoozes: db.prepare<[string, number], { tenant_id: string; id: string }>(
      `SELECT tenant_id, id FROM conversations WHERE snoozed_until IS NOT NULL AND snoozed_until <= ?
         AND status = 'snoozed' ORDER BY snoozed_until LIMIT ?`,
    ),
    openOfAgent: db.prepare<[string, string], ConversationRow>(
      `SELECT ${COLS} FROM conversations WHERE tenant_id = ? AND agent_id = ? AND status = 'open'
       ORDER BY enqueued_at, id`,
    ),
    setDisconnected: db.prepare<[string | null, string, string]>(
      'UPDATE agents SET disconnected_at = ? WHERE tenant_id = ? AND user_id = ?',
    ),
    disconnectedSince: db.prepare<[string, number], { tenant_id: string; user_id: string }>(
      `SELECT tenant_id, user_id FROM agents WHERE disconnected_at IS NOT NULL AND disconnected_at <= ?
         AND status = 'online' ORDER BY disconnected_at LIMIT ?`,
    ),
    switchStatus: db.prepare<[string, number, string, string, string, string], { organization_id: string }>(
      `UPDATE agents SET status = ?, away_automatic = ?, updated_at = ?
       WHERE tenant_id = ? AND user_id = ? AND status = ? RETURNING organization_id`,
    ),
    searchMessages: db.prepare<
      [string, string, string, number],
      {
        thread_id: string;
        id: string;
        seq: number;
        sender_display_name: string;
        created_at: string;
        marked: string;
      }
    >(
      `SELECT m.thread_id, m.id, m.seq, m.sender_display_name, m.created_at,
         highlight(messages_fts, 0, char(1), char(2)) AS marked
       FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid
       JOIN conversations c ON c.tenant_id = m.tenant_id AND c.id = m.thread_id
       WHERE messages_fts MATCH ? AND m.tenant_id = ? AND c.organization_id = ? AND m.deleted_at IS NULL
       ORDER BY m.created_at DESC, m.id DESC LIMIT ?`,
    ),
    searchContacts: db.prepare<[string, string, string, string, number], ConversationRow>(
      `SELECT ${COLS.split(', ')
        .map((col) => `c.${col}`)
        .join(', ')} FROM conversations c
       JOIN users u ON u.tenant_id = c.tenant_id AND u.id = c.visitor_id
       WHERE c.tenant_id = ? AND c.organization_id = ?
         AND (lower(u.display_name) LIKE ? ESCAPE '\\'
           OR EXISTS (SELECT 1 FROM json_each(c.answers) a WHERE lower(a.value) LIKE ? ESCAPE '\\'))
       ORDER BY c.created_at DESC, c.id DESC LIMIT ?`,
    ),
    createdBetween: db.prepare<[string, string, string, string, number], ConversationRow>(
      `SELECT ${COLS} FROM conversations WHERE tenant_id = ? AND organization_id = ? AND created_at >= ?
         AND created_at < ? ORDER BY created_at, id LIMIT ?`,
    ),
    awayAutomatic: db.prepare<[string, string], number>(
      `SELECT away_automatic FROM agents WHERE tenant_id = ? AND user_id = ? AND status = 'away'`,
    ),
  };
}

/** The SQLite adapter's part of the port for conversations; its single writer makes each step atomic. */
export class SqliteConversations implements ConversationStore {
  private readonly s: ReturnType<typeof prepare>;

  constructor(
    private readonly db: Database.Database,
    private readonly queue: WriteQueue,
  ) {
    this.s = prepare(db);
  }

  insertConversation(
    tenantId: string,
    conversation: ConversationRecord,
  ): Promise<{ conversation: ConversationRecord; created: boolean }> {
    return this.queue.run(() => {
      const existing = this.s.openOf.get(tenantId, conversation.visitorId);
      if (existing) return { conversation: toConversation(existing), created: false };
      this.s.insert.run(tenantId, ...conversationValues(conversation));
      return { conversation: toConversation(this.s.get.get(tenantId, conversation.id)!), created: true };
    });
  }

  async getConversation(tenantId: string, conversationId: string): Promise<ConversationRecord | null> {
    const row = this.s.get.get(tenantId, conversationId);
    return row ? toConversation(row) : null;
  }

  async latestConversationOf(tenantId: string, visitorId: string): Promise<ConversationRecord | null> {
    const row = this.s.latest.get(tenantId, visitorId);
    return row ? toConversation(row) : null;
  }

  async listConversations(
    tenantId: string,
    organizationId: string,
    query: ConversationQuery,
  ): Promise<ConversationRecord[]> {
    const where = ['tenant_id = ?', 'organization_id = ?'];
    const values: unknown[] = [tenantId, organizationId];
    const filter = (clause: string, value: unknown) => {
      where.push(clause);
      values.push(value);
    };
    if (query.status !== undefined) filter('status = ?', query.status);
    if (query.departmentId !== undefined) filter('department_id = ?', query.departmentId);
    if (query.agentId !== undefined) filter('agent_id = ?', query.agentId);
    if (query.visitorId !== undefined) filter('visitor_id = ?', query.visitorId);
    if (query.label !== undefined)
      filter('EXISTS (SELECT 1 FROM json_each(labels) WHERE value = ?)', query.label);
    if (query.before) {
      where.push('(created_at < ? OR (created_at = ? AND id < ?))');
      values.push(query.before.createdAt, query.before.createdAt, query.before.id);
    }
    const rows = this.db
      .prepare<unknown[], ConversationRow>(
        `SELECT ${COLS} FROM conversations WHERE ${where.join(' AND ')}
         ORDER BY created_at DESC, id DESC LIMIT ?`,
      )
      .all(...values, query.limit);
    return rows.map(toConversation);
  }

  updateConversation(
    tenantId: string,
    conversationId: string,
    expected: Expected,
    patch: ConversationPatch,
    transcript?: TranscriptSchedule,
  ): Promise<ConversationRecord | null> {
    // One write-queue item is one atomic step: the outbox row commits with the resolve, or neither does.
    return this.queue.run(() => {
      const updated = this.compareAndSet(tenantId, conversationId, expected, patch);
      if (updated && transcript)
        this.s.scheduleTranscript.run(transcript.dueAt, transcript.createdAt, tenantId, conversationId);
      return updated;
    });
  }

  assignConversation(
    tenantId: string,
    conversationId: string,
    expected: Expected,
    assignment: { agentId: string; at: string; answerDeadline: string | null; maxChats: number | null },
  ): ReturnType<ConversationStore['assignConversation']> {
    return this.queue.run(() => {
      const { agentId, at, answerDeadline, maxChats } = assignment;
      if (maxChats !== null && this.s.openChats.pluck().get(tenantId, agentId)! >= maxChats)
        return { outcome: 'at_capacity' as const };
      const conversation = this.compareAndSet(tenantId, conversationId, expected, {
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
    return this.s.queue.all(tenantId, organizationId, departmentId).map((r) => ({
      conversationId: r.id,
      enqueuedAt: r.enqueued_at,
      priority: r.priority,
      requeuedFrom: r.requeued_from,
    }));
  }

  async agentLoads(tenantId: string, organizationId: string): Promise<Map<string, AgentLoad>> {
    return new Map(
      this.s.loads
        .all(tenantId, organizationId)
        .map((r) => [r.agent_id, { openChats: r.open_chats, lastAssignedAt: r.last_assigned_at }]),
    );
  }

  async dueConversations(now: string, limit: number): Promise<DueConversation[]> {
    return [
      ...this.s.dueAnswers.all(now, limit).map((r) => ({
        tenantId: r.tenant_id,
        conversationId: r.id,
        reason: 'answer_deadline' as const,
      })),
      ...this.s.dueSnoozes.all(now, limit).map((r) => ({
        tenantId: r.tenant_id,
        conversationId: r.id,
        reason: 'snooze_over' as const,
      })),
    ];
  }

  async openConversationsOf(tenantId: string, agentId: string): Promise<ConversationRecord[]> {
    return this.s.openOfAgent.all(tenantId, agentId).map(toConversation);
  }

  async setAgentDisconnectedAt(tenantId: string, userId: string, at: string | null): Promise<void> {
    await this.queue.run(() => this.s.setDisconnected.run(at, tenantId, userId));
  }

  async agentsDisconnectedSince(
    cutoff: string,
    limit: number,
  ): Promise<{ tenantId: string; userId: string }[]> {
    return this.s.disconnectedSince
      .all(cutoff, limit)
      .map((r) => ({ tenantId: r.tenant_id, userId: r.user_id }));
  }

  switchAgentStatus(
    tenantId: string,
    userId: string,
    from: AgentStatusName,
    to: AgentStatusName,
    automatic: boolean,
    at: string,
  ): Promise<{ organizationId: string } | null> {
    return this.queue.run(() => {
      const row = this.s.switchStatus.get(to, automatic ? 1 : 0, at, tenantId, userId, from);
      return row ? { organizationId: row.organization_id } : null;
    });
  }

  async isAwayAutomatic(tenantId: string, userId: string): Promise<boolean> {
    return this.s.awayAutomatic.pluck().get(tenantId, userId) === 1;
  }

  async searchMessages(
    tenantId: string,
    organizationId: string,
    words: string[],
    limit: number,
  ): Promise<MessageHit[]> {
    // Each word a quoted prefix: nothing the visitor typed is read as FTS5 syntax.
    const match = words.map((w) => `"${w.replace(/"/g, '""')}"*`).join(' ');
    return this.s.searchMessages.all(match, tenantId, organizationId, limit).map((r) => ({
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
    return this.s.createdBetween.all(tenantId, organizationId, from, to, limit).map(toConversation);
  }

  async searchContacts(
    tenantId: string,
    organizationId: string,
    text: string,
    limit: number,
  ): Promise<ConversationRecord[]> {
    const pattern = `%${likeEscape(text.toLowerCase())}%`;
    return this.s.searchContacts.all(tenantId, organizationId, pattern, pattern, limit).map(toConversation);
  }

  /** Runs inside the write queue: the check and the update are one step for the single writer. */
  private compareAndSet(
    tenantId: string,
    conversationId: string,
    expected: Expected,
    patch: ConversationPatch,
  ): ConversationRecord | null {
    const sets = patchColumns(patch);
    const result = this.db
      .prepare(
        `UPDATE conversations SET ${sets.map(([column]) => `${column} = ?`).join(', ')}
         WHERE tenant_id = ? AND id = ? AND status = ? AND agent_id IS ?`,
      )
      .run(...sets.map(([, value]) => value), tenantId, conversationId, expected.status, expected.agentId);
    if (result.changes === 0) return null;
    return toConversation(this.s.get.get(tenantId, conversationId)!);
  }
}

/** `%`, `_` and the escape itself taken literally in a LIKE pattern (ESCAPE '\\'). */
export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
