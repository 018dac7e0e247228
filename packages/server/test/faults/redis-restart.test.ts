import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '../support/cluster.js';
import {
  FAULT_NODE_ENV,
  describeProblems,
  drainAndCheck,
  reconnects,
  setUpChat,
  startLoad,
  waitForReadyz,
  printSummary,
} from '../support/fault-load.js';
import type { ResumingClient } from '../support/resuming-client.js';
import { restoreServicesAfterAll, startRedis, stopRedis } from '../support/service-control.js';
import { availableServices } from '../support/services.js';

/** How long Redis stays down once both nodes have noticed. */
const OUTAGE_MS = 2000;

/**
 * Two nodes under a stream of messages; Redis (bus, presence, rate limits) is
 * shut down without saving and started again. Delivery resumes without help,
 * every client ends with exactly the stored stream, nothing acknowledged is
 * lost, and /readyz says not-ready while Redis is away.
 */
describe.skipIf(!availableServices().postgres || !availableServices().redis)(
  'Redis restarted mid-stream',
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
    // Registered after the cluster's afterAll, so it runs before it: the database is back to be dropped.
    restoreServicesAfterAll();
    afterEach((context) => {
      if (context.task.result?.state === 'fail') console.error(cluster.logs());
    });

    it('delivery resumes by itself and every client catches up exactly', async () => {
      const setup = await setUpChat(cluster, 8, 2);
      clients.push(...setup.clients);
      const load = startLoad(cluster, setup, 500);
      const nodes = cluster.nodes;

      await load.ackedMore(500);
      const ackedBefore = load.acked();
      const downAt = performance.now();
      await stopRedis();
      // Both nodes notice, and the outage lasts a while after that.
      const [noticedMs] = await Promise.all([
        Promise.all(nodes.map((n) => waitForReadyz(n.url, 503, 10_000))),
        new Promise((resolve) => setTimeout(resolve, OUTAGE_MS)),
      ]);
      const ackedDuringOutage = load.acked() - ackedBefore;
      await startRedis();
      const upAt = performance.now();
      const readyAgainMs = await Promise.all(nodes.map((n) => waitForReadyz(n.url, 200, 20_000)));

      // Traffic goes on after the restart, then everything is checked.
      await load.ackedMore(500);
      await load.stop();
      const { problems } = await drainAndCheck(cluster, load.history, setup.clients, setup.threads);
      const s = load.history.summary();
      printSummary(
        `[redis-restart] ${s.messages} messages, acked ${s.acked}, attempts ${s.attempts}, failed attempts ${s.failedAttempts}; ` +
          `Redis down ${Math.round(upAt - downAt)} ms, acked during the outage ${ackedDuringOutage}; ` +
          `/readyz 503 after ${noticedMs.map(Math.round).join('/')} ms, 200 again ${readyAgainMs.map(Math.round).join('/')} ms after start; ` +
          `clients ${setup.clients.length}, reconnects ${reconnects(setup.clients)}`,
      );
      expect(problems, describeProblems(problems)).toEqual([]);
      expect(s.acked).toBe(s.messages);
      // No node had to be restarted.
      expect(nodes.every((n) => cluster.isRunning(n.index) && n.exits.length === 0)).toBe(true);
    });
  },
);
