/**
 * The load generator: a child process of bench/fanout.ts (pinned to its own CPU). It connects every
 * client (client i to node i mod N), waits for `start`, sends open-loop at the target rate (send s
 * from a client of node s mod N), measures deliveries, and prints one JSON line (GeneratorResult) on stdout. Phase changes go to the orchestrator over the IPC channel.
 *
 * Usage: node --import tsx bench/load-generator.ts <config.json>
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { ClientFrame, ServerFrame } from '@parley/protocol';
import { MessageLog, Status } from './message-log.js';
import { mapPool } from './pool.js';
import { Samples, summarize } from './stats.js';
import type { GeneratorConfig, GeneratorEvent, GeneratorResult, OrchestratorCommand } from './types.js';

const TICK_MS = 5;
const CONNECT_TIMEOUT_MS = 20_000;

const configPath = process.argv[2];
if (!configPath) {
  console.error('usage: load-generator.ts <config.json>');
  process.exit(2);
}
const config = JSON.parse(readFileSync(configPath, 'utf8')) as GeneratorConfig;

/** Wall-clock milliseconds with sub-millisecond resolution; sender and receiver share it. */
const now = (): number => performance.timeOrigin + performance.now();

interface Client {
  ws?: WebSocket;
  ready: boolean;
  /** Index of the node (config.urls) this client connects to. */
  node: number;
}

const nodeCount = config.urls.length;
let clientIndex = 0;
const rooms: Client[][] = config.rooms.map((room) =>
  room.members.map(() => ({ ready: false, node: clientIndex++ % nodeCount })),
);
const clientCount = clientIndex;
/** Per room, per node: the indices of the room's members on that node. */
const roomMembersByNode: number[][][] = rooms.map((room) =>
  Array.from({ length: nodeCount }, (_, node) => room.flatMap((c, j) => (c.node === node ? [j] : []))),
);
const log = new MessageLog(
  Math.ceil(config.rate * ((config.warmupMs + config.durationMs) / 1000) * 1.1) + 1024,
);

// Per-room ack bookkeeping, for the store check.
const threadAcked = new Uint32Array(rooms.length);
const threadMaxSeq = new Float64Array(rooms.length);

// Measured window, on the `now()` clock; set when sending starts.
let measureStart = Infinity;
let measureEnd = Infinity;
let finished = false;
let deliveriesInWindow = 0;
let sendCount = 0;
const nodeDeliveriesInWindow = new Float64Array(nodeCount);
const nodeLatency = Array.from({ length: nodeCount }, () => new Samples());
const localLatency = new Samples();
const crossNodeLatency = new Samples();
const latency = new Samples();
const ackLatency = new Samples();
const sendLag = new Samples();
const rejectedByCode: Record<string, number> = {};
const closesByCode: Record<string, number> = {};

const inWindow = (n: number): boolean => {
  const at = log.scheduledAt[n] as number;
  return at >= measureStart && at < measureEnd;
};
const bump = (map: Record<string, number>, key: string): void => {
  map[key] = (map[key] ?? 0) + 1;
};

function emit(event: GeneratorEvent): void {
  process.send?.(event);
}

function onFrame(frame: ServerFrame, at: number, node: number): void {
  switch (frame.type) {
    case 'message.created': {
      const meta = frame.message.metadata;
      if (meta?.r !== config.runId || meta.n === undefined) return;
      const n = Number(meta.n);
      if (!(n >= 0 && n < log.length)) return;
      const local = log.senderNode[n] === node;
      log.received[n] = (log.received[n] as number) + 1;
      if (local) log.receivedLocal[n] = (log.receivedLocal[n] as number) + 1;
      if (at >= measureStart && at < measureEnd) {
        deliveriesInWindow++;
        nodeDeliveriesInWindow[node] = (nodeDeliveriesInWindow[node] as number) + 1;
      }
      if (inWindow(n)) {
        const ms = at - Number(meta.t);
        latency.add(ms);
        (nodeLatency[node] as Samples).add(ms);
        (local ? localLatency : crossNodeLatency).add(ms);
      }
      return;
    }
    case 'ack': {
      if (!frame.id.startsWith('s')) return;
      const n = Number(frame.id.slice(1));
      if (log.status[n] !== Status.Pending) return;
      log.status[n] = Status.Acked;
      if (inWindow(n)) ackLatency.add(at - (log.sentAt[n] as number));
      const room = log.room[n] as number;
      threadAcked[room] = (threadAcked[room] as number) + 1;
      const seq = frame.message?.sequence ?? 0;
      if (seq > (threadMaxSeq[room] as number)) threadMaxSeq[room] = seq;
      return;
    }
    case 'error': {
      if (frame.id?.startsWith('s')) {
        const n = Number(frame.id.slice(1));
        if (log.status[n] === Status.Pending) log.status[n] = Status.Rejected;
        bump(rejectedByCode, frame.error.code);
      } else {
        bump(rejectedByCode, `unsolicited:${frame.error.code}`);
      }
      return;
    }
    default:
      return; // typing, presence, receipts, thread events...: not measured
  }
}

