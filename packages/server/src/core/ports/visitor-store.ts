import type { User } from '@parley/protocol';

/**
 * The visitor part of the Store port: the widget's visitors, organizations'
 * identity secrets and the used identity proofs. Part of the Store's
 * `livechat` facet (`livechat-store.ts`), under its general contract
 * (tenant-scoped: another tenant's or another organization's id behaves like
 * an unknown one; atomic and durable when resolved; the caller's ISO times;
 * fresh copies returned).
 *
 * The model:
 * - A visitor is a tenant user (created here, in the same transaction) plus a
 *   visitor row tying it to one organization, with the SHA-256 of its visitor
 *   token (never the token), an optional email and, once identified, the
 *   site's customer id. Token hashes are unique across all tenants. Deleting
 *   the organization deletes its visitor rows (the users stay, with their
 *   history); deleting the user deletes its visitor row.
 * - An organization has at most one identity secret, stored as given (it is
 *   an HMAC key the server must use, so it cannot be hashed); deleting the
 *   organization deletes it.
 * - Replay keys are per organization, each with an expiry.
 */
export interface VisitorStore {
  /**
   * Inserts the user and its visitor row together. False, writing nothing,
   * when the organization is unknown or the user id or token hash is taken.
   */
  insertVisitor(tenantId: string, user: User, visitor: VisitorRecord): Promise<boolean>;
  /** The organization's visitor whose token has this SHA-256, or null. */
  findVisitorByTokenHash(
    tenantId: string,
    organizationId: string,
    tokenHash: string,
  ): Promise<VisitorRecord | null>;
  getVisitor(tenantId: string, organizationId: string, visitorId: string): Promise<VisitorRecord | null>;
  /**
   * Records the customer id on the visitor when it has none or already this
   * one (`identifiedAt` is set the first time only), in one atomic step, and
   * returns the visitor. A visitor already linked to another customer is
   * left unchanged and returned as it is; null when unknown.
   */
  linkVisitorCustomer(
    tenantId: string,
    organizationId: string,
    visitorId: string,
    customerId: string,
    at: string,
  ): Promise<VisitorRecord | null>;
  /** Every visitor of the organization linked to the customer, oldest first (ties by id). */
  listCustomerVisitors(
    tenantId: string,
    organizationId: string,
    customerId: string,
  ): Promise<VisitorRecord[]>;

  /** Sets (replacing) the secret; false when the organization is unknown. */
  setIdentitySecret(tenantId: string, organizationId: string, secret: string): Promise<boolean>;
  /** Removes the secret; false when there was none. */
  deleteIdentitySecret(tenantId: string, organizationId: string): Promise<boolean>;
  getIdentitySecret(tenantId: string, organizationId: string): Promise<string | null>;

  /**
   * Insert-if-absent of a used identity proof: true when `key` was not yet
   * recorded for the organization (it now is, until `expiresAt`), false when
   * it was. Atomic: of concurrent claims of one key, on any number of nodes,
   * exactly one gets true. Keys of the organization that expired before `now`
   * are purged in the same step, so the table stays bounded without a timer;
   * a purged key may be claimed again, which is safe because a proof is
   * refused as stale after its key's expiry anyway.
   */
  claimReplayKey(
    tenantId: string,
    organizationId: string,
    key: string,
    expiresAt: string,
    now: string,
  ): Promise<boolean>;
}

export interface VisitorRecord {
  /** The visitor's user id. */
  id: string;
  organizationId: string;
  /** base64url SHA-256 of the visitor token. */
  tokenHash: string;
  email: string | null;
  customerId: string | null;
  identifiedAt: string | null;
  createdAt: string;
}
