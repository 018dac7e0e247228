import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RateLimits } from '../src/core/ports/rate-limits.js';

/** What a conformance run needs from an adapter. */
export interface RateLimitsFixture {
  /** A fresh adapter whose buckets no other test uses. */
  limits: RateLimits;
  /**
   * Opens another instance (another node) sharing the first one's buckets.
   * Absent for an in-process adapter, which declares one node to the suite:
   * the multi-node clause is then not part of its run.
   */
  makeNode?: () => Promise<RateLimits>;
  cleanup(): Promise<void>;
}

/**
 * The RateLimits contract (src/core/ports/rate-limits.ts), clause by clause,
 * for any adapter, through the port only. Failing open needs a way to cut the
 * service and lives with each adapter's own tests.
 */
export function rateLimitsConformance(
  name: string,
  makeRateLimits: () => Promise<RateLimitsFixture>,
  options: { nodes: 'one' | 'several' },
): void {
  describe(`RateLimits conformance: ${name}`, () => {
    let fixture: RateLimitsFixture;
    let limits: RateLimits;
    let seq = 0;
    const key = (label: string) => `conf:${process.pid}:${Date.now().toString(36)}:${++seq}:${label}`;
    // An injected clock far from the real one: buckets must follow it, not the adapter's.
    const T0 = 1_000_000_000;

    beforeEach(async () => {
      fixture = await makeRateLimits();
      limits = fixture.limits;
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    const takeMany = async (k: string, n: number, rate: number, burst: number, now: number) => {
      const results: number[] = [];
      for (let i = 0; i < n; i++) results.push(await limits.take(k, rate, burst, now));
      return results;
    };

    it('starts full: `burst` takes at one instant succeed, the next is refused', async () => {
      const k = key('full');
      expect(await takeMany(k, 5, 1, 5, T0)).toEqual([0, 0, 0, 0, 0]);
      expect(await limits.take(k, 1, 5, T0)).toBeGreaterThanOrEqual(1);
    });

    it('answers a refusal with the whole seconds to wait, at least 1', async () => {
      expect(await takeMany(key('rate-1'), 2, 1, 1, T0)).toEqual([0, 1]);
      expect(await takeMany(key('rate-half'), 2, 0.5, 1, T0)).toEqual([0, 2]);
      expect(await takeMany(key('rate-quarter'), 3, 0.25, 2, T0)).toEqual([0, 0, 4]);
      // Ten tokens a second: a token is 100 ms away, still "1 second".
      expect(await takeMany(key('rate-10'), 2, 10, 1, T0)).toEqual([0, 1]);
      // Half a token refilled at 0.5/s: one more second.
      const k = key('partial');
      expect(await takeMany(k, 2, 0.5, 1, T0)).toEqual([0, 2]);
      expect(await limits.take(k, 0.5, 1, T0 + 1000)).toBe(1);
    });

    it('removes nothing when it refuses', async () => {
      const k = key('refused');
      expect(await limits.take(k, 1, 1, T0)).toBe(0);
      // Refused twice half-way; had they taken anything, the token due at T0 + 1000 would not be there.
      expect(await limits.take(k, 1, 1, T0 + 500)).toBe(1);
      expect(await limits.take(k, 1, 1, T0 + 600)).toBe(1);
      expect(await limits.take(k, 1, 1, T0 + 1000)).toBe(0);
      expect(await limits.take(k, 1, 1, T0 + 1000)).toBe(1);
    });

    it('refills `rate` tokens per second of the caller clock, up to `burst`', async () => {
      const k = key('refill');
      expect(await takeMany(k, 4, 2, 4, T0)).toEqual([0, 0, 0, 0]);
      expect(await takeMany(k, 3, 2, 4, T0 + 1000)).toEqual([0, 0, 1]);
      // A long idle time fills the bucket, never past `burst`.
      expect(await takeMany(k, 5, 2, 4, T0 + 3_600_000)).toEqual([0, 0, 0, 0, 1]);
    });

    it("follows the injected clock, not the adapter's", async () => {
      const k = key('clock');
      // 100 tokens a second: real time passing would refill it at once, the injected clock does not move.
      expect(await limits.take(k, 100, 1, T0)).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await limits.take(k, 100, 1, T0)).toBe(1);
      expect(await limits.take(k, 100, 1, T0 + 10)).toBe(0);
    });

    it('keeps buckets apart by key', async () => {
      const [a, b] = [key('a'), key('b')];
      expect(await takeMany(a, 2, 1, 1, T0)).toEqual([0, 1]);
      expect(await takeMany(b, 2, 1, 1, T0)).toEqual([0, 1]);
    });

    it('never hands out more than the bucket holds to concurrent takes', async () => {
      const k = key('concurrent');
      const results = await Promise.all(Array.from({ length: 50 }, () => limits.take(k, 1, 10, T0)));
      expect(results.filter((wait) => wait === 0)).toHaveLength(10);
      expect(results.filter((wait) => wait >= 1)).toHaveLength(40);
    });

    // Registered only for adapters with several nodes: for the others the clause does not apply.
    if (options.nodes === 'several') {
      it('never hands out more than the bucket holds to concurrent takes on several nodes', async () => {
        if (!fixture.makeNode) throw new Error(`${name} declared several nodes but has no makeNode`);
        const nodes = [limits, await fixture.makeNode(), await fixture.makeNode()];
        const k = key('nodes');
        for (let second = 0; second < 3; second++) {
          const now = T0 + second * 1000;
          const results = await Promise.all(
            Array.from({ length: 60 }, (_, i) => nodes[i % nodes.length]!.take(k, 5, 10, now)),
          );
          // Full at first, then 5 tokens refilled per second.
          expect(results.filter((wait) => wait === 0)).toHaveLength(second === 0 ? 10 : 5);
        }
      });
    }
  });
}
