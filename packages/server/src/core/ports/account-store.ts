import type { Agent, Organization, User } from '@parley/protocol';

/**
 * Dashboard accounts, sessions and one-time links (issue 6): the `accounts`
 * facet of the Store, under its general contract (atomic, durable when
 * resolved, the caller's ISO times, fresh copies).
 *
 * - An account is a tenant user's sign-in: an email, unique across the whole
 *   server (lower-cased by the caller), and a password hash (null until an
 *   invitation is accepted). Deleting the user deletes the account, its
 *   sessions and links.
 * - A session is a row per signed-in dashboard (its id is in the access
 *   token); revoking it is final.
 * - A link (password reset, invitation) is stored as the SHA-256 of its
 *   token and used at most once, atomically.
 */
export interface AccountStore {
  countAccounts(): Promise<number>;
  /**
   * First run, in one step: the first admin user, their account, their
   * organization and their agent profile; false, writing nothing, when any
   * account already exists (concurrent setups: exactly one wins).
   */
  setupFirstAccount(input: {
    tenantId: string;
    user: User;
    email: string;
    passwordHash: string;
    /** The organization to create; null to join the agent's existing one. */
    organization: Organization | null;
    agent: Omit<Agent, 'displayName' | 'departmentIds'>;
  }): Promise<boolean>;
  /** Inserts an account for an existing user; false when the email or the user already has one. */
  insertAccount(tenantId: string, account: NewAccount): Promise<boolean>;
  findAccountByEmail(email: string): Promise<AccountRecord | null>;
  getAccount(tenantId: string, userId: string): Promise<AccountRecord | null>;
  /** The accounts of the organization's agents (agents without one are left out), by email. */
  listOrganizationAccounts(tenantId: string, organizationId: string): Promise<AccountRecord[]>;
  setPassword(tenantId: string, userId: string, passwordHash: string, at: string): Promise<boolean>;
  setDisabled(tenantId: string, userId: string, disabledAt: string | null, at: string): Promise<boolean>;

  insertSession(session: SessionRecord): Promise<void>;
  getSession(sessionId: string): Promise<SessionRecord | null>;
  revokeSession(sessionId: string, at: string): Promise<boolean>;

  insertLink(link: LinkRecord): Promise<void>;
  /**
   * Marks the link used and returns it, when it exists with this kind, is
   * unused and has not expired at `now`; otherwise null. Of concurrent uses
   * exactly one succeeds.
   */
  useLink(tokenHash: string, kind: LinkRecord['kind'], now: string): Promise<LinkRecord | null>;
  /** Marks every unused link of this kind for the user as used. */
  expireLinks(tenantId: string, userId: string, kind: LinkRecord['kind'], at: string): Promise<void>;
}

export interface NewAccount {
  userId: string;
  email: string;
  passwordHash: string | null;
  createdAt: string;
}

export interface AccountRecord extends NewAccount {
  tenantId: string;
  disabledAt: string | null;
  updatedAt: string;
}

export interface SessionRecord {
  id: string;
  tenantId: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
}

export interface LinkRecord {
  tokenHash: string;
  kind: 'reset' | 'invite';
  tenantId: string;
  userId: string;
  expiresAt: string;
  usedAt: string | null;
}
