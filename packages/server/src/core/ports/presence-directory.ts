/**
 * The PresenceDirectory port: who has a live connection, on any node.
 *
 * Contract, for every adapter (in-process by default, Redis for several
 * nodes), proved by `test/presence-directory-conformance.ts`:
 *
 * - Each node counts its own connections per (tenant, user). A user is online
 *   while the sum over all nodes is above zero.
 * - `connected` resolves `true` exactly when the user's count went from zero
 *   to one across all nodes (they came online); `disconnected` resolves
 *   `true` exactly when it went back to zero (they went offline). Concurrent
 *   calls on several nodes never both see the same transition.
 * - A node that stops without disconnecting its users (crash, `kill -9`,
 *   network loss) has its counts dropped after a bounded time
 *   (`expiryMs`); each user who is thereby offline everywhere is reported
 *   once, on one surviving node, through the `onExpired` listener.
 * - A node that loses and regains the shared service re-asserts its own
 *   counts, so a restart of the service forgets nobody who is connected.
 */
export interface PresenceDirectory {
  connected(tenantId: string, userId: string): Promise<boolean>;
  disconnected(tenantId: string, userId: string): Promise<boolean>;
  /** The users among `userIds` who are online now. */
  online(tenantId: string, userIds: string[]): Promise<Set<string>>;
  /** Registers the listener for users whose node vanished (see the contract). */
  onExpired(listener: (tenantId: string, userId: string) => void): void;
  close(): Promise<void>;
}
