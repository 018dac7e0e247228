import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EphemeralEvent, ThreadEvent } from '@parley/protocol';
import { Cluster } from '../support/cluster.js';
import {
  FAULT_NODE_ENV,
  clientFor,
  describeProblems,
  drainAndCheck,
  makeThread,
  makeUsers,
  reconnects,
  setUpChat,
  startLoad,
  waitForReadyz,
  printSummary,
} from '../support/fault-load.js';
import type { ResumingClient } from '../support/resuming-client.js';
import { availableServices } from '../support/services.js';

/**
 * Two nodes under a stream of messages; one is killed with SIGKILL in the
 * middle. Its clients reconnect to the other node and resume, and nothing
 * acknowledged is lost, duplicated or reordered. Then the node comes back and
 * users on the two nodes chat, see each other's presence and typing.
 */
describe.skipIf(!availableServices().postgres || !availableServices().redis)(
  'a node killed mid-stream',
  () => {
    let cluster: Cluster;
    const clients: ResumingClient[] = [];

    beforeAll(async () => {
      cluster = await Cluster.start({ nodes: 2, env: FAULT_NODE_ENV });
    });
    afterAll(async () => {
      for (const client of clients) client.stop();
      await cluster?.stop();
    });
    afterEach((context) => {
      if (context.task.result?.state === 'fail') console.error(cluster.logs());
    });

    it('loses, duplicates and reorders nothing; its clients resume on the other node', async () => {
      const setup = await setUpChat(cluster, 8, 2);
      clients.push(...setup.clients);
      const onNode1 = setup.clients.filter((c) => c.url === cluster.node(1).wsUrl);
      expect(onNode1.length).toBeGreaterThan(0);

      const load = startLoad(cluster, setup, 500);
      const started = performance.now();
      await load.ackedMore(600);
      const killedAt = performance.now();
      await cluster.kill(1, 'SIGKILL');
      await load.ackedMore(1500);
      await load.stop();
      const streamedMs = performance.now() - started;

      const { problems } = await drainAndCheck(cluster, load.history, setup.clients, setup.threads);
      const s = load.history.summary();
      printSummary(
        `[node-kill] ${s.messages} messages in ${Math.round(streamedMs)} ms (${Math.round((s.messages * 1000) / streamedMs)}/s), ` +
          `acked ${s.acked}, attempts ${s.attempts}, failed attempts ${s.failedAttempts}, ` +
          `killed node-1 after ${Math.round(killedAt - started)} ms, clients ${setup.clients.length} ` +
          `(${onNode1.length} on node-1), reconnects ${reconnects(setup.clients)}, resyncs ${setup.clients.reduce((n, c) => n + c.resyncs.length, 0)}`,
      );
      expect(problems, describeProblems(problems)).toEqual([]);
      expect(s.acked).toBe(s.messages);
      // The killed node's clients came back on node 0 and resumed there.
      for (const client of onNode1) {
        expect(client.readies, client.name).toBeGreaterThanOrEqual(2);
        expect(client.url, client.name).toBe(cluster.node(0).wsUrl);
      }
    });

    it('after the node restarts, users on different nodes chat, see presence and typing', async () => {
      await cluster.restart(1);
      await waitForReadyz(cluster.node(1).url, 200);
      const [alice, bob] = (await makeUsers(cluster.node(0).api, 'pair', 2)) as [
        { id: string; token: string },
        { id: string; token: string },
      ];
      const thread = await makeThread(cluster.node(0).api, [alice.id, bob.id]);
      const a = clientFor(cluster, alice, 0, [thread.id]);
      const b = clientFor(cluster, bob, 1, [thread.id]);
      clients.push(a, b);
      await a.start();
      await b.start();
      expect(a.url).toBe(cluster.node(0).wsUrl);
      expect(b.url).toBe(cluster.node(1).wsUrl);

      const presence = (client: ResumingClient, userId: string, status: 'online' | 'offline') =>
        client.until(
          () =>
            client.ephemeral.some((e) => e.type === 'presence' && e.userId === userId && e.status === status),
          5000,
          `presence ${userId} ${status}`,
        );
      // Bob came online on node 1: Alice on node 0 hears of it; Bob's ready lists Alice online.
      await presence(a, bob.id, 'online');
      expect(b.ready?.presence).toContainEqual({ userId: alice.id, status: 'online' });

      // Typing crosses nodes both ways and is not echoed to the typist.
      a.typing(thread.id);
      await b.until(() => isTypingFrom(b.ephemeral, alice.id), 5000, 'typing from alice');
      b.typing(thread.id);
      await a.until(() => isTypingFrom(a.ephemeral, bob.id), 5000, 'typing from bob');
      expect(isTypingFrom(a.ephemeral, alice.id)).toBe(false);

      // Messages cross nodes both ways, live.
      const latencies: number[] = [];
      for (const [from, to, text] of [
        [a, b, 'hi bob'],
        [b, a, 'hi alice'],
      ] as const) {
        const sentAt = performance.now();
        const message = await from.send(thread.id, text, `${from.name}-1`);
        await to.until(() => hasMessage(to.events(thread.id), message.id), 5000, `message ${message.id}`);
        latencies.push(performance.now() - sentAt);
        // The sender's other connections, and this one, get it as well.
        await from.until(() => hasMessage(from.events(thread.id), message.id), 5000, `own ${message.id}`);
      }

      // Bob leaves: Alice on the other node sees him go offline.
      b.stop();
      await presence(a, bob.id, 'offline');
      printSummary(
        `[node-kill] after restart: cross-node message latency ${latencies.map((ms) => `${Math.round(ms)} ms`).join(', ')}; presence and typing crossed nodes`,
      );
      expect([...a.problems, ...b.problems]).toEqual([]);
    });
  },
);

function isTypingFrom(events: EphemeralEvent[], userId: string): boolean {
  return events.some((e) => e.type === 'typing' && e.userId === userId);
}

function hasMessage(events: ThreadEvent[], messageId: string): boolean {
  return events.some((e) => e.type === 'message.created' && e.message.id === messageId);
}
