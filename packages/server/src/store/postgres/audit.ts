import type { AuditEntry } from '@parley/protocol';
import type { AuditStore } from '../../core/ports/audit-store.js';
import { AUDIT_COLUMNS, auditValues, toAuditEntry, type AuditRow } from '../audit-rows.js';
import type { Database } from './database.js';

/** The PostgreSQL adapter's audit facet. */
export class PostgresAudit implements AuditStore {
  constructor(private readonly db: Database) {}

  async insertAuditEntry(tenantId: string, entry: AuditEntry): Promise<void> {
    await this.db.write(
      `INSERT INTO audit_log (tenant_id, ${AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [tenantId, ...auditValues(entry)],
    );
  }

  async listAuditEntries(
    tenantId: string,
    query: { limit: number; organizationId?: string; before?: { at: string; id: string } },
  ): Promise<AuditEntry[]> {
    const values: unknown[] = [tenantId];
    const where = ['tenant_id = $1'];
    if (query.organizationId !== undefined) {
      values.push(query.organizationId);
      where.push(`organization_id = $${values.length}`);
    }
    if (query.before) {
      values.push(query.before.at, query.before.id);
      where.push(`(at, id) < ($${values.length - 1}, $${values.length})`);
    }
    values.push(query.limit);
    const rows = await this.db.rows<AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE ${where.join(' AND ')} ORDER BY at DESC, id DESC
       LIMIT $${values.length}`,
      values,
    );
    return rows.map(toAuditEntry);
  }
}
