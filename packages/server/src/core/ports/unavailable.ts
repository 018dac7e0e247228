/**
 * Thrown by an adapter when the service behind a port (database, broker)
 * cannot be reached or dropped the connection mid-operation. The operation
 * did not happen, or for a write whose commit reply was lost it may have
 * happened: callers retry with the same idempotency key. Transports answer it
 * with `service_unavailable` (503) at once rather than waiting.
 */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: 'store' | 'bus',
    override readonly cause: unknown,
  ) {
    super(`${dependency} unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'DependencyUnavailableError';
  }
}
