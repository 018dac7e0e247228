import type { Conversation } from '@parley/protocol';
import type { TranscriptSchedule } from './transcript-outbox-store.js';

/**
 * The conversation part of the Store port (issue 5), in the `livechat` facet
 * and under the Store's general contract (tenant-scoped, atomic, durable
 * when resolved, the caller's ISO times, fresh copies).
 *
 * A conversation row sits beside its thread (same id). The rules that keep
 * routing right on any number of nodes live here, as single atomic steps:
 * - a visitor has at most one conversation that is not `resolved`
 *   (`insertConversation` returns that one instead of inserting);
 * - every change is a compare-and-set on (status, agentId), so two nodes
 *   acting on one conversation cannot both win;
 * - an assignment that must respect capacity counts the agent's `open`
 *   conversations in the same step as it assigns.
 */
export interface ConversationStore {
  /**
   * Inserts `conversation` unless its visitor already has one that is not
   * resolved; returns the visitor's open conversation either way.
   */
  insertConversation(
    tenantId: string,
    conversation: ConversationRecord,
  ): Promise<{ conversation: ConversationRecord; created: boolean }>;
  getConversation(tenantId: string, conversationId: string): Promise<ConversationRecord | null>;
  /** The visitor's most recent conversation (by creation), or null. */
  latestConversationOf(tenantId: string, visitorId: string): Promise<ConversationRecord | null>;
  /** The organization's conversations, newest first, filtered; `before` continues a page. */
  listConversations(
    tenantId: string,
    organizationId: string,
    query: ConversationQuery,
  ): Promise<ConversationRecord[]>;
  /**
   * Applies `patch` when the conversation still has `expected` status and
   * agent; returns the updated row, or null (changed meanwhile, or unknown).
   *
   * With `transcript` (a resolve), the same atomic step also schedules the
   * conversation's transcript in the outbox (`transcript-outbox-store.ts`)
   * when, after the patch, it has a `transcriptEmail`: a row to that email,
   * due at `transcript.dueAt`, with no attempt yet, replacing any row there.
   * So a transcript asked for is never lost between the resolve and its
   * outbox row.
   */
  updateConversation(
    tenantId: string,
    conversationId: string,
    expected: Pick<ConversationRecord, 'status' | 'agentId'>,
    patch: ConversationPatch,
    transcript?: TranscriptSchedule,
  ): Promise<ConversationRecord | null>;
  /**
   * Assigns a `pending` or `open` conversation to `agentId` (expected state
   * as for `updateConversation`). With `maxChats`, only while the agent has
   * fewer `open` conversations than that, counted in the same atomic step.
   */
  assignConversation(
    tenantId: string,
    conversationId: string,
    expected: Pick<ConversationRecord, 'status' | 'agentId'>,
    assignment: { agentId: string; at: string; answerDeadline: string | null; maxChats: number | null },
  ): Promise<
    { outcome: 'assigned'; conversation: ConversationRecord } | { outcome: 'conflict' | 'at_capacity' }
  >;
  /** The `pending` conversations of a department's queue (`null`: the organization's own queue). */
  queueOf(tenantId: string, organizationId: string, departmentId: string | null): Promise<QueueEntry[]>;
  /** Per agent: `open` conversations, and when they last received one. Agents without any are absent. */
  agentLoads(tenantId: string, organizationId: string): Promise<Map<string, AgentLoad>>;
  /** Due timers across every tenant: answer deadlines passed and snoozes over, at `now`. */
  dueConversations(now: string, limit: number): Promise<DueConversation[]>;
  /** The agent's `open` conversations (for requeueing when they go offline). */
  openConversationsOf(tenantId: string, agentId: string): Promise<ConversationRecord[]>;

  /**
   * Records that the user's last live connection closed at `at` (null: it
   * reconnected) on their agent profile, if any.
   */
  setAgentDisconnectedAt(tenantId: string, userId: string, at: string | null): Promise<void>;
  /** Online agents disconnected since at or before `cutoff`, across every tenant. */
  agentsDisconnectedSince(cutoff: string, limit: number): Promise<{ tenantId: string; userId: string }[]>;
  /**
   * Sets the agent's status when it still is `from`; `automatic` records
   * whether the server made the change (an automatic away is undone by
   * reconnecting, a chosen one is not). Null when the status was not `from`.
   */
  switchAgentStatus(
    tenantId: string,
    userId: string,
    from: 'online' | 'away' | 'offline',
    to: 'online' | 'away' | 'offline',
    automatic: boolean,
    at: string,
  ): Promise<{ organizationId: string } | null>;
  /** Whether the agent's current `away` was set by the server. */
  isAwayAutomatic(tenantId: string, userId: string): Promise<boolean>;

  /**
   * The organization's conversation messages (not deleted) containing a word
   * starting with each of `words` (letters and digits only; accents and case
   * ignored where the database can), newest first. `marked` is the content
   * with each match between U+0001 and U+0002.
   */
  searchMessages(
    tenantId: string,
    organizationId: string,
    words: string[],
    limit: number,
  ): Promise<MessageHit[]>;
  /** The organization's conversations created in [from, to), oldest first, at most `limit`. */
  conversationsCreatedBetween(
    tenantId: string,
    organizationId: string,
    from: string,
    to: string,
    limit: number,
  ): Promise<ConversationRecord[]>;
  /** The organization's conversations whose visitor's name or answers contain `text` (any case), newest first. */
  searchContacts(
    tenantId: string,
    organizationId: string,
    text: string,
    limit: number,
  ): Promise<ConversationRecord[]>;
}

export interface MessageHit {
  conversationId: string;
  messageId: string;
  sequence: number;
  senderDisplayName: string;
  createdAt: string;
  marked: string;
}

/** A stored conversation: the API shape without the computed queue position, plus routing state. */
export interface ConversationRecord extends Omit<Conversation, 'queuePosition'> {
  /** When the assigned agent must have answered, or null (answered, no timeout, or no agent). */
  answerDeadline: string | null;
  /** The agent it was last taken from by requeue, excluded from the next automatic pick. */
  requeuedFrom: string | null;
  priority: number;
}

export type ConversationPatch = Partial<
  Pick<
    ConversationRecord,
    | 'status'
    | 'agentId'
    | 'departmentId'
    | 'enqueuedAt'
    | 'assignedAt'
    | 'firstAgentReplyAt'
    | 'firstResponseAt'
    | 'snoozedUntil'
    | 'resolvedAt'
    | 'rating'
    | 'labels'
    | 'transcriptEmail'
    | 'answerDeadline'
    | 'requeuedFrom'
  >
> & { updatedAt: string };

export interface ConversationQuery {
  limit: number;
  status?: Conversation['status'];
  departmentId?: string;
  agentId?: string;
  label?: string;
  visitorId?: string;
  before?: { createdAt: string; id: string };
}

export interface QueueEntry {
  conversationId: string;
  enqueuedAt: string;
  priority: number;
  requeuedFrom: string | null;
}

export interface AgentLoad {
  openChats: number;
  lastAssignedAt: string | null;
}

export interface DueConversation {
  tenantId: string;
  conversationId: string;
  reason: 'answer_deadline' | 'snooze_over';
}
