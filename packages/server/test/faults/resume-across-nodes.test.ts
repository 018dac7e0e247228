import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '../support/cluster.js';
import {
  FAULT_NODE_ENV,
  clientFor,
  describeProblems,
  drainAndCheck,
  makeThread,
  makeUsers,
  printSummary,
  restSend,
} from '../support/fault-load.js';
import { History } from '../support/history.js';
import { ResumingClient } from '../support/resuming-client.js';
import { availableServices } from '../support/services.js';

const RESUMES = 60;
const WRITERS = 4;

/**
 * The narrowest form of what the node-kill suite checks: a client resumes
 * again and again, alternating between two nodes, while messages stream into
 * its thread from both nodes and another follower keeps the thread's channel
 * open on each node. The replay (read from the Store) and the live events
 * (from the bus, which may lag the Store) must join without a duplicate or a gap.
 */
describe.skipIf(!availableServices().postgres || !availableServices().redis)('resume across nodes', () => {
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

  it('a client resuming while both nodes write sees every position once', async () => {
    const users = await makeUsers(cluster.node(0).api, 'resume', WRITERS + 3);
    const writers = users.slice(0, WRITERS);
    const [resumer, ...keepers] = users.slice(WRITERS) as [(typeof users)[0], ...typeof users];
    const thread = await makeThread(
      cluster.node(0).api,
      users.map((u) => u.id),
    );
    // The resumer always comes back to node 0; the writers write through node 1.
    const client = new ResumingClient({
      name: resumer.id,
      urls: () => [cluster.node(0).wsUrl],
      token: () => resumer.token,
      threads: [thread.id],
      backoff: { initialMs: 1, maxMs: 1 },
    });
    clients.push(client, ...keepers.map((u, i) => clientFor(cluster, u, i % 2, [thread.id])));
    await Promise.all(clients.map((c) => c.start()));

    const history = new History();
    let running = true;
    const writing = Promise.all(
      writers.map(async (writer, w) => {
        for (let n = 0; running; n++) {
          await restSend(cluster, 1, writer.token, thread.id, `w${w}-${n}`, `w${w}-${n}`, history);
        }
      }),
    );
    for (let i = 0; i < RESUMES; i++) {
      const readies = client.readies;
      client.drop();
      await client.until(() => client.readies > readies, 10_000, 'ready after a drop');
      // Let some live traffic through before the next drop.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    running = false;
    await writing;

    const { problems } = await drainAndCheck(cluster, history, clients, [thread.id]);
    printSummary(
      `[resume-across-nodes] ${client.readies - 1} resumes, ${history.summary().acked} messages, ` +
        `${problems.length} problems`,
    );
    expect(problems, describeProblems(problems)).toEqual([]);
  });
});
