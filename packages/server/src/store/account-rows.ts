import type { AccountRecord, LinkRecord, SessionRecord } from '../core/ports/account-store.js';

/** Rows of the account tables, the same column for column in SQLite and PostgreSQL. */
export interface AccountRow {
  tenant_id: string;
  user_id: string;
  email: string;
  password_hash: string | null;
  disabled_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface SessionRow {
  id: string;
  tenant_id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export interface LinkRow {
  token_hash: string;
  kind: string;
  tenant_id: string;
  user_id: string;
  expires_at: string;
  used_at: string | null;
}

export const ACCOUNT_COLUMNS =
  'tenant_id, user_id, email, password_hash, disabled_at, created_at, updated_at';
/** The same columns of `accounts` aliased `a`, for joins. */
export const ACCOUNT_COLUMNS_OF_A = ACCOUNT_COLUMNS.split(', ')
  .map((column) => `a.${column}`)
  .join(', ');
export const SESSION_COLUMNS = 'id, tenant_id, user_id, created_at, expires_at, revoked_at';
export const LINK_COLUMNS = 'token_hash, kind, tenant_id, user_id, expires_at, used_at';

export function toAccount(r: AccountRow): AccountRecord {
  return {
    tenantId: r.tenant_id,
    userId: r.user_id,
    email: r.email,
    passwordHash: r.password_hash,
    disabledAt: r.disabled_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toSession(r: SessionRow): SessionRecord {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    userId: r.user_id,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
  };
}

export function toLink(r: LinkRow): LinkRecord {
  return {
    tokenHash: r.token_hash,
    kind: r.kind as LinkRecord['kind'],
    tenantId: r.tenant_id,
    userId: r.user_id,
    expiresAt: r.expires_at,
    usedAt: r.used_at,
  };
}
