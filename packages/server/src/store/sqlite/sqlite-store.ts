import Database from 'better-sqlite3';
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
import { applyMigrations } from './migrations.js';
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
  type SummaryRow,
} from './rows.js';
import { prepareStatements, type Statements, type ThreadPageParams } from './statements.js';
import { ThreadWrites } from './thread-writes.js';
import { WriteQueue, type CommitListener } from './write-queue.js';
import type { LivechatStore } from '../../core/ports/livechat-store.js';
import type { AccountStore } from '../../core/ports/account-store.js';
import type { AuditStore } from '../../core/ports/audit-store.js';
import { SqliteAudit } from './audit.js';
import { SqliteAccounts } from './accounts.js';
import { sqliteLivechat } from './livechat-store.js';

export interface SqliteStoreOptions {
  /** Path of the database file; created with its schema when missing. */
  file: string;
  /**
   * `full` (default) makes every commit survive power loss; `normal` survives
   * a process crash but may lose the last commits on power loss (WAL).
   */
  synchronous?: 'full' | 'normal';
  /** Called after every group commit (metrics). */
  onCommit?: CommitListener;
  /** How long a writer waits for another process's lock, in ms (default 5000). */
  busyTimeoutMs?: number;
}

/**
 * The default Store: one SQLite file in WAL mode through better-sqlite3.
 *
 * better-sqlite3 is synchronous, so within a process statements never
 * interleave. Every write goes through one {@link WriteQueue}: the writes
 * issued during one turn of the event loop commit together in a single
 * `BEGIN IMMEDIATE` transaction (group commit), each in its own savepoint, and
 * their promises resolve after that commit. Several processes may share the
 * file: the immediate transaction holds SQLite's write lock while positions
 * and sequences are taken, so they stay contiguous across processes.
 */
export class SqliteStore implements Store {
  private readonly s: Statements;
  private readonly writes: ThreadWrites;
  private readonly queue: WriteQueue;
  /** Organizations, live-chat settings and visitors, on the same database (see livechat-store.ts). */
  readonly livechat: LivechatStore;
  /** Dashboard accounts, sessions and links (see accounts.ts). */
  readonly accounts: AccountStore;
  /** The audit log (see audit.ts). */
  readonly audit: AuditStore;

  private constructor(
    private readonly db: Database.Database,
    onCommit: CommitListener | undefined,
  ) {
    this.s = prepareStatements(db);
    this.writes = new ThreadWrites(this.s);
    this.queue = new WriteQueue(db, onCommit);
    this.livechat = sqliteLivechat(db, this.queue);
    this.accounts = new SqliteAccounts(db, this.queue);
    this.audit = new SqliteAudit(db, this.queue);
  }

