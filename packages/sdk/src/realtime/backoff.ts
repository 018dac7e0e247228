export interface BackoffOptions {
  /** Upper bound of the first delay. Default 500 ms. */
  initialMs?: number;
  /** No delay exceeds this. Default 30000 ms. */
  maxMs?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /** A connection that stayed up this long resets the attempts. Default 10000 ms. */
  stableAfterMs?: number;
  /** Injectable for tests: a number in [0, 1). */
  random?: () => number;
  /** Injectable for tests: milliseconds. */
  now?: () => number;
}

/**
 * Exponential backoff with full jitter: the n-th delay is uniform in
 * [0, min(maxMs, initialMs · factorⁿ)]. Jitter spreads the reconnects of many
 * clients that lost the same server, so they do not all come back at once.
 */
export class Backoff {
  private attempts = 0;
  private connectedAt: number | null = null;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly stableAfterMs: number;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 500;
    this.maxMs = options.maxMs ?? 30_000;
    this.factor = options.factor ?? 2;
    this.stableAfterMs = options.stableAfterMs ?? 10_000;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  /** How many delays were handed out since the last reset. */
  get attempt(): number {
    return this.attempts;
  }

  /** The next delay; each call counts as one more attempt. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * this.factor ** this.attempts);
    this.attempts++;
    return Math.floor(this.random() * ceiling);
  }

  /** A connection is up; it resets the attempts only once it proves stable. */
  connected(): void {
    this.connectedAt = this.now();
  }

  /** The connection went down: after a stable connection, start again from the smallest delay. */
  disconnected(): void {
    if (this.connectedAt !== null && this.now() - this.connectedAt >= this.stableAfterMs) this.attempts = 0;
    this.connectedAt = null;
  }

  reset(): void {
    this.attempts = 0;
    this.connectedAt = null;
  }
}
