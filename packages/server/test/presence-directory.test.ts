import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { MemoryPresenceDirectory } from '../src/presence/memory-presence-directory.js';
import { RedisPresenceDirectory } from '../src/presence/redis-presence-directory.js';
import { connectRedis } from '../src/redis/connect.js';
import { presenceDirectoryConformance } from './presence-directory-conformance.js';
import { availableServices, TEST_REDIS_URL } from './support/services.js';
import {
  adminClient,
  deleteKeys,
  sleep,
  startRedisProxy,
  uniquePrefix,
  waitUntil,
  type RedisProxy,
} from './support/redis.js';

/** Short, so expiry tests run in about a second; heartbeats and sweeps every 200 ms. */
const EXPIRY_MS = 600;

presenceDirectoryConformance(
  'MemoryPresenceDirectory',
  async () => {
    const directory = new MemoryPresenceDirectory();
    return { directory, cleanup: () => directory.close() };
  },
  { nodes: 'one' },
);

describe.skipIf(!availableServices().redis)('RedisPresenceDirectory', () => {
  presenceDirectoryConformance(
    'RedisPresenceDirectory',
    async () => {
      const prefix = uniquePrefix();
      const nodes: RedisPresenceDirectory[] = [];
      const makeNode = async (nodeId: string) => {
        const node = await RedisPresenceDirectory.open({
          url: TEST_REDIS_URL,
          nodeId,
          prefix,
          expiryMs: EXPIRY_MS,
          onError: (err) => console.error(err),
        });
        nodes.push(node);
        return node;
      };
      const directory = await makeNode('first');
      return {
        directory,
        makeNode,
        async cleanup() {
          await Promise.all(nodes.map((node) => node.close()));
          const admin = adminClient();
          await deleteKeys(admin, prefix);
          admin.disconnect();
        },
      };
    },
    { nodes: 'several' },
  );

  describe('RedisPresenceDirectory: nodes that vanish, and Redis that forgets', () => {
    const tenant = 'tenant-1';
    let prefix: string;
    let admin: Redis;
    let proxy: RedisProxy | undefined;
    const clients: Redis[] = [];
    const nodes: RedisPresenceDirectory[] = [];

    beforeEach(() => {
      prefix = uniquePrefix();
      admin = adminClient();
    });

    afterEach(async () => {
      await Promise.all(nodes.splice(0).map((node) => node.close()));
      for (const client of clients.splice(0)) client.disconnect();
      await proxy?.close();
      proxy = undefined;
      expect(await deleteKeys(admin, prefix)).toBe(0); // every node cleaned up after itself
      admin.disconnect();
    });

    /** A node on its own connection, which the test may cut (through a proxy) or drop (a crash). */
    async function node(
      nodeId: string,
      options: { url?: string; expiryMs?: number; errors?: unknown[] } = {},
    ): Promise<{ directory: RedisPresenceDirectory; client: Redis; expired: string[] }> {
      const onError = (err: unknown) => options.errors?.push(err);
      const client = await connectRedis(options.url ?? TEST_REDIS_URL, {
        name: `test-${randomBytes(4).toString('hex')}`,
        onError,
      });
      clients.push(client);
      const directory = await RedisPresenceDirectory.attach(client, {
        nodeId,
        prefix,
        expiryMs: options.expiryMs ?? EXPIRY_MS,
        onError,
      });
      nodes.push(directory);
      const expired: string[] = [];
      directory.onExpired((t, user) => expired.push(`${t}/${user}`));
      return { directory, client, expired };
    }

    it('reaps a crashed node: each of its users offline everywhere is reported once, on one survivor', async () => {
      const crashed = await node('crashed');
      const survivors = [await node('survivor-b'), await node('survivor-c')];
      const alone = Array.from({ length: 20 }, (_, i) => `u${i}`);
      for (const user of alone) await crashed.directory.connected(tenant, user);
      // Also connected elsewhere: stays online, never reported.
      await crashed.directory.connected(tenant, 'shared');
      expect(await survivors[0]!.directory.connected(tenant, 'shared')).toBe(false);

      // The crash: no cleanup, no heartbeat, the connection just goes.
      crashed.client.disconnect();
      const started = Date.now();
      const reported = () => survivors.flatMap((s) => s.expired);
      await waitUntil(() => reported().length >= alone.length, 4000, 'the crashed node reaped');
      expect(Date.now() - started).toBeGreaterThanOrEqual(EXPIRY_MS - 250); // not before the expiry…
      await sleep(EXPIRY_MS); // …and not twice: let every survivor sweep again
      expect(reported().sort()).toEqual(alone.map((user) => `${tenant}/${user}`).sort());

      const online = await survivors[1]!.directory.online(tenant, [...alone, 'shared']);
      expect(online).toEqual(new Set(['shared']));
      expect(await admin.sismember(`${prefix}presence:nodes`, 'crashed')).toBe(0);
      expect(await admin.exists(`${prefix}presence:node:crashed:users`)).toBe(0);
      // The survivors are untouched.
      expect(await survivors[0]!.directory.disconnected(tenant, 'shared')).toBe(true);
    });

    it('re-asserts its counts after its keys were wiped', async () => {
      const a = await node('a');
      const b = await node('b');
      await a.directory.connected(tenant, 'u1');
      await a.directory.connected(tenant, 'u1');
      await a.directory.connected(tenant, 'u2');
      expect(await b.directory.online(tenant, ['u1', 'u2'])).toEqual(new Set(['u1', 'u2']));

      expect(await deleteKeys(admin, prefix)).toBeGreaterThan(0);
      expect(await b.directory.online(tenant, ['u1', 'u2'])).toEqual(new Set());
      await waitUntil(
        async () => (await b.directory.online(tenant, ['u1', 'u2'])).size === 2,
        EXPIRY_MS * 2,
        'the counts re-asserted',
      );
      // The counts themselves came back, not just a flag.
      expect(await a.directory.disconnected(tenant, 'u1')).toBe(false);
      expect(await a.directory.disconnected(tenant, 'u1')).toBe(true);
      expect(await a.directory.disconnected(tenant, 'u2')).toBe(true);
      expect(await b.directory.online(tenant, ['u1', 'u2'])).toEqual(new Set());
      expect(a.expired).toEqual([]);
    });

    it('while Redis is unreachable: answers at once from its own counts, then re-asserts them on reconnect', async () => {
      proxy = await startRedisProxy();
      const errors: unknown[] = [];
      // Expiry far longer than the outage: nobody reaps the node meanwhile.
      const a = await node('a', { url: proxy.url, expiryMs: 10_000, errors });
      const b = await node('b', { expiryMs: 10_000 });
      expect(await a.directory.connected(tenant, 'leaves')).toBe(true);
      expect(await a.directory.connected(tenant, 'stays')).toBe(true);
      await b.directory.connected(tenant, 'elsewhere');

      proxy.cut();
      await waitUntil(() => a.client.status !== 'ready');
      // These answer while Redis is still cut off (the proxy is restored only below), so none of
      // them waits for a reconnection.
      expect(await a.directory.connected(tenant, 'arrives')).toBe(false);
      expect(await a.directory.disconnected(tenant, 'leaves')).toBe(false);
      expect(await a.directory.online(tenant, ['leaves', 'stays', 'arrives', 'elsewhere'])).toEqual(
        new Set(['stays', 'arrives']),
      );

      proxy.restore();
      await waitUntil(
        async () => (await b.directory.online(tenant, ['arrives'])).size === 1,
        3000,
        'the counts re-asserted',
      );
      expect(await b.directory.online(tenant, ['leaves', 'stays', 'arrives', 'elsewhere'])).toEqual(
        new Set(['stays', 'arrives', 'elsewhere']),
      );
      // Left during the outage and offline everywhere: reported once it could be decided (the
      // report follows the re-assertion, so it is awaited rather than assumed).
      await waitUntil(() => a.expired.length > 0, 3000, 'the departure reported');
      expect(a.expired).toEqual([`${tenant}/leaves`]);
      expect(b.expired).toEqual([]);
      expect(await a.directory.disconnected(tenant, 'arrives')).toBe(true);
    });

    it('comes back after a partition longer than the expiry, during which another node reaped it', async () => {
      proxy = await startRedisProxy();
      const a = await node('a', { url: proxy.url });
      const b = await node('b');
      await a.directory.connected(tenant, 'u1');

      proxy.cut();
      await waitUntil(() => b.expired.length === 1, 4000, 'node a reaped');
      expect(b.expired).toEqual([`${tenant}/u1`]);
      expect(await b.directory.online(tenant, ['u1'])).toEqual(new Set());

      proxy.restore();
      await waitUntil(
        async () => (await b.directory.online(tenant, ['u1'])).size === 1,
        3000,
        'node a re-asserted',
      );
      expect(await a.directory.disconnected(tenant, 'u1')).toBe(true);
    });

    it('removes its counts on close and reports the users it leaves offline', async () => {
      const a = await node('a');
      const b = await node('b');
      await b.directory.connected(tenant, 'only-b');
      await b.directory.connected(tenant, 'both');
      await a.directory.connected(tenant, 'both');
      await b.directory.close();
      expect(b.expired).toEqual([`${tenant}/only-b`]);
      expect(await a.directory.online(tenant, ['only-b', 'both'])).toEqual(new Set(['both']));
      expect(await admin.sismember(`${prefix}presence:nodes`, 'b')).toBe(0);
    });

    it('forgets what an earlier process with the same node id left, and tells its first listener', async () => {
      const old = await node('reused');
      await old.directory.connected(tenant, 'ghost');
      old.client.disconnect(); // crashed, restarted at once with the same id

      const client = await connectRedis(TEST_REDIS_URL, { name: 'test-reused', onError: () => undefined });
      clients.push(client);
      const restarted = await RedisPresenceDirectory.attach(client, {
        nodeId: 'reused',
        prefix,
        expiryMs: EXPIRY_MS,
      });
      nodes.push(restarted);
      const expired: string[] = [];
      restarted.onExpired((t, user) => expired.push(`${t}/${user}`));
      expect(expired).toEqual([`${tenant}/ghost`]);
      expect(await restarted.online(tenant, ['ghost'])).toEqual(new Set());
    });

    it('rejects open with a clear message when Redis cannot be reached', async () => {
      await expect(
        RedisPresenceDirectory.open({
          url: 'redis://127.0.0.1:1',
          nodeId: 'x',
          prefix,
          connectTimeoutMs: 300,
          onError: () => undefined,
        }),
      ).rejects.toThrow(/^cannot reach Redis at 127\.0\.0\.1:1: ECONNREFUSED$/);
    });
  });
});
