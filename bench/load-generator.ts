/**
 * The load generator: a child process of bench/fanout.ts (pinned to its own CPU). It connects every
 * client, waits for `start`, sends open-loop at the target rate, measures deliveries, and prints one
 * JSON line (GeneratorResult) on stdout. Phase changes go to the orchestrator over the IPC channel.
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
}

const rooms: Client[][] = config.rooms.map((room) => room.members.map(() => ({ ready: false })));
const clientCount = rooms.reduce((sum, room) => sum + room.length, 0);
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

function onFrame(frame: ServerFrame, at: number): void {
  switch (frame.type) {
    case 'message.created': {
      const meta = frame.message.metadata;
      if (meta?.r !== config.runId || meta.n === undefined) return;
      const n = Number(meta.n);
      if (!(n >= 0 && n < log.length)) return;
      log.received[n] = (log.received[n] as number) + 1;
      if (at >= measureStart && at < measureEnd) deliveriesInWindow++;
      if (inWindow(n)) latency.add(at - Number(meta.t));
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
  const wsUrl = `${config.url.replace(/^http/, 'ws')}/v1/realtime`;
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
        onFrame(frame, at);
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

function sendOne(scheduledAt: number): void {
  const roomIndex = Math.floor(Math.random() * rooms.length);
  const room = rooms[roomIndex] as Client[];
  const sender = room[Math.floor(Math.random() * room.length)] as Client;
  const n = log.add(scheduledAt, roomIndex);
  if (!sender.ready || sender.ws?.readyState !== WebSocket.OPEN) {
    log.status[n] = Status.Skipped;
    return;
  }
  let open = 0;
  for (const member of room) if (member.ready) open++;
  log.expected[n] = open;
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

function windowFigures(): GeneratorResult['window'] {
  let sent = 0;
  let acked = 0;
  let rejected = 0;
  let unanswered = 0;
  let skipped = 0;
  let expectedDeliveries = 0;
  let receivedDeliveries = 0;
  let duplicateDeliveries = 0;
  for (let n = 0; n < log.length; n++) {
    if (!inWindow(n)) continue;
    const status = log.status[n];
    if (status === Status.Skipped) {
      skipped++;
      continue;
    }
    sent++;
    if (status === Status.Rejected) rejected++;
    else if (status === Status.Pending) unanswered++;
    else {
      acked++;
      const expected = log.expected[n] as number;
      const received = log.received[n] as number;
      expectedDeliveries += expected;
      receivedDeliveries += Math.min(received, expected);
      duplicateDeliveries += Math.max(0, received - expected);
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
  console.error(
    `load: ${okTimes.length}/${clientCount} clients ready in ${(connectTotal / 1000).toFixed(2)} s`,
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

  const result: GeneratorResult = {
    type: 'result',
    connect: {
      clients: okTimes.length,
      failed,
      totalMs: Math.round(connectTotal),
      perClientMs: summarize(okTimes),
      failures,
    },
    window: windowFigures(),
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
