import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { MemoryRateLimits } from '../src/rate-limits/memory-rate-limits.js';
import { RedisRateLimits } from '../src/rate-limits/redis-rate-limits.js';
import { connectRedis } from '../src/redis/connect.js';
import { rateLimitsConformance } from './rate-limits-conformance.js';
import { availableServices, TEST_REDIS_URL } from './support/services.js';
import {
  adminClient,
  deleteKeys,
  startRedisProxy,
  uniquePrefix,
  waitUntil,
  type RedisProxy,
} from './support/redis.js';

rateLimitsConformance(
  'MemoryRateLimits',
  async () => {
    const limits = new MemoryRateLimits();
    return { limits, cleanup: () => limits.close() };
  },
  { nodes: 'one' },
);

describe.skipIf(!availableServices().redis)('RedisRateLimits', () => {
  rateLimitsConformance(
    'RedisRateLimits',
    async () => {
      const prefix = uniquePrefix();
      const opened: RedisRateLimits[] = [];
      const makeNode = async () => {
        const limits = await RedisRateLimits.open({
          url: TEST_REDIS_URL,
          prefix,
          onError: (err) => console.error(err),
        });
        opened.push(limits);
        return limits;
      };
      return {
        limits: await makeNode(),
        makeNode,
        async cleanup() {
          await Promise.all(opened.map((limits) => limits.close()));
          const admin = adminClient();
          await deleteKeys(admin, prefix);
          admin.disconnect();
        },
      };
    },
    { nodes: 'several' },
  );

  describe('RedisRateLimits: sharing and failing open', () => {
    let prefix: string;
    let admin: Redis;
    let proxy: RedisProxy | undefined;
    const clients: Redis[] = [];

    beforeEach(() => {
      prefix = uniquePrefix();
      admin = adminClient();
    });

    afterEach(async () => {
      for (const client of clients.splice(0)) client.disconnect();
      await proxy?.close();
      proxy = undefined;
      await deleteKeys(admin, prefix);
      admin.disconnect();
    });

    async function attached(url = TEST_REDIS_URL, errors: unknown[] = []) {
      const client = await connectRedis(url, {
        name: `test-${randomBytes(4).toString('hex')}`,
        onError: () => undefined,
      });
      clients.push(client);
      return {
        client,
        limits: RedisRateLimits.attach(client, { prefix, onError: (err) => errors.push(err) }),
      };
    }

    it('two nodes sharing one bucket never exceed its burst, however the takes are spread', async () => {
      const a = await attached();
      const b = await attached();
      const now = Date.now();
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? a : b).limits.take('shared', 1, 25, now)),
      );
      expect(results.filter((wait) => wait === 0)).toHaveLength(25);
    });

    it('lets an idle bucket expire', async () => {
      const { limits } = await attached();
      await limits.take('idle', 2, 4, Date.now());
      // Full again after 0.5 s, plus the minute of grace.
      const ttl = await admin.pttl(`${prefix}ratelimit:idle`);
      expect(ttl).toBeGreaterThan(60_000);
      expect(ttl).toBeLessThanOrEqual(60_500);
    });

    it('fails open when its client is disconnected, reporting it once', async () => {
      const errors: unknown[] = [];
      const { client, limits } = await attached(TEST_REDIS_URL, errors);
      const now = Date.now();
      expect(await limits.take('k', 1, 1, now)).toBe(0);
      expect(await limits.take('k', 1, 1, now)).toBe(1);
      client.disconnect();
      for (let i = 0; i < 5; i++) expect(await limits.take('k', 1, 1, now)).toBe(0);
      expect(errors).toHaveLength(1);
    });

    it('fails open while Redis is unreachable, and limits again once it is back', async () => {
      proxy = await startRedisProxy();
      const errors: unknown[] = [];
      const { client, limits } = await attached(proxy.url, errors);
      const now = Date.now();
      expect(await limits.take('k', 1, 1, now)).toBe(0);

      proxy.cut();
      await waitUntil(() => client.status !== 'ready');
      const started = Date.now();
      for (let i = 0; i < 5; i++) expect(await limits.take('k', 1, 1, now)).toBe(0);
      // Not a speed measurement: the five takes must not each wait for the 2 s command timeout.
      expect(Date.now() - started).toBeLessThan(1000);
      expect(errors).toHaveLength(1);

      proxy.restore();
      await waitUntil(() => client.status === 'ready', 3000, 'reconnected');
      expect(await limits.take('k', 1, 1, now)).toBe(1);
    });
  });
});
