import type { AuditEntry } from '@parley/protocol';

/** An `audit_log` row, the same in SQLite and PostgreSQL. */
export interface AuditRow {
  id: string;
  at: string;
  actor_kind: string;
  actor_id: string;
  action: string;
  path: string;
  organization_id: string | null;
  status: number;
}

export const AUDIT_COLUMNS = 'id, at, actor_kind, actor_id, action, path, organization_id, status';

export function toAuditEntry(r: AuditRow): AuditEntry {
  return {
    id: r.id,
    at: r.at,
    actorKind: r.actor_kind as AuditEntry['actorKind'],
    actorId: r.actor_id,
    action: r.action,
    path: r.path,
    organizationId: r.organization_id,
    status: Number(r.status),
  };
}

export function auditValues(e: AuditEntry): unknown[] {
  return [e.id, e.at, e.actorKind, e.actorId, e.action, e.path, e.organizationId, e.status];
}
