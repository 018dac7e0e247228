import type Database from 'better-sqlite3';
import type { AuditEntry } from '@parley/protocol';
import type { AuditStore } from '../../core/ports/audit-store.js';
import { AUDIT_COLUMNS, auditValues, toAuditEntry, type AuditRow } from '../audit-rows.js';
import type { WriteQueue } from './write-queue.js';

/** The SQLite adapter's audit facet. */
export class SqliteAudit implements AuditStore {
  private readonly insert: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly queue: WriteQueue,
  ) {
    this.insert = db.prepare(
      `INSERT INTO audit_log (tenant_id, ${AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  async insertAuditEntry(tenantId: string, entry: AuditEntry): Promise<void> {
    await this.queue.run(() => this.insert.run(tenantId, ...auditValues(entry)));
  }

  async listAuditEntries(
    tenantId: string,
    query: { limit: number; organizationId?: string; before?: { at: string; id: string } },
  ): Promise<AuditEntry[]> {
    const where = ['tenant_id = ?'];
    const values: unknown[] = [tenantId];
    if (query.organizationId !== undefined) {
      where.push('organization_id = ?');
      values.push(query.organizationId);
    }
    if (query.before) {
      where.push('(at < ? OR (at = ? AND id < ?))');
      values.push(query.before.at, query.before.at, query.before.id);
    }
    return this.db
      .prepare<unknown[], AuditRow>(
        `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE ${where.join(' AND ')} ORDER BY at DESC, id DESC LIMIT ?`,
      )
      .all(...values, query.limit)
      .map(toAuditEntry);
  }
}
