import type Database from 'better-sqlite3';
import type { User } from '@parley/protocol';
import type { VisitorRecord, VisitorStore } from '../../core/ports/visitor-store.js';
import type { WriteQueue } from './write-queue.js';

type InOrg = { tenantId: string; organizationId: string };

export interface VisitorRow {
  id: string;
  organization_id: string;
  token_hash: string;
  email: string | null;
  customer_id: string | null;
  identified_at: string | null;
  created_at: string;
}

const COLS = 'id, organization_id, token_hash, email, customer_id, identified_at, created_at';

/** Shared with the PostgreSQL adapter: the tables are the same column for column. */
export function toVisitor(row: VisitorRow): VisitorRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    tokenHash: row.token_hash,
    email: row.email,
    customerId: row.customer_id,
    identifiedAt: row.identified_at,
    createdAt: row.created_at,
  };
}

function prepare(db: Database.Database) {
  return {
    orgExists: db.prepare<InOrg, number>(
      'SELECT 1 FROM organizations WHERE tenant_id = @tenantId AND id = @organizationId',
    ),
    insertUser: db.prepare(
      `INSERT INTO users (tenant_id, id, display_name, role, metadata, created_at, updated_at)
       VALUES (@tenantId, @id, @displayName, @role, @metadata, @createdAt, @updatedAt)
       ON CONFLICT DO NOTHING`,
    ),
    insertVisitor: db.prepare(
      `INSERT INTO visitors (tenant_id, id, organization_id, token_hash, email, customer_id, identified_at,
         created_at)
       VALUES (@tenantId, @id, @organizationId, @tokenHash, @email, @customerId, @identifiedAt, @createdAt)
       ON CONFLICT DO NOTHING`,
    ),
    byToken: db.prepare<InOrg & { tokenHash: string }, VisitorRow>(
      `SELECT ${COLS} FROM visitors WHERE tenant_id = @tenantId AND organization_id = @organizationId
         AND token_hash = @tokenHash`,
    ),
    get: db.prepare<InOrg & { id: string }, VisitorRow>(
      `SELECT ${COLS} FROM visitors WHERE tenant_id = @tenantId AND organization_id = @organizationId
         AND id = @id`,
    ),
    link: db.prepare<InOrg & { id: string; customerId: string; at: string }>(
      `UPDATE visitors SET customer_id = @customerId, identified_at = ifnull(identified_at, @at)
       WHERE tenant_id = @tenantId AND organization_id = @organizationId AND id = @id
         AND (customer_id IS NULL OR customer_id = @customerId)`,
    ),
    byCustomer: db.prepare<InOrg & { customerId: string }, VisitorRow>(
      `SELECT ${COLS} FROM visitors WHERE tenant_id = @tenantId AND organization_id = @organizationId
         AND customer_id = @customerId ORDER BY created_at, id`,
    ),
    setSecret: db.prepare<InOrg & { secret: string }>(
      `INSERT INTO identity_secrets (tenant_id, organization_id, secret)
       SELECT @tenantId, @organizationId, @secret
       WHERE EXISTS (SELECT 1 FROM organizations WHERE tenant_id = @tenantId AND id = @organizationId)
       ON CONFLICT (tenant_id, organization_id) DO UPDATE SET secret = excluded.secret`,
    ),
    deleteSecret: db.prepare<InOrg>(
      'DELETE FROM identity_secrets WHERE tenant_id = @tenantId AND organization_id = @organizationId',
    ),
    getSecret: db.prepare<InOrg, string>(
      'SELECT secret FROM identity_secrets WHERE tenant_id = @tenantId AND organization_id = @organizationId',
    ),
    purgeKeys: db.prepare<InOrg & { now: string }>(
      `DELETE FROM identity_replay_keys WHERE tenant_id = @tenantId AND organization_id = @organizationId
         AND expires_at < @now`,
    ),
    claimKey: db.prepare<InOrg & { key: string; expiresAt: string }>(
      `INSERT INTO identity_replay_keys (tenant_id, organization_id, replay_key, expires_at)
       SELECT @tenantId, @organizationId, @key, @expiresAt
       WHERE EXISTS (SELECT 1 FROM organizations WHERE tenant_id = @tenantId AND id = @organizationId)
       ON CONFLICT DO NOTHING`,
    ),
  };
}

