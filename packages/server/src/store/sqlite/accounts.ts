import type Database from 'better-sqlite3';
import type {
  AccountRecord,
  AccountStore,
  LinkRecord,
  NewAccount,
  SessionRecord,
} from '../../core/ports/account-store.js';
import {
  ACCOUNT_COLUMNS,
  ACCOUNT_COLUMNS_OF_A,
  LINK_COLUMNS,
  SESSION_COLUMNS,
  toAccount,
  toLink,
  toSession,
  type AccountRow,
  type LinkRow,
  type SessionRow,
} from '../account-rows.js';
import type { WriteQueue } from './write-queue.js';

function prepare(db: Database.Database) {
  return {
    count: db.prepare<[], number>('SELECT count(*) FROM accounts').pluck(),
    insertUser: db.prepare(
      `INSERT INTO users (tenant_id, id, display_name, role, metadata, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    insertOrganization: db.prepare(
      'INSERT INTO organizations (tenant_id, id, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
    ),
    insertAgent: db.prepare(
      `INSERT INTO agents (tenant_id, user_id, organization_id, role, max_chats, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    userExists: db
      .prepare<[string, string], number>('SELECT 1 FROM users WHERE tenant_id = ? AND id = ?')
      .pluck(),
    insertAccount: db.prepare(
      `INSERT INTO accounts (${ACCOUNT_COLUMNS}) VALUES (?, ?, ?, ?, NULL, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    byEmail: db.prepare<[string], AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE email = ?`),
    get: db.prepare<[string, string], AccountRow>(
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE tenant_id = ? AND user_id = ?`,
    ),
    byOrganization: db.prepare<[string, string], AccountRow>(
      `SELECT ${ACCOUNT_COLUMNS_OF_A} FROM accounts a
       JOIN agents g ON g.tenant_id = a.tenant_id AND g.user_id = a.user_id
       WHERE a.tenant_id = ? AND g.organization_id = ? ORDER BY a.email`,
    ),
    setPassword: db.prepare<[string, string, string, string]>(
      'UPDATE accounts SET password_hash = ?, updated_at = ? WHERE tenant_id = ? AND user_id = ?',
    ),
    setDisabled: db.prepare<[string | null, string, string, string]>(
      'UPDATE accounts SET disabled_at = ?, updated_at = ? WHERE tenant_id = ? AND user_id = ?',
    ),
    insertSession: db.prepare(`INSERT INTO sessions (${SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, NULL)`),
    getSession: db.prepare<[string], SessionRow>(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = ?`),
    revokeSession: db.prepare<[string, string]>(
      'UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
    ),
    insertLink: db.prepare(`INSERT INTO account_links (${LINK_COLUMNS}) VALUES (?, ?, ?, ?, ?, NULL)`),
    expireLinks: db.prepare<[string, string, string, string]>(
      'UPDATE account_links SET used_at = ? WHERE tenant_id = ? AND user_id = ? AND kind = ? AND used_at IS NULL',
    ),
    useLink: db.prepare<[string, string, string, string], LinkRow>(
      `UPDATE account_links SET used_at = ?
       WHERE token_hash = ? AND kind = ? AND used_at IS NULL AND expires_at > ? RETURNING ${LINK_COLUMNS}`,
    ),
  };
}

/** The SQLite adapter's accounts facet; writes go through the group commit (one writer). */
export class SqliteAccounts implements AccountStore {
  private readonly s: ReturnType<typeof prepare>;

  constructor(
    db: Database.Database,
    private readonly queue: WriteQueue,
  ) {
    this.s = prepare(db);
  }

  async countAccounts(): Promise<number> {
    return this.s.count.get() ?? 0;
  }

  setupFirstAccount(input: Parameters<AccountStore['setupFirstAccount']>[0]): Promise<boolean> {
    const { tenantId, user, email, passwordHash, organization: o, agent: a } = input;
    return this.queue.run(() => {
      if ((this.s.count.get() ?? 0) > 0) return false;
      const inserted = this.s.insertUser.run(
        tenantId,
        user.id,
        user.displayName,
        user.role,
        JSON.stringify(user.metadata),
        user.createdAt,
        user.updatedAt,
      );
      if (inserted.changes === 0) return false;
      if (o) this.s.insertOrganization.run(tenantId, o.id, o.name, o.createdAt, o.updatedAt);
      this.s.insertAgent.run(
        tenantId,
        a.userId,
        a.organizationId,
        a.role,
        a.maxChats,
        a.status,
        a.createdAt,
        a.updatedAt,
      );
      this.s.insertAccount.run(tenantId, user.id, email, passwordHash, user.createdAt, user.createdAt);
      return true;
    });
  }

  insertAccount(tenantId: string, account: NewAccount): Promise<boolean> {
    return this.queue.run(() => {
      if (this.s.userExists.get(tenantId, account.userId) === undefined) return false;
      const { changes } = this.s.insertAccount.run(
        tenantId,
        account.userId,
        account.email,
        account.passwordHash,
        account.createdAt,
        account.createdAt,
      );
      return changes > 0;
    });
  }

  async findAccountByEmail(email: string): Promise<AccountRecord | null> {
    const row = this.s.byEmail.get(email);
    return row ? toAccount(row) : null;
  }

  async getAccount(tenantId: string, userId: string): Promise<AccountRecord | null> {
    const row = this.s.get.get(tenantId, userId);
    return row ? toAccount(row) : null;
  }

  async listOrganizationAccounts(tenantId: string, organizationId: string): Promise<AccountRecord[]> {
    return this.s.byOrganization.all(tenantId, organizationId).map(toAccount);
  }

  setPassword(tenantId: string, userId: string, passwordHash: string, at: string): Promise<boolean> {
    return this.queue.run(() => this.s.setPassword.run(passwordHash, at, tenantId, userId).changes > 0);
  }

  setDisabled(tenantId: string, userId: string, disabledAt: string | null, at: string): Promise<boolean> {
    return this.queue.run(() => this.s.setDisabled.run(disabledAt, at, tenantId, userId).changes > 0);
  }

  async insertSession(session: SessionRecord): Promise<void> {
    await this.queue.run(() =>
      this.s.insertSession.run(
        session.id,
        session.tenantId,
        session.userId,
        session.createdAt,
        session.expiresAt,
      ),
    );
  }

  async getSession(sessionId: string): Promise<SessionRecord | null> {
    const row = this.s.getSession.get(sessionId);
    return row ? toSession(row) : null;
  }

  revokeSession(sessionId: string, at: string): Promise<boolean> {
    return this.queue.run(() => this.s.revokeSession.run(at, sessionId).changes > 0);
  }

  async insertLink(link: LinkRecord): Promise<void> {
    await this.queue.run(() =>
      this.s.insertLink.run(link.tokenHash, link.kind, link.tenantId, link.userId, link.expiresAt),
    );
  }

  async expireLinks(tenantId: string, userId: string, kind: LinkRecord['kind'], at: string): Promise<void> {
    await this.queue.run(() => this.s.expireLinks.run(at, tenantId, userId, kind));
  }

  useLink(tokenHash: string, kind: LinkRecord['kind'], now: string): Promise<LinkRecord | null> {
    return this.queue.run(() => {
      const row = this.s.useLink.get(now, tokenHash, kind, now);
      return row ? toLink(row) : null;
    });
  }
}
