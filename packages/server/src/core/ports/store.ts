import type {
  ApiKey,
  Message,
  Participant,
  ReadReceipt,
  SendableMessageType,
  Thread,
  ThreadEvent,
  User,
  UserRole,
} from '@parley/protocol';
import type { AccountStore } from './account-store.js';
import type { AuditStore } from './audit-store.js';
import type { LivechatStore } from './livechat-store.js';

/**
 * The Store port: the single source of truth.
 *
 * Contract, for every adapter (SQLite by default, PostgreSQL for several
 * nodes), proved by one conformance suite (`test/store-conformance/`):
 *
 * - **Tenant scoping.** Every method that takes a `tenantId` sees only that
 *   tenant's rows. An id of another tenant behaves exactly like an unknown id.
 * - **Atomic mutations with their events.** Every mutating thread method
 *   commits its rows and the thread events it returns in one transaction:
 *   either all are durable or none is. When the returned promise resolves,
 *   the change is durable (acknowledge only after that).
 * - **Positions.** Each thread has an event log. Every event appended gets the
 *   next position `pos` of that thread (1, 2, 3, … with no gap and no
 *   duplicate, even under concurrent writers on several processes), and
 *   `eventsAfter` returns them in `pos` order. A reader that has seen position
 *   `p` and asks for events after `p` gets every later committed event: a
 *   position is never visible before all lower positions of the same thread.
 * - **Message sequences.** Messages (including system messages) get the next
 *   per-thread `sequence` (1, 2, 3, …), assigned atomically with the insert.
 * - **Idempotency.** `appendMessage` with a `clientMessageId` already stored in
 *   that thread returns the stored message with `created: false` and appends
 *   nothing.
 * - **Times** are ISO 8601 UTC strings with milliseconds (`Date#toISOString`),
 *   supplied by the caller; the store never reads the clock.
 * - Returned objects are fresh copies the caller may keep.
 * - **Unavailability.** When the database cannot be reached, or the
 *   connection drops mid-call, a method rejects promptly with
 *   `DependencyUnavailableError` (never hangs, never leaves part of a
 *   mutation behind: the transaction is rolled back).
 *
 * The live-chat methods form the `livechat` facet (`livechat-store.ts`):
 * organizations, departments and agents are specified in
 * `organization-store.ts`; their business hours and widgets in
 * `livechat-settings-store.ts`; visitors, identity secrets and replay keys
 * in `visitor-store.ts`.
 */
export interface Store {
  /** Live-chat organizations, settings and visitors, in this store's database and transactions. */
  readonly livechat: LivechatStore;
  /** Dashboard accounts, sessions and one-time links (`account-store.ts`). */
  readonly accounts: AccountStore;
  /** The audit log of administrative changes (`audit-store.ts`). */
  readonly audit: AuditStore;

  /** Resolves when the store answers a trivial query (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;

  // Tenants ---------------------------------------------------------------
  /** False when a tenant with this id exists (nothing written), so concurrent bootstraps agree. */
  createTenant(tenant: TenantRecord): Promise<boolean>;
  getTenant(tenantId: string): Promise<TenantRecord | null>;
  countTenants(): Promise<number>;

  // API keys --------------------------------------------------------------
  insertApiKey(key: ApiKeyRecord): Promise<void>;
  /** The key with this hash, unless revoked. Not tenant-scoped: the key names its tenant. */
  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | null>;
  /** Non-revoked keys of the tenant, oldest first. */
  listApiKeys(tenantId: string): Promise<ApiKeyRecord[]>;
  /** Marks the key revoked; false when there is no such non-revoked key. */
  revokeApiKey(tenantId: string, keyId: string, at: string): Promise<boolean>;
  touchApiKey(keyId: string, at: string): Promise<void>;

  // Users -----------------------------------------------------------------
  /** False when a user with this id exists in the tenant (nothing written). */
  insertUser(tenantId: string, user: User): Promise<boolean>;
  getUser(tenantId: string, userId: string): Promise<UserRecord | null>;
  /**
   * Users ordered by id, after `afterId` when given; `search` matches a
   * case-insensitive substring of the display name or id.
   */
  listUsers(tenantId: string, query: { limit: number; afterId?: string; search?: string }): Promise<User[]>;
  updateUser(
    tenantId: string,
    userId: string,
    patch: { displayName?: string; role?: UserRole; metadata?: Record<string, string>; updatedAt: string },
  ): Promise<User | null>;
  /**
   * Deletes the user and removes them from every thread they were in (without
   * events or system messages: a deleted user simply disappears), and deletes
   * their agent profile and department memberships. False when unknown.
   */
  deleteUser(tenantId: string, userId: string): Promise<boolean>;
  /** Increments and returns the user's token version (revokes earlier tokens); null when unknown. */
  bumpTokenVersion(tenantId: string, userId: string): Promise<number | null>;