/**
 * The SQLite adapter's part of the port for visitors; writes go through the
 * group commit, whose single writer makes each insert-if-absent atomic.
 */
export class SqliteVisitors implements VisitorStore {
  private readonly s: ReturnType<typeof prepare>;

  constructor(
    db: Database.Database,
    private readonly queue: WriteQueue,
  ) {
    this.s = prepare(db);
  }

  insertVisitor(tenantId: string, user: User, visitor: VisitorRecord): Promise<boolean> {
    // A write that throws is rolled back alone: a taken token hash must not leave the user behind.
    return this.queue
      .run(() => {
        if (this.s.orgExists.get({ tenantId, organizationId: visitor.organizationId }) === undefined)
          return false;
        const userRow = {
          tenantId,
          id: user.id,
          displayName: user.displayName,
          role: user.role,
          metadata: JSON.stringify(user.metadata),
          createdAt: user.createdAt,
          updatedAt: user.updatedAt,
        };
        if (this.s.insertUser.run(userRow).changes === 0) return false;
        if (this.s.insertVisitor.run({ tenantId, ...visitor }).changes === 0) throw new Rollback();
        return true;
      })
      .catch((err: unknown) => {
        if (err instanceof Rollback) return false;
        throw err;
      });
  }

  async findVisitorByTokenHash(
    tenantId: string,
    organizationId: string,
    tokenHash: string,
  ): Promise<VisitorRecord | null> {
    const row = this.s.byToken.get({ tenantId, organizationId, tokenHash });
    return row ? toVisitor(row) : null;
  }

  async getVisitor(tenantId: string, organizationId: string, id: string): Promise<VisitorRecord | null> {
    const row = this.s.get.get({ tenantId, organizationId, id });
    return row ? toVisitor(row) : null;
  }

  linkVisitorCustomer(
    tenantId: string,
    organizationId: string,
    id: string,
    customerId: string,
    at: string,
  ): Promise<VisitorRecord | null> {
    return this.queue.run(() => {
      this.s.link.run({ tenantId, organizationId, id, customerId, at });
      const row = this.s.get.get({ tenantId, organizationId, id });
      return row ? toVisitor(row) : null;
    });
  }

  async listCustomerVisitors(
    tenantId: string,
    organizationId: string,
    customerId: string,
  ): Promise<VisitorRecord[]> {
    return this.s.byCustomer.all({ tenantId, organizationId, customerId }).map(toVisitor);
  }

  setIdentitySecret(tenantId: string, organizationId: string, secret: string): Promise<boolean> {
    return this.queue.run(() => this.s.setSecret.run({ tenantId, organizationId, secret }).changes > 0);
  }

  deleteIdentitySecret(tenantId: string, organizationId: string): Promise<boolean> {
    return this.queue.run(() => this.s.deleteSecret.run({ tenantId, organizationId }).changes > 0);
  }

  async getIdentitySecret(tenantId: string, organizationId: string): Promise<string | null> {
    return this.s.getSecret.pluck().get({ tenantId, organizationId }) ?? null;
  }

  claimReplayKey(
    tenantId: string,
    organizationId: string,
    key: string,
    expiresAt: string,
    now: string,
  ): Promise<boolean> {
    return this.queue.run(() => {
      this.s.purgeKeys.run({ tenantId, organizationId, now });
      return this.s.claimKey.run({ tenantId, organizationId, key, expiresAt }).changes > 0;
    });
  }
}

/** Thrown inside the transaction to roll it back; reported as "not inserted". */
class Rollback extends Error {}
