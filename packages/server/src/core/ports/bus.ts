import type { EphemeralEvent } from '@parley/protocol';
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
 *   Such an adapter says so with `mayLoseMessages`, and calls the `onResumed`
 *   listeners once delivery works again after an interruption, so that
 *   consumers catch up from the Store at once instead of at the next event.
 * - `publish` never fails the caller's action for a transport problem: the
 *   Store already holds the truth, so a message that cannot be sent is
 *   dropped (and the adapter reports it), not thrown.
 * - `subscribe` resolves once delivery to the handler is active: anything
 *   published after that point reaches it. The returned function unsubscribes.
 * - Handlers run asynchronously with respect to `publish`, never inside it,
 *   and a throwing handler affects neither the publisher nor other handlers.
 * - Payloads are plain JSON values; adapters may serialise them.
 */
export interface Bus {
  publish(topic: string, payload: unknown): Promise<void>;
  subscribe(topic: string, handler: (payload: unknown) => void): Promise<() => Promise<void>>;
  /** Resolves when the bus can carry messages (readiness); rejects promptly when it cannot. */
  ping(): Promise<void>;
  /** True when messages may be dropped (a networked adapter); false when delivery cannot fail. */
  readonly mayLoseMessages: boolean;
  /** Registers a listener for the end of an interruption during which messages may have been lost. */
  onResumed(listener: () => void): void;
  close(): Promise<void>;
}

/** Control messages about one user, the payload of `topics.user`. */
export type UserControl =
  | { type: 'tokens.revoked' }
  | { type: 'user.deleted' }
  | { type: 'joined'; threadId: string; pos: number }
  /** One dashboard session ended (sign-out): its connections close. */
  | { type: 'session.revoked'; sessionId: string }
  /** An ephemeral event for this user's connections only (an agent's inbox feed). */
  | { type: 'event'; event: EphemeralEvent };

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
