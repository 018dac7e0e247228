import type { Message, Thread } from '@parley/protocol';
import type { Cluster } from './cluster.js';
import { checkHistory, describeProblems, fetchStored, History, type StoredThread } from './history.js';
import { jitter, ResumingClient } from './resuming-client.js';
import { createUserWithToken, type Api } from './server.js';
import { uid } from './fixtures.js';

/**
 * The workload the fault suites share: a few threads on a cluster, each with
 * a WebSocket sender, a REST sender and subscribers spread over the nodes;
 * senders that stream messages at a target rate, retrying every message with
 * its clientMessageId until acknowledged; and the final drain and check.
 */

/** Node settings for the fault suites: no rate limit in the way, quick catch-up. */
export const FAULT_NODE_ENV: Record<string, string> = {
  PARLEY_USER_SEND_RATE: '1000000',
  PARLEY_THREAD_SEND_RATE: '1000000',
  PARLEY_CATCH_UP_INTERVAL_MS: '500',
};

export interface User {
  id: string;
  token: string;
}

/** Creates `count` users (with tokens), `concurrency` at a time, spread over the given nodes' APIs. */
export async function makeUsers(
  api: Api | Api[],
  prefix: string,
  count: number,
  concurrency = 16,
): Promise<User[]> {
  const apis = Array.isArray(api) ? api : [api];
  return inBatches(count, concurrency, (i) => createUserWithToken(apis[i % apis.length]!, uid(prefix)));
}

/** Runs `make(i)` for i in 0..count-1, at most `concurrency` at a time; results in order. */
export async function inBatches<T>(
  count: number,
  concurrency: number,
  make: (i: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await make(i);
      }
    }),
  );
  return results;
}

/** Creates a thread with the admin key; the users are its members. */
export async function makeThread(api: Api, userIds: string[]): Promise<Thread> {
  const res = await api<Thread>('POST', '/v1/threads', {
    body: { topic: 'fault', participants: userIds.map((userId) => ({ userId })) },
  });
  if (res.status !== 201) throw new Error(`create thread: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The WebSocket URLs of the cluster's nodes, starting with node `first`. */
export function nodeUrls(cluster: Cluster, first: number): () => string[] {
  return () => {
    const urls = cluster.nodes.map((n) => n.wsUrl);
    return [...urls.slice(first), ...urls.slice(0, first)];
  };
}

/** A resuming client for `user` on the cluster, starting at node `first`, replaying `threads` from 0. */
export function clientFor(
  cluster: Cluster,
  user: User,
  first: number,
  threads: string[],
  options: { backoff?: { initialMs: number; maxMs: number } } = {},
): ResumingClient {
  return new ResumingClient({
    name: user.id,
    urls: nodeUrls(cluster, first),
    token: () => user.token,
    threads,
    ...(options.backoff && { backoff: options.backoff }),
    refetch: async (threadId) => {
      const res = await anyNodeApi(cluster)<Thread>('GET', `/v1/threads/${threadId}`);
      return res.body.lastPosition;
    },
  });
}

/** An Api on the first running node. */
export function anyNodeApi(cluster: Cluster): Api {
  const node = cluster.nodes.find((n) => cluster.isRunning(n.index));
  if (!node) throw new Error('no node is running');
  return node.api;
}

export interface RestAttempt {
  status: number | null;
  code: string | null;
  retryAfter: string | null;
  ms: number;
}

/**
 * Sends a message over REST as `auth` (a user token or API key), retrying with the same clientMessageId until
 * acknowledged (201, or 200 for a replay). A refused connection moves to the
 * next node; an error status retries on the same node. Every attempt is
 * recorded in `history`, and passed to `onAttempt` with its timing.
 */
export async function restSend(
  cluster: Cluster,
  first: number,
  auth: string,
  threadId: string,
  content: string,
  clientMessageId: string,
  history: History,
  options: {
    attemptTimeoutMs?: number;
    retryDelayMs?: number;
    deadlineMs?: number;
    onAttempt?: (a: RestAttempt) => void;
  } = {},
): Promise<Message> {
  const deadline = Date.now() + (options.deadlineMs ?? 60_000);
  let index = first;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`REST ${clientMessageId}: not acknowledged in time`);
    const node = cluster.node(index % cluster.nodes.length);
    const op = history.invoke({ clientMessageId, threadId, node: node.url, via: 'rest' });
    const started = performance.now();
    let attempt: RestAttempt;
    try {
      const response = await fetch(`${node.url}/v1/threads/${threadId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
        body: JSON.stringify({ content, clientMessageId }),
        signal: AbortSignal.timeout(options.attemptTimeoutMs ?? 5000),
      });
      const body = (await response.json()) as Message | { error: { code: string } };
      attempt = {
        status: response.status,
        code: 'error' in body ? body.error.code : null,
        retryAfter: response.headers.get('retry-after'),
        ms: performance.now() - started,
      };
      options.onAttempt?.(attempt);
      if (response.status === 201 || response.status === 200) {
        history.ok(op, body as Message);
        return body as Message;
      }
      history.fail(op, attempt.code ?? `status ${response.status}`, response.status);
      if (response.status < 500 && response.status !== 429) {
        throw new Error(`REST ${clientMessageId}: ${response.status} ${JSON.stringify(body)}`);
      }
    } catch (err) {
      if (op.outcome?.kind === 'fail' && op.outcome.status !== undefined && op.outcome.status < 500)
        throw err;
      if (op.outcome === undefined) {
        // No answer: the node is gone or did not answer in time; the message may or may not be stored.
        const reason =
          err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
        history.fail(op, `network: ${reason}`);
        options.onAttempt?.({ status: null, code: null, retryAfter: null, ms: performance.now() - started });
        index++;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, jitter(options.retryDelayMs ?? 100)));
  }
}