/** Opens one client's socket, says hello and resolves on `ready`; returns the time it took in ms. */
function connect(client: Client, token: string): Promise<number> {
  const started = now();
  const wsUrl = `${(config.urls[client.node] as string).replace(/^http/, 'ws')}/v1/realtime`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false, handshakeTimeout: CONNECT_TIMEOUT_MS });
    client.ws = ws;
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('no ready frame in time'));
    }, CONNECT_TIMEOUT_MS);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', token } satisfies ClientFrame)));
    ws.on('message', (data) => {
      const at = now();
      const frame = JSON.parse((data as Buffer).toString('utf8')) as ServerFrame;
      if (frame.type === 'ready' && !client.ready) {
        client.ready = true;
        clearTimeout(timer);
        resolve(at - started);
      } else if (frame.type === 'error' && !client.ready) {
        clearTimeout(timer);
        reject(new Error(`error before ready: ${frame.error.code}`));
      } else {
        onFrame(frame, at, client.node);
      }
    });
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    ws.on('close', (code) => {
      clearTimeout(timer);
      if (!client.ready) reject(new Error(`closed before ready: ${code}`));
      client.ready = false;
      if (!finished) bump(closesByCode, String(code));
    });
  });
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

/** Send s comes from a random member, on node s mod N, of a random room (any member if none is on that node). */
function sendOne(scheduledAt: number): void {
  const roomIndex = Math.floor(Math.random() * rooms.length);
  const room = rooms[roomIndex] as Client[];
  const onNode = (roomMembersByNode[roomIndex] as number[][])[sendCount++ % nodeCount] as number[];
  const sender = room[onNode.length > 0 ? pick(onNode) : Math.floor(Math.random() * room.length)] as Client;
  const n = log.add(scheduledAt, roomIndex, sender.node);
  if (!sender.ready || sender.ws?.readyState !== WebSocket.OPEN) {
    log.status[n] = Status.Skipped;
    return;
  }
  let open = 0;
  let openLocal = 0;
  for (const member of room) {
    if (!member.ready) continue;
    open++;
    if (member.node === sender.node) openLocal++;
  }
  log.expected[n] = open;
  log.expectedLocal[n] = openLocal;
  const sentAt = now();
  log.sentAt[n] = sentAt;
  if (scheduledAt >= measureStart && scheduledAt < measureEnd) sendLag.add(Math.max(0, sentAt - scheduledAt));
  const frame: ClientFrame = {
    type: 'send',
    id: `s${n}`,
    threadId: (config.rooms[roomIndex] as { threadId: string }).threadId,
    content: `bench message ${n} from room ${roomIndex}`,
    metadata: { t: sentAt.toFixed(3), n: String(n), r: config.runId },
    clientMessageId: `bench-${config.runId}-m${n}`,
  };
  sender.ws.send(JSON.stringify(frame));
}

/** Open-loop sending: each tick issues every send whose scheduled time has come. */
function runSends(): Promise<void> {
  const interval = 1000 / config.rate;
  const start = now();
  measureStart = start + config.warmupMs;
  measureEnd = measureStart + config.durationMs;
  let issued = 0;
  let phase = 0;
  return new Promise((resolve) => {
    const tick = (): void => {
      const t = now();
      if (phase === 0 && t >= measureStart) {
        phase = 1;
        emit({ type: 'measure-start' });
      }
      for (;;) {
        const scheduledAt = start + issued * interval;
        if (scheduledAt > t || scheduledAt >= measureEnd) break;
        sendOne(scheduledAt);
        issued++;
      }
      if (t >= measureEnd) {
        clearInterval(timer);
        emit({ type: 'measure-end' });
        resolve();
      }
    };
    const timer = setInterval(tick, TICK_MS);
    tick();
  });
}

