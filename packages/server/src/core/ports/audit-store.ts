import type { AuditEntry } from '@parley/protocol';

/** The audit log, the Store's `audit` facet: append-only, tenant-scoped, newest first. */
export interface AuditStore {
  insertAuditEntry(tenantId: string, entry: AuditEntry): Promise<void>;
  /** Newest first (by time, then id), before `before` when given, optionally for one organization. */
  listAuditEntries(
    tenantId: string,
    query: { limit: number; organizationId?: string; before?: { at: string; id: string } },
  ): Promise<AuditEntry[]>;
}