export interface ChatSetup {
  threads: string[];
  /** Per thread: the user who sends over WebSocket (its client is in `clients`), and the one over REST. */
  wsSenders: Map<string, { user: User; client: ResumingClient }>;
  restSenders: Map<string, User>;
  /** Every connected client: the WebSocket senders and the subscribers. */
  clients: ResumingClient[];
}

/**
 * `threadCount` threads, each with a WebSocket sender, a REST sender and
 * `subscribersPerThread` subscribers; clients alternate between the nodes and
 * replay their threads from position 0, so each stream must equal the whole
 * stored stream.
 */
export async function setUpChat(
  cluster: Cluster,
  threadCount: number,
  subscribersPerThread: number,
): Promise<ChatSetup> {
  const api = cluster.node(0).api;
  const perThread = 2 + subscribersPerThread;
  const users = await makeUsers(api, 'fault', threadCount * perThread);
  const threads: string[] = [];
  const wsSenders = new Map<string, { user: User; client: ResumingClient }>();
  const restSenders = new Map<string, User>();
  const clients: ResumingClient[] = [];
  const nodes = cluster.nodes.length;
  for (let t = 0; t < threadCount; t++) {
    const members = users.slice(t * perThread, (t + 1) * perThread);
    const thread = await makeThread(
      api,
      members.map((u) => u.id),
    );
    threads.push(thread.id);
    const [wsUser, restUser, ...subscribers] = members as [User, User, ...User[]];
    const wsClient = clientFor(cluster, wsUser, t % nodes, [thread.id]);
    wsSenders.set(thread.id, { user: wsUser, client: wsClient });
    restSenders.set(thread.id, restUser);
    clients.push(
      wsClient,
      ...subscribers.map((u, i) => clientFor(cluster, u, (t + i + 1) % nodes, [thread.id])),
    );
  }
  await Promise.all(clients.map((c) => c.start()));
  return { threads, wsSenders, restSenders, clients };
}

export interface Load {
  history: History;
  /** Messages acknowledged so far. */
  acked(): number;
  /** Resolves once `n` more messages than now have been acknowledged. */
  ackedMore(n: number, timeoutMs?: number): Promise<void>;
  /** Stops starting new messages and waits until every started one is acknowledged. */
  stop(): Promise<void>;
}

/**
 * Streams messages into every thread from its two senders, about
 * `ratePerSecond` in total: each sender starts a message every
 * `senders / ratePerSecond` seconds, and the next only once the previous is
 * acknowledged (so a sender in trouble slows down instead of piling up).
 */