/** Waits until every send is answered and every acked message reached its members, or the drain limit. */
async function drain(): Promise<number> {
  const started = now();
  for (;;) {
    let outstanding = false;
    for (let n = 0; n < log.length && !outstanding; n++) {
      const status = log.status[n];
      if (status === Status.Pending) outstanding = true;
      else if (status === Status.Acked && (log.received[n] as number) < (log.expected[n] as number))
        outstanding = true;
    }
    if (!outstanding || now() - started >= config.drainMs) return now() - started;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function windowFigures(): GeneratorResult['window'] & { nodeSent: number[]; nodeAcked: number[] } {
  let sent = 0;
  let acked = 0;
  let rejected = 0;
  let unanswered = 0;
  let skipped = 0;
  let expectedDeliveries = 0;
  let receivedDeliveries = 0;
  let duplicateDeliveries = 0;
  let expectedLocal = 0;
  let receivedLocal = 0;
  let receivedCross = 0;
  const nodeSent = new Array<number>(nodeCount).fill(0);
  const nodeAcked = new Array<number>(nodeCount).fill(0);
  for (let n = 0; n < log.length; n++) {
    if (!inWindow(n)) continue;
    const status = log.status[n];
    if (status === Status.Skipped) {
      skipped++;
      continue;
    }
    const node = log.senderNode[n] as number;
    sent++;
    nodeSent[node] = (nodeSent[node] as number) + 1;
    if (status === Status.Rejected) rejected++;
    else if (status === Status.Pending) unanswered++;
    else {
      acked++;
      nodeAcked[node] = (nodeAcked[node] as number) + 1;
      const expected = log.expected[n] as number;
      const received = log.received[n] as number;
      expectedDeliveries += expected;
      receivedDeliveries += Math.min(received, expected);
      duplicateDeliveries += Math.max(0, received - expected);
      const local = log.receivedLocal[n] as number;
      const localExpected = log.expectedLocal[n] as number;
      expectedLocal += localExpected;
      receivedLocal += Math.min(local, localExpected);
      receivedCross += Math.min(received - local, expected - localExpected);
    }
  }
  return {
    durationMs: config.durationMs,
    sent,
    acked,
    rejected,
    unanswered,
    skipped,
    deliveriesInWindow,
    expectedDeliveries,
    receivedDeliveries,
    duplicateDeliveries,
    latencyMs: latency.summary(),
    ackLatencyMs: ackLatency.summary(),
    sendLagMs: sendLag.summary(),
    local: { expected: expectedLocal, received: receivedLocal, latencyMs: localLatency.summary() },
    crossNode: {
      expected: expectedDeliveries - expectedLocal,
      received: receivedCross,
      latencyMs: crossNodeLatency.summary(),
    },
    nodeSent,
    nodeAcked,
  };
}

async function main(): Promise<void> {
  const clients = rooms.flatMap((room, r) =>
    room.map((client, j) => ({ client, token: (config.rooms[r]?.members[j] as { token: string }).token })),
  );
  const failures: string[] = [];
  const connectStart = now();
  const times = await mapPool(clients, config.connectConcurrency, ({ client, token }) =>
    connect(client, token).catch((err: Error) => {
      if (failures.length < 5) failures.push(err.message);
      return -1;
    }),
  );
  const connectTotal = now() - connectStart;
  const okTimes = times.filter((t) => t >= 0);
  const failed = clientCount - okTimes.length;
  const nodeReady = new Array<number>(nodeCount).fill(0);
  const nodeFailed = new Array<number>(nodeCount).fill(0);
  clients.forEach(({ client }, i) => {
    const counts = (times[i] as number) >= 0 ? nodeReady : nodeFailed;
    counts[client.node] = (counts[client.node] as number) + 1;
  });
  console.error(
    `load: ${okTimes.length}/${clientCount} clients ready in ${(connectTotal / 1000).toFixed(2)} s` +
      (nodeCount > 1 ? ` (per node: ${nodeReady.join(' / ')})` : ''),
  );
  emit({ type: 'connected', clients: okTimes.length, failed });

  if (process.send) {
    await new Promise<void>((resolve) =>
      process.on('message', (cmd: OrchestratorCommand) => {
        if (cmd.type === 'start') resolve();
      }),
    );
  }
  await runSends();
  const drainMs = await drain();
  finished = true;

  const { nodeSent, nodeAcked, ...window } = windowFigures();
  const result: GeneratorResult = {
    type: 'result',
    connect: {
      clients: okTimes.length,
      failed,
      totalMs: Math.round(connectTotal),
      perClientMs: summarize(okTimes),
      failures,
    },
    window,
    nodes: config.urls.map((url, node) => ({
      url,
      clients: nodeReady[node] as number,
      failed: nodeFailed[node] as number,
      deliveriesInWindow: nodeDeliveriesInWindow[node] as number,
      sent: nodeSent[node] as number,
      acked: nodeAcked[node] as number,
      latencyMs: (nodeLatency[node] as Samples).summary(),
    })),
    drainMs: Math.round(drainMs),
    rejectedByCode,
    closesByCode,
    threads: config.rooms.map((room, r) => ({
      threadId: room.threadId,
      acked: threadAcked[r] as number,
      maxAckedSequence: threadMaxSeq[r] as number,
    })),
  };
  await new Promise<void>((resolve) => process.stdout.write(JSON.stringify(result) + '\n', () => resolve()));
  for (const { client } of clients) client.ws?.terminate();
  process.disconnect?.();
  process.exit(0);
}

// Never outlive the orchestrator.
process.on('disconnect', () => {
  if (!finished) process.exit(1);
});
// Nor the run: connect, warm-up, measure and drain are all bounded.
const limitMs = 5 * 60_000 + config.warmupMs + config.durationMs + config.drainMs;
setTimeout(() => {
  console.error(`load: giving up after ${limitMs / 1000} s`);
  process.exit(1);
}, limitMs);

main().catch((err: unknown) => {
  console.error('load: failed:', err);
  process.exit(1);
});