  /** Opens (creating if needed) the database file and brings its schema up to date. */
  static open(options: SqliteStoreOptions): SqliteStore {
    const db = new Database(options.file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
      db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
      db.pragma('foreign_keys = ON');
      // SQLite's lower() folds ASCII only; user search is case-insensitive for every script.
      db.function('parley_lower', { deterministic: true }, (value: unknown) =>
        typeof value === 'string' ? value.toLowerCase() : value,
      );
      applyMigrations(db);
      return new SqliteStore(db, options.onCommit);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  async ping(): Promise<void> {
    this.s.ping.get();
  }

  /** Commits queued writes, then closes the file. */
  async close(): Promise<void> {
    if (!this.db.open) return;
    this.queue.close();
    // Refreshes planner statistics where they went stale, as SQLite recommends before closing.
    this.db.pragma('optimize');
    this.db.close();
  }

  // Tenants ---------------------------------------------------------------

  createTenant(tenant: TenantRecord): Promise<boolean> {
    return this.queue.run(() => this.s.insertTenant.run(tenant).changes > 0);
  }

  async getTenant(tenantId: string): Promise<TenantRecord | null> {
    const row = this.s.getTenant.get(tenantId);
    return row ? toTenant(row) : null;
  }

  async countTenants(): Promise<number> {
    return this.s.countTenants.get()!;
  }

  // API keys --------------------------------------------------------------

  insertApiKey(key: ApiKeyRecord): Promise<void> {
    return this.queue.run(() => void this.s.insertApiKey.run(key));
  }

  async findApiKeyByHash(hash: string): Promise<ApiKeyRecord | null> {
    const row = this.s.findApiKeyByHash.get(hash);
    return row ? toApiKey(row) : null;
  }

  async listApiKeys(tenantId: string): Promise<ApiKeyRecord[]> {
    return this.s.listApiKeys.all(tenantId).map(toApiKey);
  }

  revokeApiKey(tenantId: string, keyId: string, at: string): Promise<boolean> {
    return this.queue.run(() => this.s.revokeApiKey.run({ tenantId, id: keyId, at }).changes > 0);
  }

  touchApiKey(keyId: string, at: string): Promise<void> {
    return this.queue.run(() => void this.s.touchApiKey.run({ id: keyId, at }));
  }

  // Users -----------------------------------------------------------------

  insertUser(tenantId: string, user: User): Promise<boolean> {
    return this.queue.run(
      () =>
        this.s.insertUser.run({
          tenantId,
          id: user.id,
          displayName: user.displayName,
          role: user.role,
          metadata: JSON.stringify(user.metadata),
          createdAt: user.createdAt,
          updatedAt: user.updatedAt,
        }).changes > 0,
    );
  }

  async getUser(tenantId: string, userId: string): Promise<UserRecord | null> {
    const row = this.s.getUser.get({ tenantId, id: userId });
    return row ? toUserRecord(row) : null;
  }

  async listUsers(
    tenantId: string,
    query: { limit: number; afterId?: string; search?: string },
  ): Promise<User[]> {
    return this.s.listUsers
      .all({
        tenantId,
        afterId: query.afterId ?? '',
        search: query.search === undefined ? null : query.search.toLowerCase(),
        limit: query.limit,
      })
      .map(toUser);
  }

  updateUser(
    tenantId: string,
    userId: string,
    patch: { displayName?: string; role?: UserRole; metadata?: Record<string, string>; updatedAt: string },
  ): Promise<User | null> {
    return this.queue.run(() => {
      const row = this.s.updateUser.get({
        tenantId,
        id: userId,
        displayName: patch.displayName ?? null,
        role: patch.role ?? null,
        metadata: patch.metadata === undefined ? null : JSON.stringify(patch.metadata),
        at: patch.updatedAt,
      });
      return row ? toUser(row) : null;
    });
  }

  deleteUser(tenantId: string, userId: string): Promise<boolean> {
    return this.queue.run(() => {
      if (this.s.deleteUser.run({ tenantId, id: userId }).changes === 0) return false;
      this.s.deleteUserParticipations.run({ tenantId, id: userId });
      return true;
    });
  }

  bumpTokenVersion(tenantId: string, userId: string): Promise<number | null> {
    return this.queue.run(() => this.s.bumpTokenVersion.get({ tenantId, id: userId }) ?? null);
  }

  // Threads ---------------------------------------------------------------

  createThread(input: CreateThreadInput): ReturnType<Store['createThread']> {
    return this.queue.run(() => this.writes.createThread(input));
  }

  async getThread(tenantId: string, threadId: string) {
    const row = this.s.getThread.get({ tenantId, threadId });
    return row ? toThread(row) : null;
  }

  async getDeletedThread(
    tenantId: string,
    threadId: string,
  ): Promise<{ id: string; deletedAt: string } | null> {
    const row = this.s.getDeletedThread.get({ tenantId, threadId });
    return row ? { id: row.id, deletedAt: row.deleted_at } : null;
  }

  updateThread(input: UpdateThreadInput): ReturnType<Store['updateThread']> {
    return this.queue.run(() => this.writes.updateThread(input));
  }

  deleteThread(tenantId: string, threadId: string, at: string): ReturnType<Store['deleteThread']> {
    return this.queue.run(() => this.writes.deleteThread(tenantId, threadId, at));
  }

  async listThreadsForUser(
    tenantId: string,
    userId: string,
    query: ListThreadsStoreQuery,
  ): Promise<ThreadSummaryRecord[]> {
    return this.s.listThreadsForUser.all({ ...pageParams(tenantId, query), userId }).map(toSummary);
  }

  async listThreadsForTenant(tenantId: string, query: ListThreadsStoreQuery): Promise<ThreadSummaryRecord[]> {
    return this.s.listThreadsForTenant.all(pageParams(tenantId, query)).map(toSummary);
  }

  async threadIdsForUser(tenantId: string, userId: string): Promise<string[]> {
    return this.s.threadIdsForUser.all({ tenantId, userId });
  }

  async threadsJoinedSince(
    tenantId: string,
    userId: string,
    since: string,
  ): Promise<{ threadId: string; joinedPos: number }[]> {
    return this.s.threadsJoinedSince.all({ tenantId, userId, since });
  }

  async contactsOf(tenantId: string, userId: string): Promise<string[]> {
    return this.s.contactsOf.all({ tenantId, userId });
  }

  // Participants ----------------------------------------------------------

  async getParticipant(
    tenantId: string,
    threadId: string,
    userId: string,
  ): Promise<ParticipantRecord | null> {
    const row = this.s.getParticipant.get({ tenantId, threadId, userId });
    return row ? toParticipantRecord(row) : null;
  }

  async listParticipants(
    tenantId: string,
    threadId: string,
    query: { limit: number; skip: number },
  ): Promise<Participant[]> {
    return this.s.listParticipants.all({ tenantId, threadId, ...query }).map(toParticipant);
  }

  async countParticipants(tenantId: string, threadId: string): Promise<number> {
    return this.s.countParticipants.get({ tenantId, threadId })!;
  }

  addParticipants(input: AddParticipantsInput): ReturnType<Store['addParticipants']> {
    return this.queue.run(() => this.writes.addParticipants(input));
  }

  removeParticipant(
    input: Parameters<Store['removeParticipant']>[0],
  ): ReturnType<Store['removeParticipant']> {
    return this.queue.run(() => this.writes.removeParticipant(input));
  }

  // Messages --------------------------------------------------------------

  appendMessage(input: AppendMessageInput): ReturnType<Store['appendMessage']> {
    return this.queue.run(() => this.writes.appendMessage(input), true);
  }

  async getMessage(tenantId: string, threadId: string, messageId: string): Promise<Message | null> {
    const row = this.s.getMessage.get({ tenantId, threadId, id: messageId });
    return row ? toMessage(row) : null;
  }

  async listMessages(tenantId: string, threadId: string, query: ListMessagesStoreQuery): Promise<Message[]> {
    const base = { tenantId, threadId, limit: query.limit };
    if (query.order === 'desc') {
      const before = query.beforeSequence ?? Number.MAX_SAFE_INTEGER;
      return this.s.listMessagesDesc
        .all({ ...base, before, minCreatedAt: query.minCreatedAt ?? '' })
        .map(toMessage);
    }
    // ISO times of one format compare as strings: the later bound is the stricter one.
    const bounds = [query.startTime ?? '', query.minCreatedAt ?? ''].sort();
    return this.s.listMessagesAsc
      .all({ ...base, after: query.afterSequence ?? 0, minCreatedAt: bounds[1]! })
      .map(toMessage);
  }

  updateMessage(input: Parameters<Store['updateMessage']>[0]): ReturnType<Store['updateMessage']> {
    return this.queue.run(() => this.writes.updateMessage(input));
  }

  deleteMessage(input: Parameters<Store['deleteMessage']>[0]): ReturnType<Store['deleteMessage']> {
    return this.queue.run(() => this.writes.deleteMessage(input));
  }

  async unreadCount(tenantId: string, threadId: string, userId: string): Promise<number> {
    return this.s.unreadCount.get({ tenantId, threadId, userId }) ?? 0;
  }

  // Read receipts ---------------------------------------------------------

  markRead(input: Parameters<Store['markRead']>[0]): ReturnType<Store['markRead']> {
    return this.queue.run(() => this.writes.markRead(input));
  }

  async listReadReceipts(
    tenantId: string,
    threadId: string,
    query: { limit: number; skip: number },
  ): Promise<ReadReceipt[]> {
    return this.s.listReceipts.all({ tenantId, threadId, ...query }).map(toReceipt);
  }

  // Event log -------------------------------------------------------------

  async threadPositions(tenantId: string, threadIds: string[]): Promise<Map<string, number>> {
    const rows = this.s.threadPositions.all({ tenantId, ids: JSON.stringify(threadIds) });
    return new Map(rows.map((r) => [r.id, r.last_pos]));
  }

  async eventsAfter(
    tenantId: string,
    threadId: string,
    afterPos: number,
    limit: number,
  ): Promise<ThreadEvent[]> {
    return this.s.eventsAfter.all({ tenantId, threadId, afterPos, limit }).map(toEvent);
  }
}

function pageParams(tenantId: string, query: ListThreadsStoreQuery): ThreadPageParams {
  return {
    tenantId,
    beforeAt: query.before?.lastActivityAt ?? null,
    beforeId: query.before?.id ?? null,
    since: query.updatedSince ?? null,
    limit: query.limit,
  };
}

function toSummary(row: SummaryRow): ThreadSummaryRecord {
  return { ...toThread(row), lastMessage: summaryLastMessage(row), unreadCount: row.unread_count };
}
