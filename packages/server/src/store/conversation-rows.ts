import type { ConversationRecord } from '../core/ports/conversation-store.js';

/** A `conversations` row, the same column for column in SQLite and PostgreSQL. */
export interface ConversationRow {
  id: string;
  organization_id: string;
  department_id: string | null;
  visitor_id: string;
  source: string;
  status: string;
  agent_id: string | null;
  answers: string;
  page: string | null;
  /** JSON of the visitor's client; null for conversations older than migration 11. */
  client: string | null;
  rating: string | null;
  labels: string;
  transcript_email: string | null;
  priority: number;
  enqueued_at: string;
  assigned_at: string | null;
  first_agent_reply_at: string | null;
  first_response_at: string | null;
  snoozed_until: string | null;
  resolved_at: string | null;
  answer_deadline: string | null;
  requeued_from: string | null;
  created_at: string;
  updated_at: string;
}

export const CONVERSATION_COLUMNS =
  'id, organization_id, department_id, visitor_id, source, status, agent_id, answers, page, client, rating, labels, ' +
  'transcript_email, priority, enqueued_at, assigned_at, first_agent_reply_at, first_response_at, snoozed_until, resolved_at, ' +
  'answer_deadline, requeued_from, created_at, updated_at';

export function toConversation(row: ConversationRow): ConversationRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    departmentId: row.department_id,
    visitorId: row.visitor_id,
    source: row.source as ConversationRecord['source'],
    status: row.status as ConversationRecord['status'],
    agentId: row.agent_id,
    answers: JSON.parse(row.answers) as Record<string, string>,
    page: row.page === null ? null : (JSON.parse(row.page) as ConversationRecord['page']),
    client: row.client === null ? null : (JSON.parse(row.client) as ConversationRecord['client']),
    rating: row.rating === null ? null : (JSON.parse(row.rating) as ConversationRecord['rating']),
    labels: JSON.parse(row.labels) as string[],
    transcriptEmail: row.transcript_email,
    priority: Number(row.priority),
    enqueuedAt: row.enqueued_at,
    assignedAt: row.assigned_at,
    firstAgentReplyAt: row.first_agent_reply_at,
    firstResponseAt: row.first_response_at,
    snoozedUntil: row.snoozed_until,
    resolvedAt: row.resolved_at,
    answerDeadline: row.answer_deadline,
    requeuedFrom: row.requeued_from,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The row's values for an insert, in `CONVERSATION_COLUMNS` order. */
export function conversationValues(c: ConversationRecord): unknown[] {
  return [
    c.id,
    c.organizationId,
    c.departmentId,
    c.visitorId,
    c.source,
    c.status,
    c.agentId,
    JSON.stringify(c.answers),
    c.page === null ? null : JSON.stringify(c.page),
    c.client === null ? null : JSON.stringify(c.client),
    c.rating === null ? null : JSON.stringify(c.rating),
    JSON.stringify(c.labels),
    c.transcriptEmail,
    c.priority,
    c.enqueuedAt,
    c.assignedAt,
    c.firstAgentReplyAt,
    c.firstResponseAt,
    c.snoozedUntil,
    c.resolvedAt,
    c.answerDeadline,
    c.requeuedFrom,
    c.createdAt,
    c.updatedAt,
  ];
}

/** Patch fields → column and stored value; JSON columns serialised. Order is the patch's own. */
export function patchColumns(patch: Record<string, unknown>): [string, unknown][] {
  const columns: Record<string, string> = {
    status: 'status',
    agentId: 'agent_id',
    departmentId: 'department_id',
    enqueuedAt: 'enqueued_at',
    assignedAt: 'assigned_at',
    firstAgentReplyAt: 'first_agent_reply_at',
    firstResponseAt: 'first_response_at',
    snoozedUntil: 'snoozed_until',
    resolvedAt: 'resolved_at',
    rating: 'rating',
    labels: 'labels',
    transcriptEmail: 'transcript_email',
    answerDeadline: 'answer_deadline',
    requeuedFrom: 'requeued_from',
    updatedAt: 'updated_at',
  };
  return Object.entries(patch)
    .filter(([key, value]) => value !== undefined && columns[key] !== undefined)
    .map(([key, value]) => [
      columns[key]!,
      (key === 'rating' || key === 'labels') && value !== null ? JSON.stringify(value) : value,
    ]);
}
