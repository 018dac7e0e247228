import type { RateLimits } from '../core/ports/rate-limits.js';

/**
 * In-process token buckets for one node. Idle buckets (full again) are swept
 * every ten seconds, so memory stays bounded by the keys active recently.
 */
export class MemoryRateLimits implements RateLimits {
  private readonly buckets = new Map<string, { tokens: number; at: number; fullAfterMs: number }>();
  private lastSweep = 0;

  async take(key: string, rate: number, burst: number, nowMs: number): Promise<number> {
    this.sweep(nowMs);
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: nowMs, fullAfterMs: (burst / rate) * 1000 };
    bucket.tokens = Math.min(burst, bucket.tokens + (Math.max(0, nowMs - bucket.at) / 1000) * rate);
    bucket.at = Math.max(bucket.at, nowMs);
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return Math.max(1, Math.ceil((1 - bucket.tokens) / rate));
    bucket.tokens -= 1;
    return 0;
  }

  async close(): Promise<void> {
    this.buckets.clear();
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 10_000) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets)
      if (now - bucket.at > bucket.fullAfterMs) this.buckets.delete(key);
  }
}