  // Threads ---------------------------------------------------------------
  /**
   * Creates a thread with its participants and appends `thread.created` at
   * position 1. With an `idempotencyKey` already used by the same creator in
   * the tenant, returns that thread with `created: false` and writes nothing.
   */
  createThread(
    input: CreateThreadInput,
  ): Promise<{ thread: Thread; participants: Participant[]; events: ThreadEvent[]; created: boolean }>;
  /** The thread, or null when unknown, of another tenant, or deleted. */
  getThread(tenantId: string, threadId: string): Promise<Thread | null>;
  /** A deleted thread's tombstone (for resume), or null. */
  getDeletedThread(tenantId: string, threadId: string): Promise<{ id: string; deletedAt: string } | null>;
  /**
   * Applies topic and/or metadata. When the topic changes, also appends a
   * `topicUpdated` system message (event `message.created`) before the
   * `thread.updated` event. Null when the thread is unknown.
   */
  updateThread(input: UpdateThreadInput): Promise<{ thread: Thread; events: ThreadEvent[] } | null>;
  /**
   * Deletes the thread's messages, participants and receipts, keeps a
   * tombstone, and appends `thread.deleted`. Returns the final event and the
   * user ids that were participants; null when unknown.
   */
  deleteThread(
    tenantId: string,
    threadId: string,
    at: string,
  ): Promise<{ event: ThreadEvent; formerParticipants: string[] } | null>;
  /**
   * The threads a user participates in, newest activity first, with the last
   * message and the user's unread count. Paged by (lastActivityAt, id) strictly
   * before `before`; `updatedSince` keeps threads with lastActivityAt >= it.
   */
  listThreadsForUser(
    tenantId: string,
    userId: string,
    query: ListThreadsStoreQuery,
  ): Promise<ThreadSummaryRecord[]>;
  /** Every thread of the tenant, same order and paging; for service (API key) callers. */
  listThreadsForTenant(tenantId: string, query: ListThreadsStoreQuery): Promise<ThreadSummaryRecord[]>;
  /** Ids of the threads the user participates in (for real-time subscriptions). */
  threadIdsForUser(tenantId: string, userId: string): Promise<string[]>;
  /** Threads the user joined at or after `since` (ISO time), with the position of their join event. */
  threadsJoinedSince(
    tenantId: string,
    userId: string,
    since: string,
  ): Promise<{ threadId: string; joinedPos: number }[]>;
  /** Distinct user ids sharing at least one thread with the user, the user excluded. */
  contactsOf(tenantId: string, userId: string): Promise<string[]>;

  // Participants ----------------------------------------------------------
  getParticipant(tenantId: string, threadId: string, userId: string): Promise<ParticipantRecord | null>;
  /** Participants ordered by join time then user id; `skip` counts from the start (seed 003). */
  listParticipants(
    tenantId: string,
    threadId: string,
    query: { limit: number; skip: number },
  ): Promise<Participant[]>;
  countParticipants(tenantId: string, threadId: string): Promise<number>;
  /**
   * Adds participants not already present (present ones are left unchanged)
   * and, when any is new, appends a `participantAdded` system message and a
   * `participant.added` event. Fails with `{ ok: false, reason: 'limit' }`,
   * writing nothing, when the thread would exceed `maxParticipants`.
   */
  addParticipants(
    input: AddParticipantsInput,
  ): Promise<
    | { ok: true; added: Participant[]; events: ThreadEvent[] }
    | { ok: false; reason: 'limit' | 'thread_not_found' }
  >;
  /**
   * Removes the participant, appends a `participantRemoved` system message and
   * a `participant.removed` event. Null when not a participant.
   */
  removeParticipant(input: {
    tenantId: string;
    threadId: string;
    userId: string;
    initiatorId: string | null;
    systemMessageId: string;
    at: string;
  }): Promise<{ events: ThreadEvent[] } | null>;

