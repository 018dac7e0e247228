/**
 * The Bus port: carries notifications between the parts of one process and,
 * with a networked adapter, between processes. It is never the source of truth.
 *
 * Contract, for every adapter (in-process by default, Redis later), proved by
 * one conformance suite (`test/bus-conformance.ts`):
 *
 * - `publish` delivers the payload to every handler subscribed to the topic
 *   at the time of delivery, on every node.
 * - Messages published by one publisher on one topic are delivered to each
 *   handler in publish order.
 * - Delivery is at most once. A networked adapter may drop messages while a
 *   connection is down; consumers repair from the Store using positions
 *   (durable thread events) or accept the loss (ephemeral typing, presence).
 * - `subscribe` resolves once delivery to the handler is active: anything
 *   published after that point reaches it. The returned function unsubscribes.
 * - Handlers run asynchronously with respect to `publish`, never inside it,
 *   and a throwing handler affects neither the publisher nor other handlers.
 * - Payloads are plain JSON values; adapters may serialise them.
 */
export interface Bus {
  publish(topic: string, payload: unknown): Promise<void>;
  subscribe(topic: string, handler: (payload: unknown) => void): Promise<() => Promise<void>>;
  /** Resolves when the bus can carry messages (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Control messages about one user, the payload of `topics.user`. */
export type UserControl =
  { type: 'tokens.revoked' } | { type: 'user.deleted' } | { type: 'joined'; threadId: string; pos: number };

/** Topic names, in one place so that every adapter and consumer agrees. */
export const topics = {
  /** Durable events of one thread. */
  thread: (tenantId: string, threadId: string) => `t:${tenantId}:${threadId}`,
  /** Ephemeral events of one thread (typing). */
  threadEphemeral: (tenantId: string, threadId: string) => `te:${tenantId}:${threadId}`,
  /** Control events about one user (token revocation, deletion, membership). */
  user: (tenantId: string, userId: string) => `u:${tenantId}:${userId}`,
  /** Presence changes of a tenant's users. */
  presence: (tenantId: string) => `p:${tenantId}`,
};
