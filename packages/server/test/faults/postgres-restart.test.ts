import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '../support/cluster.js';
import {
  FAULT_NODE_ENV,
  describeProblems,
  drainAndCheck,
  readyz,
  reconnects,
  setUpChat,
  startLoad,
  waitForReadyz,
  type RestAttempt,
  printSummary,
} from '../support/fault-load.js';
import type { ResumingClient } from '../support/resuming-client.js';
import { restoreServicesAfterAll, startPostgres, stopPostgres } from '../support/service-control.js';
import { availableServices } from '../support/services.js';

/** How long PostgreSQL stays down after it stopped answering. */
const OUTAGE_MS = 3000;
/**
 * "Fail fast": a refused send never waits longer than the store's connect
 * timeout (3 s), rather than hanging until TCP gives up. Here, on loopback,
 * refusals take milliseconds (the summary prints them); the bound is the
 * designed one, so a loaded machine cannot make it flaky.
 */
const FAIL_FAST_MS = 3000;

/**
 * Two nodes under a stream of messages; PostgreSQL stops for a few seconds.
 * Sends are refused at once with 503 service_unavailable, /readyz is 503,
 * nothing is half-written; once the database is back the nodes recover on
 * their own and the retried sends are stored exactly once.
 */
describe.skipIf(!availableServices().postgres || !availableServices().redis)(
  'PostgreSQL stopped mid-stream',
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

    it('fails sends fast while down, recovers by itself, stores each retried send once', async () => {
      const setup = await setUpChat(cluster, 8, 2);
      clients.push(...setup.clients);
      const attempts: (RestAttempt & { at: number })[] = [];
      const load = startLoad(cluster, setup, 500, {
        rest: { onAttempt: (a) => attempts.push({ ...a, at: Date.now() - a.ms }) },
      });
      const nodes = cluster.nodes;

      await load.ackedMore(500);
      const stopping = Date.now();
      await stopPostgres();
      const downAt = Date.now();
      const readyzDown = await Promise.all(nodes.map((n) => readyz(n.url)));
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
      const restartAt = Date.now();
      await startPostgres();
      const upAt = Date.now();
      const readyAgainMs = await Promise.all(nodes.map((n) => waitForReadyz(n.url, 200, 20_000)));

      await load.ackedMore(500);
      await load.stop();
      const { problems } = await drainAndCheck(cluster, load.history, setup.clients, setup.threads);

      // REST attempts made during the whole outage: shutting down, down, starting up.
      const during = attempts.filter((a) => a.at >= stopping && a.at + a.ms < upAt);
      const refused = during.filter((a) => a.status !== 201 && a.status !== 200);
      const slowest = Math.max(0, ...refused.map((a) => a.ms));
      const wsFailures = load.history
        .failures(stopping, upAt)
        .filter((o) => o.via === 'ws')
        .map((o) => (o.outcome?.kind === 'fail' ? o.outcome.error : ''));
      const retried = new Set(load.history.failures().map((o) => `${o.threadId}/${o.clientMessageId}`)).size;
      const s = load.history.summary();
      printSummary(
        `[postgres-restart] ${s.messages} messages, acked ${s.acked}, attempts ${s.attempts}, failed attempts ${s.failedAttempts}, ` +
          `messages retried ${retried}; PostgreSQL stopping ${downAt - stopping} ms, stopped ${restartAt - downAt} ms, ` +
          `starting ${upAt - restartAt} ms; ` +
          `REST sends refused during the outage ${refused.length} (slowest ${Math.round(slowest)} ms, ` +
          `median ${Math.round(median(refused.map((a) => a.ms)))} ms), WebSocket send errors ${wsFailures.length}; ` +
          `/readyz while down ${readyzDown.join('/')}, 200 again ${readyAgainMs.join('/')} ms after start; ` +
          `reconnects ${reconnects(setup.clients)}`,
      );

      expect(readyzDown).toEqual(nodes.map(() => 503));
      expect(refused.length, 'REST sends were attempted during the outage').toBeGreaterThan(0);
      for (const a of refused) {
        expect(a, 'a refused send during the outage').toMatchObject({
          status: 503,
          code: 'service_unavailable',
        });
        expect(a.retryAfter, 'Retry-After on a 503').not.toBeNull();
        expect(a.ms, 'a refused send answers fast').toBeLessThanOrEqual(FAIL_FAST_MS);
      }
      expect(new Set(wsFailures), 'WebSocket send errors during the outage').toEqual(
        new Set(wsFailures.length > 0 ? ['service_unavailable'] : []),
      );
      expect(problems, describeProblems(problems)).toEqual([]);
      expect(s.acked).toBe(s.messages);
      expect(nodes.every((n) => cluster.isRunning(n.index) && n.exits.length === 0)).toBe(true);
    });
  },
);

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
