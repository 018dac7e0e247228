import type { Message, Participant, ReadReceipt, ThreadEvent, User, UserRole } from '@parley/protocol';
import type {
  AddParticipantsInput,
  ApiKeyRecord,
  AppendMessageInput,
  CreateThreadInput,
  ListMessagesStoreQuery,
  ListThreadsStoreQuery,
  ParticipantRecord,
  Store,
  TenantRecord,
  ThreadSummaryRecord,
  UpdateThreadInput,
  UserRecord,
} from '../../core/ports/store.js';
import {
  summaryLastMessage,
  toApiKey,
  toEvent,
  toMessage,
  toParticipant,
  toParticipantRecord,
  toReceipt,
  toTenant,
  toThread,
  toUser,
  toUserRecord,
  type ApiKeyRow,
  type MessageRow,
  type ParticipantRow,
  type ReceiptRow,
  type SummaryRow,
  type TenantRow,
  type ThreadRow,
  type UserRow,
} from '../sqlite/rows.js';
import { AppendBatcher } from './append-batcher.js';
import type { Database, Queryable } from './database.js';
import { openDatabase, type PostgresStoreOptions } from './open-database.js';
import { sql } from './sql.js';
import * as writes from './thread-writes.js';
import type { LivechatStore } from '../../core/ports/livechat-store.js';
import type { AccountStore } from '../../core/ports/account-store.js';
import type { AuditStore } from '../../core/ports/audit-store.js';
import { PostgresAudit } from './audit.js';
import { PostgresAccounts } from './accounts.js';
import { postgresLivechat } from './livechat-store.js';

// The `migrate` command's entry point, next to the store it prepares the schema for.
export { migratePostgres } from './migrations.js';

export type { PostgresStoreOptions } from './open-database.js';

type Result<K extends Exclude<keyof Store, 'livechat' | 'accounts' | 'audit'>> = Awaited<
  ReturnType<Store[K]>
>;

/** Append batches running at once, each in its own transaction (see AppendBatcher). */
const MAX_BATCHES_IN_FLIGHT = 4;
/** Appends in one batch at most: bounds how long a batch holds its threads' locks. */
const MAX_BATCH = 200;

/** Highest sequence a listing can ask for: past every real one. */
const NO_UPPER_BOUND = Number.MAX_SAFE_INTEGER;

/**
 * The Store on PostgreSQL, for several server processes sharing one database.
 *
 * Reads go straight through the pool. Every mutation is one transaction: a
 * single statement where one suffices, otherwise BEGIN … COMMIT on one pooled
 * client. appendMessage, the hot path, is one statement too, but appends are
 * group-committed: those issued together share a transaction (`AppendBatcher`). Per-thread sequences and positions are taken under the thread row's
 * lock (see `sql.appendMessage` and `thread-writes.ts`), which is what keeps
 * them contiguous and commit-ordered across processes. When the database
 * cannot be reached or a connection drops, calls reject with
 * DependencyUnavailableError and the transaction dies with its connection.
 */
export class PostgresStore implements Store {
  /** Group commit of appendMessage. */
  private readonly appends: AppendBatcher;
  /** Organizations, live-chat settings and visitors, on the same database (see livechat-store.ts). */
  readonly livechat: LivechatStore;
  /** Dashboard accounts, sessions and links (see accounts.ts). */
  readonly accounts: AccountStore;
  /** The audit log (see audit.ts). */
  readonly audit: AuditStore;

  private constructor(
    private readonly db: Database,
    options: { poolSize: number; onCommit: PostgresStoreOptions['onCommit'] },
  ) {
    // The pool as a Queryable for single-statement writes (each its own transaction).
    const autocommit: Queryable = {
      rows: <R>(text: string, values?: readonly unknown[]) => db.write<R>(text, values),
    };
    this.livechat = postgresLivechat(db);
    this.accounts = new PostgresAccounts(db);
    this.audit = new PostgresAudit(db);
    this.appends = new AppendBatcher(db, autocommit, {
      // Half the pool at most, so that reads and other writes still find connections.
      maxInFlight: Math.max(1, Math.min(MAX_BATCHES_IN_FLIGHT, Math.floor(options.poolSize / 2))),
      maxBatch: MAX_BATCH,
      onCommit: options.onCommit,
    });
  }

