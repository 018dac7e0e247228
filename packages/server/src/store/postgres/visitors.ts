import type { User } from '@parley/protocol';
import type { VisitorRecord, VisitorStore } from '../../core/ports/visitor-store.js';
import type { Database } from './database.js';
import { toVisitor, type VisitorRow } from '../sqlite/visitors.js';

const COLS = 'id, organization_id, token_hash, email, customer_id, identified_at, created_at';

const sql = {
  // One statement: the user and its visitor row commit together or not at all. FOR KEY SHARE
  // keeps the organization from being deleted until the insert commits.
  insertVisitor: `WITH org AS (
      SELECT 1 FROM organizations WHERE tenant_id = $1 AND id = $2 FOR KEY SHARE),
    u AS (
      INSERT INTO users (tenant_id, id, display_name, role, metadata, created_at, updated_at,
        display_name_folded, id_folded)
      SELECT $1, $3, $4, $5, $6, $7, $7, $8, $9 FROM org
      ON CONFLICT (tenant_id, id) DO NOTHING RETURNING id)
    INSERT INTO visitors (tenant_id, id, organization_id, token_hash, email, customer_id, identified_at,
      created_at)
    SELECT $1, u.id, $2, $10, $11, $12, $13, $7 FROM u RETURNING id`,
  byToken: `SELECT ${COLS} FROM visitors WHERE tenant_id = $1 AND organization_id = $2 AND token_hash = $3`,
  get: `SELECT ${COLS} FROM visitors WHERE tenant_id = $1 AND organization_id = $2 AND id = $3`,
  link: `UPDATE visitors SET customer_id = $4, identified_at = coalesce(identified_at, $5)
    WHERE tenant_id = $1 AND organization_id = $2 AND id = $3
      AND (customer_id IS NULL OR customer_id = $4)`,
  byCustomer: `SELECT ${COLS} FROM visitors WHERE tenant_id = $1 AND organization_id = $2 AND customer_id = $3
    ORDER BY created_at, id`,
  setSecret: `INSERT INTO identity_secrets (tenant_id, organization_id, secret)
    SELECT $1, $2, $3 WHERE EXISTS (
      SELECT 1 FROM organizations WHERE tenant_id = $1 AND id = $2 FOR KEY SHARE)
    ON CONFLICT (tenant_id, organization_id) DO UPDATE SET secret = excluded.secret
    RETURNING organization_id`,
  deleteSecret:
    'DELETE FROM identity_secrets WHERE tenant_id = $1 AND organization_id = $2 RETURNING organization_id',
  getSecret: 'SELECT secret FROM identity_secrets WHERE tenant_id = $1 AND organization_id = $2',
  purgeKeys:
    'DELETE FROM identity_replay_keys WHERE tenant_id = $1 AND organization_id = $2 AND expires_at < $3',
  // The primary key decides between concurrent claims: the loser waits for the winner's commit,
  // then does nothing.
  claimKey: `INSERT INTO identity_replay_keys (tenant_id, organization_id, replay_key, expires_at)
    SELECT $1, $2, $3, $4 WHERE EXISTS (
      SELECT 1 FROM organizations WHERE tenant_id = $1 AND id = $2 FOR KEY SHARE)
    ON CONFLICT DO NOTHING RETURNING replay_key`,
};

/** The PostgreSQL adapter's part of the port for visitors. */
export class PostgresVisitors implements VisitorStore {
  constructor(private readonly db: Database) {}

  async insertVisitor(tenantId: string, user: User, visitor: VisitorRecord): Promise<boolean> {
    try {
      const rows = await this.db.write(sql.insertVisitor, [
        tenantId,
        visitor.organizationId,
        user.id,
        user.displayName,
        user.role,
        JSON.stringify(user.metadata),
        user.createdAt,
        user.displayName.toLowerCase(),
        user.id.toLowerCase(),
        visitor.tokenHash,
        visitor.email,
        visitor.customerId,
        visitor.identifiedAt,
      ]);
      return rows.length > 0;
    } catch (err) {
      // A token hash already taken: the whole statement, user included, is rolled back.
      if ((err as { code?: unknown }).code === '23505') return false;
      throw err;
    }
  }

  async findVisitorByTokenHash(
    tenantId: string,
    organizationId: string,
    tokenHash: string,
  ): Promise<VisitorRecord | null> {
    const [row] = await this.db.rows<VisitorRow>(sql.byToken, [tenantId, organizationId, tokenHash]);
    return row ? toVisitor(row) : null;
  }

  async getVisitor(tenantId: string, organizationId: string, id: string): Promise<VisitorRecord | null> {
    const [row] = await this.db.rows<VisitorRow>(sql.get, [tenantId, organizationId, id]);
    return row ? toVisitor(row) : null;
  }

  async linkVisitorCustomer(
    tenantId: string,
    organizationId: string,
    id: string,
    customerId: string,
    at: string,
  ): Promise<VisitorRecord | null> {
    await this.db.write(sql.link, [tenantId, organizationId, id, customerId, at]);
    return this.getVisitor(tenantId, organizationId, id);
  }

  async listCustomerVisitors(
    tenantId: string,
    organizationId: string,
    customerId: string,
  ): Promise<VisitorRecord[]> {
    const rows = await this.db.rows<VisitorRow>(sql.byCustomer, [tenantId, organizationId, customerId]);
    return rows.map(toVisitor);
  }

  async setIdentitySecret(tenantId: string, organizationId: string, secret: string): Promise<boolean> {
    return (await this.db.write(sql.setSecret, [tenantId, organizationId, secret])).length > 0;
  }

  async deleteIdentitySecret(tenantId: string, organizationId: string): Promise<boolean> {
    return (await this.db.write(sql.deleteSecret, [tenantId, organizationId])).length > 0;
  }

  async getIdentitySecret(tenantId: string, organizationId: string): Promise<string | null> {
    const [row] = await this.db.rows<{ secret: string }>(sql.getSecret, [tenantId, organizationId]);
    return row?.secret ?? null;
  }

  async claimReplayKey(
    tenantId: string,
    organizationId: string,
    key: string,
    expiresAt: string,
    now: string,
  ): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      await tx.rows(sql.purgeKeys, [tenantId, organizationId, now]);
      return (await tx.rows(sql.claimKey, [tenantId, organizationId, key, expiresAt])).length > 0;
    });
  }
}
