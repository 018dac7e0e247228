/**
 * The RateLimits port: token buckets shared by every node, so a limit holds
 * for the whole deployment however the load balancer spreads requests.
 *
 * Contract, for every adapter (in-process by default, Redis for several
 * nodes), proved by `test/rate-limits-conformance.ts`:
 *
 * - A bucket named `key` holds up to `burst` tokens and refills at `rate`
 *   tokens per second; it starts full.
 * - `take` removes one token and resolves 0 when one was available; otherwise
 *   it removes nothing and resolves the whole seconds to wait (at least 1).
 * - `nowMs` is the caller's clock: buckets follow the injected clock, not the
 *   adapter's.
 * - Concurrent takes on several nodes never hand out more tokens than the
 *   bucket holds.
 * - An adapter that cannot reach its service lets the request through
 *   (fails open): limits protect the service, they must not take it down.
 */
export interface RateLimits {
  take(key: string, rate: number, burst: number, nowMs: number): Promise<number>;
  close(): Promise<void>;
}
