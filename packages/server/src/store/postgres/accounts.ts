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
import type { Database } from './database.js';

const sql = {
  count: 'SELECT count(*)::int AS n FROM accounts',
  // Concurrent setups queue on this lock; the first commits, the others then count one account.
  lock: 'LOCK TABLE accounts IN SHARE ROW EXCLUSIVE MODE',
  insertUser: `INSERT INTO users (tenant_id, id, display_name, role, metadata, created_at, updated_at,
      display_name_folded, id_folded)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (tenant_id, id) DO NOTHING RETURNING id`,
  insertOrganization:
    'INSERT INTO organizations (tenant_id, id, name, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)',
  insertAgent: `INSERT INTO agents (tenant_id, user_id, organization_id, role, max_chats, status, created_at,
      updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
  // The user must exist: the foreign key refuses otherwise, and the unique keys refuse a taken email.
  insertAccount: `INSERT INTO accounts (${ACCOUNT_COLUMNS})
    SELECT $1, $2, $3, $4, NULL, $5, $5 WHERE EXISTS (SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2)
    ON CONFLICT DO NOTHING RETURNING user_id`,
  byEmail: `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE email = $1`,
  get: `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE tenant_id = $1 AND user_id = $2`,
  byOrganization: `SELECT ${ACCOUNT_COLUMNS_OF_A} FROM accounts a
    JOIN agents g ON g.tenant_id = a.tenant_id AND g.user_id = a.user_id
    WHERE a.tenant_id = $1 AND g.organization_id = $2 ORDER BY a.email`,
  setPassword: `UPDATE accounts SET password_hash = $3, updated_at = $4 WHERE tenant_id = $1 AND user_id = $2
    RETURNING user_id`,
  setDisabled: `UPDATE accounts SET disabled_at = $3, updated_at = $4 WHERE tenant_id = $1 AND user_id = $2
    RETURNING user_id`,
  insertSession: `INSERT INTO sessions (${SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, NULL)`,
  getSession: `SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = $1`,
  revokeSession: 'UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id',
  insertLink: `INSERT INTO account_links (${LINK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, NULL)`,
  expireLinks:
    'UPDATE account_links SET used_at = $4 WHERE tenant_id = $1 AND user_id = $2 AND kind = $3 AND used_at IS NULL',
  useLink: `UPDATE account_links SET used_at = $3
    WHERE token_hash = $1 AND kind = $2 AND used_at IS NULL AND expires_at > $3 RETURNING ${LINK_COLUMNS}`,
};

/** The PostgreSQL adapter's accounts facet. */
export class PostgresAccounts implements AccountStore {
  constructor(private readonly db: Database) {}

  async countAccounts(): Promise<number> {
    const [row] = await this.db.rows<{ n: number }>(sql.count);
    return row?.n ?? 0;
  }

  setupFirstAccount(input: Parameters<AccountStore['setupFirstAccount']>[0]): Promise<boolean> {
    const { tenantId, user, email, passwordHash, organization: o, agent: a } = input;
    return this.db.transaction(async (tx) => {
      await tx.rows(sql.lock);
      const [count] = await tx.rows<{ n: number }>(sql.count);
      if ((count?.n ?? 0) > 0) return false;
      const inserted = await tx.rows(sql.insertUser, [
        tenantId,
        user.id,
        user.displayName,
        user.role,
        JSON.stringify(user.metadata),
        user.createdAt,
        user.updatedAt,
        user.displayName.toLowerCase(),
        user.id.toLowerCase(),
      ]);
      if (inserted.length === 0) return false;
      if (o) await tx.rows(sql.insertOrganization, [tenantId, o.id, o.name, o.createdAt, o.updatedAt]);
      await tx.rows(sql.insertAgent, [
        tenantId,
        a.userId,
        a.organizationId,
        a.role,
        a.maxChats,
        a.status,
        a.createdAt,
        a.updatedAt,
      ]);
      await tx.rows(sql.insertAccount, [tenantId, user.id, email, passwordHash, user.createdAt]);
      return true;
    });
  }

  async insertAccount(tenantId: string, account: NewAccount): Promise<boolean> {
    const rows = await this.db.write(sql.insertAccount, [
      tenantId,
      account.userId,
      account.email,
      account.passwordHash,
      account.createdAt,
    ]);
    return rows.length > 0;
  }

  async findAccountByEmail(email: string): Promise<AccountRecord | null> {
    const [row] = await this.db.rows<AccountRow>(sql.byEmail, [email]);
    return row ? toAccount(row) : null;
  }

  async getAccount(tenantId: string, userId: string): Promise<AccountRecord | null> {
    const [row] = await this.db.rows<AccountRow>(sql.get, [tenantId, userId]);
    return row ? toAccount(row) : null;
  }

  async listOrganizationAccounts(tenantId: string, organizationId: string): Promise<AccountRecord[]> {
    return (await this.db.rows<AccountRow>(sql.byOrganization, [tenantId, organizationId])).map(toAccount);
  }

  async setPassword(tenantId: string, userId: string, passwordHash: string, at: string): Promise<boolean> {
    return (await this.db.write(sql.setPassword, [tenantId, userId, passwordHash, at])).length > 0;
  }

  async setDisabled(
    tenantId: string,
    userId: string,
    disabledAt: string | null,
    at: string,
  ): Promise<boolean> {
    return (await this.db.write(sql.setDisabled, [tenantId, userId, disabledAt, at])).length > 0;
  }

  async insertSession(s: SessionRecord): Promise<void> {
    await this.db.write(sql.insertSession, [s.id, s.tenantId, s.userId, s.createdAt, s.expiresAt]);
  }

  async getSession(sessionId: string): Promise<SessionRecord | null> {
    const [row] = await this.db.rows<SessionRow>(sql.getSession, [sessionId]);
    return row ? toSession(row) : null;
  }

  async revokeSession(sessionId: string, at: string): Promise<boolean> {
    return (await this.db.write(sql.revokeSession, [sessionId, at])).length > 0;
  }

  async insertLink(l: LinkRecord): Promise<void> {
    await this.db.write(sql.insertLink, [l.tokenHash, l.kind, l.tenantId, l.userId, l.expiresAt]);
  }

  async expireLinks(tenantId: string, userId: string, kind: LinkRecord['kind'], at: string): Promise<void> {
    await this.db.write(sql.expireLinks, [tenantId, userId, kind, at]);
  }

  async useLink(tokenHash: string, kind: LinkRecord['kind'], now: string): Promise<LinkRecord | null> {
    const [row] = await this.db.write<LinkRow>(sql.useLink, [tokenHash, kind, now]);
    return row ? toLink(row) : null;
  }
}