  /**
   * Connects, checks the server answers, and migrates (or checks) the schema
   * (`open-database.ts`).
   */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const { db, poolSize } = await openDatabase(options);
    return new PostgresStore(db, { poolSize, onCommit: options.onCommit });
  }

  async ping(): Promise<void> {
    await this.db.rows(sql.ping);
  }

  /** Ends the pool, once the appends queued or running have settled (and the other calls in flight). */
  async close(): Promise<void> {
    await this.appends.close();
    await this.db.end();
  }

  // Tenants ---------------------------------------------------------------

  async createTenant(tenant: TenantRecord): Promise<boolean> {
    const rows = await this.db.write(sql.insertTenant, [tenant.id, tenant.name, tenant.createdAt]);
    return rows.length > 0;
  }

  async getTenant(tenantId: string): Promise<TenantRecord | null> {
    const [row] = await this.db.rows<TenantRow>(sql.getTenant, [tenantId]);
    return row ? toTenant(row) : null;
  }

  async countTenants(): Promise<number> {
    return (await this.db.rows<{ n: number }>(sql.countTenants))[0]!.n;
  }

  // API keys --------------------------------------------------------------

  async insertApiKey(key: ApiKeyRecord): Promise<void> {
    await this.db.write(sql.insertApiKey, [
      key.id,
      key.tenantId,
      key.name,
      key.prefix,
      key.hash,
      key.createdAt,
      key.lastUsedAt,
    ]);
  }

  async findApiKeyByHash(hash: string): Promise<ApiKeyRecord | null> {
    const [row] = await this.db.rows<ApiKeyRow>(sql.findApiKeyByHash, [hash]);
    return row ? toApiKey(row) : null;
  }

  async listApiKeys(tenantId: string): Promise<ApiKeyRecord[]> {
    return (await this.db.rows<ApiKeyRow>(sql.listApiKeys, [tenantId])).map(toApiKey);
  }

  async revokeApiKey(tenantId: string, keyId: string, at: string): Promise<boolean> {
    return (await this.db.write(sql.revokeApiKey, [tenantId, keyId, at])).length > 0;
  }

  async touchApiKey(keyId: string, at: string): Promise<void> {
    await this.db.write(sql.touchApiKey, [keyId, at]);
  }

  // Users -----------------------------------------------------------------

  async insertUser(tenantId: string, user: User): Promise<boolean> {
    const rows = await this.db.write(sql.insertUser, [
      tenantId,
      user.id,
      user.displayName,
      user.role,
      JSON.stringify(user.metadata),
      user.createdAt,
      user.updatedAt,
      fold(user.displayName),
      fold(user.id),
    ]);
    return rows.length > 0;
  }

  async getUser(tenantId: string, userId: string): Promise<UserRecord | null> {
    const [row] = await this.db.rows<UserRow>(sql.getUser, [tenantId, userId]);
    return row ? toUserRecord(row) : null;
  }

  async listUsers(
    tenantId: string,
    query: { limit: number; afterId?: string; search?: string },
  ): Promise<User[]> {
    const search = query.search === undefined ? null : fold(query.search);
    const rows = await this.db.rows<UserRow>(sql.listUsers, [
      tenantId,
      query.afterId ?? '',
      search,
      query.limit,
    ]);
    return rows.map(toUser);
  }

  async updateUser(
    tenantId: string,
    userId: string,
    patch: { displayName?: string; role?: UserRole; metadata?: Record<string, string>; updatedAt: string },
  ): Promise<User | null> {
    const [row] = await this.db.write<UserRow>(sql.updateUser, [
      tenantId,
      userId,
      patch.displayName ?? null,
      patch.displayName === undefined ? null : fold(patch.displayName),
      patch.role ?? null,
      patch.metadata === undefined ? null : JSON.stringify(patch.metadata),
      patch.updatedAt,
    ]);
    return row ? toUser(row) : null;
  }

  async deleteUser(tenantId: string, userId: string): Promise<boolean> {
    return (await this.db.write(sql.deleteUser, [tenantId, userId])).length > 0;
  }

  async bumpTokenVersion(tenantId: string, userId: string): Promise<number | null> {
    const [row] = await this.db.write<{ token_version: number }>(sql.bumpTokenVersion, [tenantId, userId]);
    return row ? row.token_version : null;
  }

  // Threads ---------------------------------------------------------------

  createThread(input: CreateThreadInput): Promise<Result<'createThread'>> {
    return this.db.transaction((tx) => writes.createThread(tx, input));
  }

  async getThread(tenantId: string, threadId: string) {
    const [row] = await this.db.rows<ThreadRow>(sql.getThread, [tenantId, threadId]);
    return row ? toThread(row) : null;
  }

  async getDeletedThread(
    tenantId: string,
    threadId: string,
  ): Promise<{ id: string; deletedAt: string } | null> {
    const [row] = await this.db.rows<{ id: string; deleted_at: string }>(sql.getDeletedThread, [
      tenantId,
      threadId,
    ]);
    return row ? { id: row.id, deletedAt: row.deleted_at } : null;
  }

  updateThread(input: UpdateThreadInput): Promise<Result<'updateThread'>> {
    return this.db.transaction((tx) => writes.updateThread(tx, input));
  }

  deleteThread(tenantId: string, threadId: string, at: string): Promise<Result<'deleteThread'>> {
    return this.db.transaction((tx) => writes.deleteThread(tx, tenantId, threadId, at));
  }

  async listThreadsForUser(
    tenantId: string,
    userId: string,
    query: ListThreadsStoreQuery,
  ): Promise<ThreadSummaryRecord[]> {
    const rows = await this.db.rows<SummaryRow>(sql.listThreadsForUser, [
      ...pageParams(tenantId, query),
      userId,
    ]);
    return rows.map(toSummary);
  }

  async listThreadsForTenant(tenantId: string, query: ListThreadsStoreQuery): Promise<ThreadSummaryRecord[]> {
    return (await this.db.rows<SummaryRow>(sql.listThreadsForTenant, pageParams(tenantId, query))).map(
      toSummary,
    );
  }

  async threadIdsForUser(tenantId: string, userId: string): Promise<string[]> {
    const rows = await this.db.rows<{ thread_id: string }>(sql.threadIdsForUser, [tenantId, userId]);
    return rows.map((r) => r.thread_id);
  }

  async threadsJoinedSince(
    tenantId: string,
    userId: string,
    since: string,
  ): Promise<{ threadId: string; joinedPos: number }[]> {
    return this.db.rows(sql.threadsJoinedSince, [tenantId, userId, since]);
  }

  async contactsOf(tenantId: string, userId: string): Promise<string[]> {
    return (await this.db.rows<{ user_id: string }>(sql.contactsOf, [tenantId, userId])).map(
      (r) => r.user_id,
    );
  }

  // Participants ----------------------------------------------------------

  async getParticipant(
    tenantId: string,
    threadId: string,
    userId: string,
  ): Promise<ParticipantRecord | null> {
    const [row] = await this.db.rows<ParticipantRow>(sql.getParticipant, [tenantId, threadId, userId]);
    return row ? toParticipantRecord(row) : null;
  }

  async listParticipants(
    tenantId: string,
    threadId: string,
    query: { limit: number; skip: number },
  ): Promise<Participant[]> {
    const rows = await this.db.rows<ParticipantRow>(sql.listParticipants, [
      tenantId,
      threadId,
      query.limit,
      query.skip,
    ]);
    return rows.map(toParticipant);
  }

  async countParticipants(tenantId: string, threadId: string): Promise<number> {
    return (await this.db.rows<{ n: number }>(sql.countParticipants, [tenantId, threadId]))[0]!.n;
  }

  addParticipants(input: AddParticipantsInput): Promise<Result<'addParticipants'>> {
    return this.db.transaction((tx) => writes.addParticipants(tx, input));
  }

  removeParticipant(input: Parameters<Store['removeParticipant']>[0]): Promise<Result<'removeParticipant'>> {
    return this.db.transaction((tx) => writes.removeParticipant(tx, input));
  }

  // Messages --------------------------------------------------------------

  /**
   * Group-committed with the appends issued meanwhile (see `AppendBatcher`):
   * durable when it resolves, one WAL flush per batch instead of per message.
   */
  appendMessage(input: AppendMessageInput): Promise<Result<'appendMessage'>> {
    return this.appends.append(input);
  }

  async getMessage(tenantId: string, threadId: string, messageId: string): Promise<Message | null> {
    const [row] = await this.db.rows<MessageRow>(sql.getMessage, [tenantId, threadId, messageId]);
    return row ? toMessage(row) : null;
  }

  async listMessages(tenantId: string, threadId: string, query: ListMessagesStoreQuery): Promise<Message[]> {
    if (query.order === 'desc') {
      const before = query.beforeSequence ?? NO_UPPER_BOUND;
      const rows = await this.db.rows<MessageRow>(sql.listMessagesDesc, [
        tenantId,
        threadId,
        before,
        query.minCreatedAt ?? '',
        query.limit,
      ]);
      return rows.map(toMessage);
    }
    // ISO times of one format compare as strings: the later bound is the stricter one.
    const bounds = [query.startTime ?? '', query.minCreatedAt ?? ''].sort();
    const rows = await this.db.rows<MessageRow>(sql.listMessagesAsc, [
      tenantId,
      threadId,
      query.afterSequence ?? 0,
      bounds[1]!,
      query.limit,
    ]);
    return rows.map(toMessage);
  }

  updateMessage(input: Parameters<Store['updateMessage']>[0]): Promise<Result<'updateMessage'>> {
    return this.db.transaction((tx) => writes.updateMessage(tx, input));
  }

  deleteMessage(input: Parameters<Store['deleteMessage']>[0]): Promise<Result<'deleteMessage'>> {
    return this.db.transaction((tx) => writes.deleteMessage(tx, input));
  }

  async unreadCount(tenantId: string, threadId: string, userId: string): Promise<number> {
    const [row] = await this.db.rows<{ n: number }>(sql.unreadCount, [tenantId, threadId, userId]);
    return row?.n ?? 0;
  }

  // Read receipts ---------------------------------------------------------

  markRead(input: Parameters<Store['markRead']>[0]): Promise<Result<'markRead'>> {
    return this.db.transaction((tx) => writes.markRead(tx, input));
  }

  async listReadReceipts(
    tenantId: string,
    threadId: string,
    query: { limit: number; skip: number },
  ): Promise<ReadReceipt[]> {
    const rows = await this.db.rows<ReceiptRow>(sql.listReceipts, [
      tenantId,
      threadId,
      query.limit,
      query.skip,
    ]);
    return rows.map(toReceipt);
  }

  // Event log -------------------------------------------------------------

  async threadPositions(tenantId: string, threadIds: string[]): Promise<Map<string, number>> {
    if (threadIds.length === 0) return new Map();
    const rows = await this.db.rows<{ id: string; last_pos: number }>(sql.threadPositions, [
      tenantId,
      threadIds,
    ]);
    return new Map(rows.map((r) => [r.id, r.last_pos]));
  }

  async eventsAfter(
    tenantId: string,
    threadId: string,
    afterPos: number,
    limit: number,
  ): Promise<ThreadEvent[]> {
    const rows = await this.db.rows<{ body: string }>(sql.eventsAfter, [tenantId, threadId, afterPos, limit]);
    return rows.map((r) => toEvent(r.body));
  }
}

/** Search is case-insensitive for every script, folded in JavaScript exactly as the SQLite adapter folds. */
function fold(text: string): string {
  return text.toLowerCase();
}

/** $1 tenant, $2 and $3 the cursor, $4 updatedSince, $5 limit (see THREAD_PAGE in sql.ts). */
function pageParams(tenantId: string, query: ListThreadsStoreQuery): unknown[] {
  return [
    tenantId,
    query.before?.lastActivityAt ?? null,
    query.before?.id ?? null,
    query.updatedSince ?? null,
    query.limit,
  ];
}

function toSummary(row: SummaryRow): ThreadSummaryRecord {
  return { ...toThread(row), lastMessage: summaryLastMessage(row), unreadCount: row.unread_count };
}