export function startLoad(
  cluster: Cluster,
  setup: ChatSetup,
  ratePerSecond: number,
  options: { rest?: Parameters<typeof restSend>[7]; history?: History } = {},
): Load {
  const history = options.history ?? new History();
  const senders = setup.threads.length * 2;
  const intervalMs = (senders * 1000) / ratePerSecond;
  let running = true;
  let acked = 0;
  const ackWaiters: { target: number; resolve: () => void }[] = [];
  const onAck = () => {
    acked++;
    for (const w of ackWaiters.filter((w) => acked >= w.target)) {
      ackWaiters.splice(ackWaiters.indexOf(w), 1);
      w.resolve();
    }
  };
  const loop = async (name: string, send: (cmid: string) => Promise<unknown>) => {
    let next = performance.now() + Math.random() * intervalMs;
    for (let n = 1; running; n++) {
      const wait = next - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (!running) break;
      next = Math.max(next + intervalMs, performance.now());
      await send(`${name}-${n}`);
      onAck();
    }
  };
  const loops = setup.threads.flatMap((threadId, t) => {
    const ws = setup.wsSenders.get(threadId)!;
    const restUser = setup.restSenders.get(threadId)!;
    return [
      loop(`ws-${t}`, (cmid) => ws.client.send(threadId, `hello ${cmid}`, cmid, { history })),
      loop(`rest-${t}`, (cmid) =>
        restSend(
          cluster,
          (t + 1) % cluster.nodes.length,
          restUser.token,
          threadId,
          `hello ${cmid}`,
          cmid,
          history,
          options.rest,
        ),
      ),
    ];
  });
  const all = Promise.all(loops);
  all.catch(() => undefined); // surfaced by stop()
  return {
    history,
    acked: () => acked,
    ackedMore(n, timeoutMs = 30_000) {
      const target = acked + n;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`load: ${acked} of ${target} messages acknowledged after ${timeoutMs} ms`)),
          timeoutMs,
        );
        ackWaiters.push({ target, resolve: () => (clearTimeout(timer), resolve()) });
        // A sender that threw will never ack again: fail now rather than at the timeout.
        all.catch((err: unknown) => (clearTimeout(timer), reject(err)));
      });
    },
    async stop() {
      running = false;
      await all;
    },
  };
}

/**
 * After the load: waits until every client has received each of its threads
 * up to the stored last position, then checks the history and the streams
 * against the database. Returns the problems (see checkHistory).
 */
export async function drainAndCheck(
  cluster: Cluster,
  history: History,
  clients: readonly ResumingClient[],
  threads: readonly string[],
  timeoutMs = 30_000,
): Promise<{ problems: string[]; stored: Map<string, StoredThread> }> {
  const api = anyNodeApi(cluster);
  const last = new Map<string, number>();
  for (const threadId of threads) {
    const res = await api<Thread>('GET', `/v1/threads/${threadId}`);
    if (res.status !== 200) throw new Error(`GET thread: ${res.status} ${JSON.stringify(res.body)}`);
    last.set(threadId, res.body.lastPosition);
  }
  const deadline = Date.now() + timeoutMs;
  const lagging: string[] = [];
  await Promise.all(
    clients.flatMap((client) =>
      [...client.startPositions.keys()]
        .filter((t) => last.has(t))
        .map((t) =>
          client
            .reach(t, last.get(t)!, Math.max(1, deadline - Date.now()))
            .catch((err: unknown) => void lagging.push(err instanceof Error ? err.message : String(err))),
        ),
    ),
  );
  const stored = await fetchStored(api, threads);
  const problems = [
    ...lagging.slice(0, 20),
    ...clients.flatMap((c) => c.problems),
    ...checkHistory(history, stored, clients),
  ];
  return { problems, stored };
}

export { describeProblems };

/** Polls GET /readyz on a node every 100 ms until it answers `status` (a refused connection counts as 503). */
export async function waitForReadyz(url: string, status: 200 | 503, timeoutMs = 20_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const got = await readyz(url);
    if (got === status) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${url}/readyz still ${got} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function readyz(url: string): Promise<number> {
  try {
    const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 503;
  }
}

/** Sum of reconnections (ready frames after the first) over the clients. */
export function reconnects(clients: readonly ResumingClient[]): number {
  return clients.reduce((sum, c) => sum + Math.max(0, c.readies - 1), 0);
}

/** Prints a test's summary line (the figures quoted in reports). */
export function printSummary(line: string): void {
  // eslint-disable-next-line no-console -- the figures are this suite's output, meant to be read
  console.log(line);
}
