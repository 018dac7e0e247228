import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RedisBus } from '../src/bus/redis-bus.js';
import { busConformance } from './bus-conformance.js';
import { availableServices, TEST_REDIS_URL } from './support/services.js';
import {
  adminClient,
  killClientsNamed,
  sleep,
  startRedisProxy,
  uniquePrefix,
  waitUntil,
  type RedisProxy,
} from './support/redis.js';

describe.skipIf(!availableServices().redis)('RedisBus', () => {
  busConformance('RedisBus', async () => {
    // Handler errors are expected in the conformance suite; keep them out of the test output.
    const bus = await RedisBus.open({
      url: TEST_REDIS_URL,
      prefix: uniquePrefix(),
      onError: () => undefined,
    });
    return { bus, cleanup: () => bus.close() };
  });

  describe('RedisBus across nodes and outages', () => {
    const opened: RedisBus[] = [];
    let admin: Redis;
    let proxy: RedisProxy | undefined;

    beforeEach(() => {
      admin = adminClient();
    });

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((bus) => bus.close()));
      await proxy?.close();
      proxy = undefined;
      admin.disconnect();
    });

    async function open(options: { prefix: string; url?: string; name?: string; errors?: unknown[] }) {
      const bus = await RedisBus.open({
        url: options.url ?? TEST_REDIS_URL,
        prefix: options.prefix,
        name: options.name ?? `test-${randomBytes(4).toString('hex')}`,
        onError: (err) => options.errors?.push(err),
      });
      opened.push(bus);
      return bus;
    }

    it('says that it may lose messages', async () => {
      const bus = await open({ prefix: uniquePrefix() });
      expect(bus.mayLoseMessages).toBe(true);
    });

    it('rejects open with a clear message when Redis cannot be reached', async () => {
      const started = Date.now();
      await expect(
        RedisBus.open({
          url: 'redis://:s3cret@127.0.0.1:1',
          prefix: uniquePrefix(),
          connectTimeoutMs: 500,
          onError: () => undefined,
        }),
      ).rejects.toThrow(/^cannot reach Redis at 127\.0\.0\.1:1: ECONNREFUSED$/);
      expect(Date.now() - started).toBeLessThan(1500);
    });

    it('carries messages from one node to another, on the shared prefix only', async () => {
      const prefix = uniquePrefix();
      const a = await open({ prefix });
      const b = await open({ prefix });
      const other = await open({ prefix: uniquePrefix() });
      const onB: unknown[] = [];
      const onOther: unknown[] = [];
      await b.subscribe('room', (p) => onB.push(p));
      await other.subscribe('room', (p) => onOther.push(p));
      for (let i = 0; i < 100; i++) await a.publish('room', { i });
      await waitUntil(() => onB.length === 100, 3000, '100 messages on node B');
      expect(onB).toEqual(Array.from({ length: 100 }, (_, i) => ({ i })));
      await sleep(50);
      expect(onOther).toEqual([]);
    });

    it('holds one Redis subscription per topic, dropped with the last local handler', async () => {
      const prefix = uniquePrefix();
      const bus = await open({ prefix });
      const channel = `${prefix}shared`;
      const subscribers = async () =>
        Number(((await admin.call('PUBSUB', 'NUMSUB', channel)) as [string, number])[1]);
      const offFirst = await bus.subscribe('shared', () => undefined);
      const offSecond = await bus.subscribe('shared', () => undefined);
      expect(await subscribers()).toBe(1);
      await offFirst();
      expect(await subscribers()).toBe(1);
      await offSecond();
      expect(await subscribers()).toBe(0);
    });

    it('leaves the right subscription whatever the interleaving of subscribe and unsubscribe', async () => {
      const prefix = uniquePrefix();
      const bus = await open({ prefix });
      const received: unknown[] = [];
      // Not awaited one by one: subscribe, unsubscribe, subscribe again, all in flight together.
      const first = bus.subscribe('race', () => undefined);
      const offFirst = first.then((off) => off());
      const second = bus.subscribe('race', (p) => received.push(p));
      const offThird = bus.subscribe('race', () => undefined).then((off) => off());
      await Promise.all([offFirst, second, offThird]);
      await bus.publish('race', 'kept');
      await waitUntil(() => received.length === 1, 3000, 'delivery to the remaining handler');
      const off = await second;
      await off();
      const numsub = (await admin.call('PUBSUB', 'NUMSUB', `${prefix}race`)) as [string, number];
      expect(Number(numsub[1])).toBe(0);
    });

    it('isolates a throwing handler and reports its error', async () => {
      const errors: unknown[] = [];
      const bus = await open({ prefix: uniquePrefix(), errors });
      const failure = new Error('handler failure (expected by the test)');
      const received: unknown[] = [];
      await bus.subscribe('t', () => {
        throw failure;
      });
      await bus.subscribe('t', (p) => received.push(p));
      await bus.publish('t', 1);
      await waitUntil(() => received.length === 1);
      expect(errors).toContain(failure);
    });

    it('calls onResumed after its subscriber connection is killed, and the topic works again', async () => {
      const prefix = uniquePrefix();
      const name = `test-${randomBytes(4).toString('hex')}`;
      const bus = await open({ prefix, name });
      const publisher = await open({ prefix });
      const received: unknown[] = [];
      await bus.subscribe('live', (p) => received.push(p));
      let resumed = 0;
      bus.onResumed(() => resumed++);

      expect(await killClientsNamed(admin, `${name}:bus:sub`)).toBe(1);
      await waitUntil(() => resumed === 1, 5000, 'onResumed');
      // Listeners run only once every topic is subscribed again: this publish must arrive.
      await publisher.publish('live', 'after the kill');
      await waitUntil(() => received.includes('after the kill'), 3000, 'delivery after the resume');
      await expect(bus.ping()).resolves.toBeUndefined();
      // A subscription made after the resume works too.
      const late: unknown[] = [];
      await bus.subscribe('late', (p) => late.push(p));
      await publisher.publish('late', 'x');
      await waitUntil(() => late.length === 1);
      expect(resumed).toBe(1);
    });

    it('while Redis is unreachable: publish drops without throwing, ping rejects promptly, subscribe rejects', async () => {
      proxy = await startRedisProxy();
      const prefix = uniquePrefix();
      const errors: unknown[] = [];
      const bus = await open({ prefix, url: proxy.url, errors });
      const received: unknown[] = [];
      await bus.subscribe('t', (p) => received.push(p));
      let resumed = 0;
      bus.onResumed(() => resumed++);

      proxy.cut();
      await waitUntil(() =>
        bus.ping().then(
          () => false,
          () => true,
        ),
      );
      const started = Date.now();
      await expect(bus.ping()).rejects.toThrow(/bus unavailable/);
      // Not a speed measurement: a known outage is reported without waiting for the 1 s ping timeout.
      expect(Date.now() - started).toBeLessThan(900);

      await expect(bus.publish('t', 'lost 1')).resolves.toBeUndefined();
      await expect(bus.publish('t', 'lost 2')).resolves.toBeUndefined();
      expect(bus.dropped).toBe(2);
      // Reported once for the outage, not once per message.
      expect(
        errors.filter((e) => e instanceof Error && e.message.startsWith('bus unavailable')),
      ).toHaveLength(1);

      const subscribing = Date.now();
      await expect(bus.subscribe('other', () => undefined)).rejects.toThrow(/bus unavailable/);
      // Not a speed measurement: it must not wait for the 2 s command timeout.
      expect(Date.now() - subscribing).toBeLessThan(1500);

      proxy.restore();
      await waitUntil(() => resumed >= 1, 5000, 'onResumed after the outage');
      await expect(bus.ping()).resolves.toBeUndefined();
      await bus.publish('t', 'back');
      await waitUntil(() => received.includes('back'));
      expect(received).toEqual(['back']);
    });

    it('after dropping messages, tells the other nodes to catch up once it can publish again', async () => {
      proxy = await startRedisProxy();
      const prefix = uniquePrefix();
      const dropping = await open({ prefix, url: proxy.url });
      const healthy = await open({ prefix });
      let healthyResumed = 0;
      healthy.onResumed(() => healthyResumed++);

      proxy.cut();
      await waitUntil(() =>
        dropping.ping().then(
          () => false,
          () => true,
        ),
      );
      await dropping.publish('t', 'lost');
      expect(dropping.dropped).toBe(1);
      await sleep(100);
      expect(healthyResumed).toBe(0);

      proxy.restore();
      await waitUntil(() => healthyResumed === 1, 5000, 'the healthy node told to catch up');
    });

    it('after close: publish resolves and delivers nothing, ping rejects', async () => {
      const bus = await open({ prefix: uniquePrefix() });
      const received: unknown[] = [];
      await bus.subscribe('t', (p) => received.push(p));
      await bus.close();
      await expect(bus.publish('t', 1)).resolves.toBeUndefined();
      await expect(bus.ping()).rejects.toThrow();
      await sleep(50);
      expect(received).toEqual([]);
    });
  });
});