  // Messages --------------------------------------------------------------
  /**
   * Stores a message with the next sequence and appends `message.created`.
   * Idempotent on `clientMessageId` (see the contract above). Adapters may
   * group concurrent calls into one transaction (group commit); each call
   * still resolves only once its message is durable.
   */
  appendMessage(
    input: AppendMessageInput,
  ): Promise<
    | { created: true; message: Message; events: ThreadEvent[] }
    | { created: false; message: Message; events: [] }
    | null
  >;
  getMessage(tenantId: string, threadId: string, messageId: string): Promise<Message | null>;
  /** Messages in one direction; see {@link ListMessagesStoreQuery}. */
  listMessages(tenantId: string, threadId: string, query: ListMessagesStoreQuery): Promise<Message[]>;
  /** Sets content/metadata and `editedAt`, appends `message.updated`. Null when unknown. */
  updateMessage(input: {
    tenantId: string;
    threadId: string;
    messageId: string;
    content?: string;
    metadata?: Record<string, string>;
    at: string;
  }): Promise<{ message: Message; events: ThreadEvent[] } | null>;
  /** Clears content, sets `deletedAt`, appends `message.deleted`. Null when unknown. */
  deleteMessage(input: {
    tenantId: string;
    threadId: string;
    messageId: string;
    at: string;
  }): Promise<{ message: Message; events: ThreadEvent[] } | null>;
  /**
   * Counts messages from other senders with sequence above the user's read
   * position (text and html only, deleted excluded).
   */
  unreadCount(tenantId: string, threadId: string, userId: string): Promise<number>;

  // Read receipts ---------------------------------------------------------
  /**
   * Moves the user's read position forward to `sequence` and appends
   * `receipt.created`. When the position is already at or past it, returns the
   * current receipt and no event.
   */
  markRead(input: {
    tenantId: string;
    threadId: string;
    userId: string;
    messageId: string;
    sequence: number;
    at: string;
  }): Promise<{ receipt: ReadReceipt; events: ThreadEvent[] }>;
  /** The latest receipt of each participant that has read something. */
  listReadReceipts(
    tenantId: string,
    threadId: string,
    query: { limit: number; skip: number },
  ): Promise<ReadReceipt[]>;

  // Event log -------------------------------------------------------------

  /**
   * The current last position of each of the given live threads (deleted and
   * unknown ones are absent). Lets a node notice events it was never told
   * about by the bus.
   */
  threadPositions(tenantId: string, threadIds: string[]): Promise<Map<string, number>>;
  /** Events of the thread with pos > afterPos, ascending, at most `limit`. */
  eventsAfter(tenantId: string, threadId: string, afterPos: number, limit: number): Promise<ThreadEvent[]>;
}

export interface TenantRecord {
  id: string;
  name: string;
  createdAt: string;
}

export interface ApiKeyRecord extends ApiKey {
  tenantId: string;
  /** SHA-256 of the secret, hex. The secret itself is never stored. */
  hash: string;
}

export interface UserRecord extends User {
  tenantId: string;
  tokenVersion: number;
}

export interface ParticipantRecord extends Participant {
  /** Sequence of the last message the participant has read, 0 for none. */
  lastReadSequence: number;
  /** Position of the event that added the participant. */
  joinedPos: number;
}

export interface NewParticipant {
  userId: string;
  displayName: string;
  role: Participant['role'];
  shareHistoryTime: string;
}

export interface CreateThreadInput {
  tenantId: string;
  id: string;
  topic: string;
  metadata: Record<string, string>;
  createdBy: string | null;
  participants: NewParticipant[];
  idempotencyKey?: string;
  at: string;
}

export interface UpdateThreadInput {
  tenantId: string;
  threadId: string;
  topic?: string;
  metadata?: Record<string, string>;
  initiatorId: string | null;
  /** Id for the topicUpdated system message, used only when the topic changes. */
  systemMessageId: string;
  at: string;
}

export interface AddParticipantsInput {
  tenantId: string;
  threadId: string;
  participants: NewParticipant[];
  initiatorId: string | null;
  systemMessageId: string;
  maxParticipants: number;
  at: string;
}

export interface AppendMessageInput {
  tenantId: string;
  threadId: string;
  id: string;
  type: SendableMessageType;
  content: string;
  senderId: string | null;
  senderDisplayName: string;
  metadata: Record<string, string>;
  clientMessageId: string | null;
  at: string;
}

export interface ListThreadsStoreQuery {
  limit: number;
  before?: { lastActivityAt: string; id: string };
  updatedSince?: string;
}

export interface ThreadSummaryRecord extends Thread {
  lastMessage: Message | null;
  unreadCount: number;
}

/**
 * Exactly one direction:
 * - `{ order: 'desc', beforeSequence? }`: newest first, sequence < beforeSequence;
 * - `{ order: 'asc', afterSequence }`: sequence > afterSequence, oldest first;
 * - `{ order: 'asc', startTime, afterSequence? }`: createdAt >= startTime (and
 *   sequence > afterSequence when continuing), oldest first.
 * `minCreatedAt`, when given, hides messages created before it (shareHistoryTime).
 */
export interface ListMessagesStoreQuery {
  limit: number;
  order: 'asc' | 'desc';
  afterSequence?: number;
  beforeSequence?: number;
  startTime?: string;
  minCreatedAt?: string;
}
