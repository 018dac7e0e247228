import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '../support/cluster.js';
import {
  FAULT_NODE_ENV,
  clientFor,
  describeProblems,
  drainAndCheck,
  inBatches,
  makeThread,
  makeUsers,
  reconnects,
  restSend,
  printSummary,
} from '../support/fault-load.js';
import { History } from '../support/history.js';
import type { ResumingClient } from '../support/resuming-client.js';
import { availableServices } from '../support/services.js';

const CLIENTS = 2000;
const PER_THREAD = 8; // so 250 threads

/**
 * 2,000 WebSocket clients over two nodes lose their connections at the same
 * moment (node 1 is killed and every client of node 0 has its socket cut),
 * and all reconnect at once with their resume state while messages are sent
 * into every thread. All get `ready` again and receive each missed message
 * exactly once; the surviving node keeps answering during the storm.
 */
describe.skipIf(!availableServices().postgres || !availableServices().redis)('a reconnect storm', () => {
  let cluster: Cluster;
  let clients: ResumingClient[] = [];

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

  it('2,000 clients reconnect at once, all resume exactly, the server stays responsive', async () => {
    const setupStarted = performance.now();
    const users = await makeUsers(
      cluster.nodes.map((n) => n.api),
      'storm',
      CLIENTS,
      32,
    );
    const threads = await inBatches(CLIENTS / PER_THREAD, 16, (t) =>
      makeThread(
        cluster.node(t % 2).api,
        users.slice(t * PER_THREAD, (t + 1) * PER_THREAD).map((u) => u.id),
      ),
    );
    const threadIds = threads.map((t) => t.id);
    const threadOf = (i: number) => threadIds[Math.floor(i / PER_THREAD)]!;
    // Reconnections go out almost at once: the first delay is at most 50 ms.
    clients = users.map((u, i) =>
      clientFor(cluster, u, i % 2, [threadOf(i)], { backoff: { initialMs: 50, maxMs: 2000 } }),
    );
    await inBatches(clients.length, 100, (i) => clients[i]!.start());
    const history = new History();
    // One message per thread before the storm, so that every client has something to resume from.
    await inBatches(threadIds.length, 16, (t) =>
      restSend(cluster, 0, cluster.apiKey, threadIds[t]!, 'before', `before-${t}`, history),
    );
    const before = await drainAndCheck(cluster, history, clients, threadIds);
    expect(before.problems, describeProblems(before.problems)).toEqual([]);
    const setupMs = performance.now() - setupStarted;

    // The storm: every connection drops at the same moment.
    const onNode0 = clients.filter((c) => c.url === cluster.node(0).wsUrl);
    const stormAt = performance.now();
    const killed = cluster.kill(1, 'SIGKILL');
    for (const client of onNode0) client.drop();
    await killed;

    // During it: a health check, and a message into every thread (the gap every client must get once).
    const healthStarted = performance.now();
    const health = await fetch(`${cluster.node(0).url}/healthz`, { signal: AbortSignal.timeout(10_000) });
    const healthMs = performance.now() - healthStarted;
    const sendStarted = performance.now();
    await restSend(cluster, 0, cluster.apiKey, threadIds[0]!, 'during', 'during-0', history, {
      // It must succeed at the first try: give that try all the time the storm may take.
      attemptTimeoutMs: 30_000,
      deadlineMs: 30_000,
    });
    const firstSendMs = performance.now() - sendStarted;
    await inBatches(threadIds.length - 1, 16, (t) =>
      restSend(cluster, 0, cluster.apiKey, threadIds[t + 1]!, 'during', `during-${t + 1}`, history),
    );
    const gapSentMs = performance.now() - stormAt;

    await Promise.all(
      clients.map((c) => c.until(() => c.readies >= 2 && c.state === 'connected', 60_000, 'ready again')),
    );
    const allReadyMs = performance.now() - stormAt;
    const { problems } = await drainAndCheck(cluster, history, clients, threadIds, 60_000);
    const settledMs = performance.now() - stormAt;

    const s = history.summary();
    printSummary(
      `[reconnect-storm] ${clients.length} clients in ${threadIds.length} threads (set up in ${Math.round(setupMs)} ms); ` +
        `reconnects ${reconnects(clients)}, refused reconnection attempts ${clients.reduce((n, c) => n + c.closeCodes.length, 0) - clients.length}; ` +
        `all ready again after ${Math.round(allReadyMs)} ms, all caught up after ${Math.round(settledMs)} ms; ` +
        `during the storm /healthz ${health.status} in ${Math.round(healthMs)} ms, first send ${Math.round(firstSendMs)} ms, ` +
        `${threadIds.length} gap messages sent within ${Math.round(gapSentMs)} ms; messages ${s.messages}, acked ${s.acked}, ` +
        `failed attempts ${s.failedAttempts}, resyncs ${clients.reduce((n, c) => n + c.resyncs.length, 0)}`,
    );
    expect(health.status).toBe(200);
    expect(
      history.ops.filter((o) => o.clientMessageId === 'during-0').map((o) => o.outcome?.kind),
      'the first send during the storm',
    ).toEqual(['ok']);
    expect(problems, describeProblems(problems)).toEqual([]);
    expect(s.acked).toBe(s.messages);
    for (const client of clients) expect(client.url).toBe(cluster.node(0).wsUrl);
  });
});
