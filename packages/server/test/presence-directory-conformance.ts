import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PresenceDirectory } from '../src/core/ports/presence-directory.js';

/** What a conformance run needs from an adapter. */
export interface PresenceDirectories {
  /** The first node of a fresh directory that no other test uses. */
  directory: PresenceDirectory;
  /**
   * Opens another node sharing the first one's service. Absent for an
   * adapter with a single node (in-process), which declares so to the suite:
   * the multi-node clauses are then not part of its run.
   */
  makeNode?: (nodeId: string) => Promise<PresenceDirectory>;
  /** Closes every node and removes what the test left behind. */
  cleanup(): Promise<void>;
}

/**
 * The PresenceDirectory contract (src/core/ports/presence-directory.ts),
 * clause by clause, for any adapter, through the port only. The clauses about
 * nodes that vanish or lose the service need a way to make that happen and
 * live with each adapter's own tests.
 */
export function presenceDirectoryConformance(
  name: string,
  makeDirectories: () => Promise<PresenceDirectories>,
  options: { nodes: 'one' | 'several' },
): void {
  describe(`PresenceDirectory conformance: ${name}`, () => {
    let fixture: PresenceDirectories;
    let directory: PresenceDirectory;
    let seq = 0;
    // Ids unique per test, so an adapter whose service outlives a test cannot leak one test into another.
    const id = (label: string) => `${label}-${process.pid}-${Date.now().toString(36)}-${++seq}`;

    beforeEach(async () => {
      fixture = await makeDirectories();
      directory = fixture.directory;
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    /** Another node of the adapter under test (multi-node clauses only). */
    async function secondNode(): Promise<PresenceDirectory> {
      if (!fixture.makeNode) throw new Error(`${name} declared several nodes but has no makeNode`);
      return fixture.makeNode(id('node'));
    }

    it('reports a user online on their first connection only', async () => {
      const tenant = id('tenant');
      const user = id('user');
      expect(await directory.connected(tenant, user)).toBe(true);
      expect(await directory.connected(tenant, user)).toBe(false);
      expect(await directory.connected(tenant, user)).toBe(false);
    });

    it('reports a user offline on their last disconnection only', async () => {
      const tenant = id('tenant');
      const user = id('user');
      await directory.connected(tenant, user);
      await directory.connected(tenant, user);
      expect(await directory.disconnected(tenant, user)).toBe(false);
      expect(await directory.disconnected(tenant, user)).toBe(true);
    });

    it('reports nothing for a user without connections, and does not count below zero', async () => {
      const tenant = id('tenant');
      const user = id('user');
      expect(await directory.disconnected(tenant, user)).toBe(false);
      expect(await directory.disconnected(tenant, user)).toBe(false);
      expect(await directory.connected(tenant, user)).toBe(true);
      expect(await directory.disconnected(tenant, user)).toBe(true);
      expect(await directory.disconnected(tenant, user)).toBe(false);
    });

    it('reports a user online again after they went offline', async () => {
      const tenant = id('tenant');
      const user = id('user');
      expect(await directory.connected(tenant, user)).toBe(true);
      expect(await directory.disconnected(tenant, user)).toBe(true);
      expect(await directory.connected(tenant, user)).toBe(true);
      expect(await directory.online(tenant, [user])).toEqual(new Set([user]));
    });

    it('lists exactly the online users among those asked', async () => {
      const tenant = id('tenant');
      const [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'].map(id) as [
        string,
        string,
        string,
        string,
      ];
      await directory.connected(tenant, alice);
      await directory.connected(tenant, bob);
      await directory.connected(tenant, bob);
      await directory.connected(tenant, carol);
      await directory.disconnected(tenant, carol);
      await directory.disconnected(tenant, bob);
      expect(await directory.online(tenant, [alice, bob, carol, dave])).toEqual(new Set([alice, bob]));
      expect(await directory.online(tenant, [dave])).toEqual(new Set());
      expect(await directory.online(tenant, [])).toEqual(new Set());
    });

    it('counts per tenant: the same user id in two tenants is two users', async () => {
      const [tenantA, tenantB] = [id('tenant-a'), id('tenant-b')];
      const user = id('user');
      expect(await directory.connected(tenantA, user)).toBe(true);
      expect(await directory.connected(tenantB, user)).toBe(true);
      expect(await directory.online(tenantB, [user])).toEqual(new Set([user]));
      expect(await directory.disconnected(tenantA, user)).toBe(true);
      expect(await directory.online(tenantA, [user])).toEqual(new Set());
      expect(await directory.online(tenantB, [user])).toEqual(new Set([user]));
    });

    it('treats ids as opaque: separators and unicode never make two users one', async () => {
      const base = id('t');
      // "a:b" + "c" and "a" + "b:c" would collide in a naive "tenant:user" key.
      expect(await directory.connected(`${base}:x`, 'y')).toBe(true);
      expect(await directory.connected(base, 'x:y')).toBe(true);
      expect(await directory.connected(base, 'ünï "quoted" ✓')).toBe(true);
      expect(await directory.online(base, ['x:y', 'ünï "quoted" ✓', 'x'])).toEqual(
        new Set(['x:y', 'ünï "quoted" ✓']),
      );
      expect(await directory.disconnected(`${base}:x`, 'y')).toBe(true);
      expect(await directory.online(base, ['x:y'])).toEqual(new Set(['x:y']));
    });

    it('sees each transition once under concurrent calls on one node', async () => {
      const tenant = id('tenant');
      const user = id('user');
      const ups = await Promise.all(Array.from({ length: 20 }, () => directory.connected(tenant, user)));
      expect(ups.filter(Boolean)).toHaveLength(1);
      const downs = await Promise.all(Array.from({ length: 20 }, () => directory.disconnected(tenant, user)));
      expect(downs.filter(Boolean)).toHaveLength(1);
      expect(await directory.online(tenant, [user])).toEqual(new Set());
    });

    // Registered only for adapters with several nodes: for the others these clauses do not apply.
    if (options.nodes === 'several')
      describe('several nodes', () => {
        it('keeps a user online while connected on any node', async () => {
          const other = await secondNode();
          const tenant = id('tenant');
          const user = id('user');
          expect(await directory.connected(tenant, user)).toBe(true);
          expect(await other.connected(tenant, user)).toBe(false);
          expect(await other.online(tenant, [user])).toEqual(new Set([user]));
          expect(await directory.disconnected(tenant, user)).toBe(false);
          expect(await directory.online(tenant, [user])).toEqual(new Set([user]));
          expect(await other.disconnected(tenant, user)).toBe(true);
          expect(await directory.online(tenant, [user])).toEqual(new Set());
          expect(await other.online(tenant, [user])).toEqual(new Set());
        });

        it('does not let one node take back connections it never counted', async () => {
          const other = await secondNode();
          const tenant = id('tenant');
          const user = id('user');
          expect(await directory.connected(tenant, user)).toBe(true);
          expect(await other.disconnected(tenant, user)).toBe(false);
          expect(await other.online(tenant, [user])).toEqual(new Set([user]));
          expect(await directory.disconnected(tenant, user)).toBe(true);
        });

        it('never lets concurrent calls on several nodes both see the same transition', async () => {
          const nodes = [directory, await secondNode(), await secondNode()];
          const tenant = id('tenant');
          const users = Array.from({ length: 30 }, () => id('user'));
          for (let round = 0; round < 3; round++) {
            // Every user connects twice on every node at once: exactly one call per user sees them come online.
            const ups = await Promise.all(
              users.flatMap((user) =>
                nodes.flatMap((node) => [node.connected(tenant, user), node.connected(tenant, user)]),
              ),
            );
            expect(ups.filter(Boolean)).toHaveLength(users.length);
            expect(await nodes[1]!.online(tenant, users)).toEqual(new Set(users));
            const downs = await Promise.all(
              users.flatMap((user) =>
                nodes.flatMap((node) => [node.disconnected(tenant, user), node.disconnected(tenant, user)]),
              ),
            );
            expect(downs.filter(Boolean)).toHaveLength(users.length);
            expect(await nodes[2]!.online(tenant, users)).toEqual(new Set());
          }
        });

        it('reports no expiry while every node is alive', async () => {
          const other = await secondNode();
          const expired: string[] = [];
          directory.onExpired((_, user) => expired.push(user));
          other.onExpired((_, user) => expired.push(user));
          const tenant = id('tenant');
          const user = id('user');
          await directory.connected(tenant, user);
          await other.connected(tenant, user);
          await directory.disconnected(tenant, user);
          await other.disconnected(tenant, user);
          await new Promise((resolve) => setTimeout(resolve, 100));
          expect(expired).toEqual([]);
        });
      });
  });
}
