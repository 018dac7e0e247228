import type { BenchOptions } from './args.js';
import type { ProcSample } from './proc.js';
import type { ServicesCpu } from './services.js';
import type { StoreCheck } from './setup.js';
import type { DeliverySplit, GeneratorResult, Summary } from './types.js';

/** Samples of one server node's process (pid undefined: --url without --server-pid). */
export interface NodeSamples {
  url: string;
  pid: number | undefined;
  rssBeforeConnect?: ProcSample;
  rssAfterConnect?: ProcSample;
  start?: ProcSample;
  end?: ProcSample;
}

export interface Samples {
  nodes: NodeSamples[];
  loadStart?: ProcSample;
  loadEnd?: ProcSample;
  machineBusyStart?: number;
  machineBusyEnd?: number;
  /** CPU seconds of the orchestrator itself over the window. */
  orchestratorCpuS?: number;
  /** Wall time between the start and end samples, in seconds. */
  windowS?: number;
  /** PostgreSQL and Redis over the window (--backend postgres only). */
  services?: ServicesCpu;
}

/** How the run was set up, for the report's params. */
export interface RunInfo {
  spawned: boolean;
  backend: 'sqlite' | 'postgres+redis';
  /** Where each part ran, e.g. { nodes: 'CPU 0', loadGenerator: 'CPU 1', services: 'unpinned' }. */
  pinning: Record<string, string>;
}

const MiB = 1024 * 1024;
const r1 = (v: number): number => Math.round(v * 10) / 10;
const r2 = (v: number): number => Math.round(v * 100) / 100;

type Cpu = { seconds: number; percentOfOneCore: number } | null;

function cpuOf(seconds: number | null | undefined, windowS: number | undefined): Cpu {
  if (seconds === null || seconds === undefined || !windowS) return null;
  return { seconds: r2(seconds), percentOfOneCore: r1((seconds / windowS) * 100) };
}

function cpuSeconds(start: ProcSample | undefined, end: ProcSample | undefined): number | null {
  return start && end ? end.cpuSeconds - start.cpuSeconds : null;
}

/** Microseconds of CPU per delivery; null when either is unknown or nothing was delivered. */
function perDelivery(seconds: number | null, deliveries: number): number | null {
  return seconds === null || deliveries === 0 ? null : r1((seconds * 1e6) / deliveries);
}

function sumOrNull(values: (number | null)[]): number | null {
  return values.some((v) => v === null) ? null : values.reduce<number>((a, v) => a + (v as number), 0);
}

/** Cores kept busy during the window by anything but the nodes, PostgreSQL/Redis (ours), the load generator and this process. */
function otherLoad(s: Samples, nodesS: number | null, servicesS: number): number | null {
  const { machineBusyStart: a, machineBusyEnd: b, loadStart, loadEnd, windowS } = s;
  if (a === undefined || b === undefined || !windowS || !loadStart || !loadEnd) return null;
  const ours =
    (nodesS ?? 0) + servicesS + (loadEnd.cpuSeconds - loadStart.cpuSeconds) + (s.orchestratorCpuS ?? 0);
  return Math.max(0, r2((b - a - ours) / windowS));
}

function splitFigures(split: DeliverySplit, total: number) {
  return {
    expected: split.expected,
    received: split.received,
    lost: split.expected - split.received,
    shareOfExpected: total === 0 ? 0 : Math.round((split.expected / total) * 1000) / 1000,
    latencyMs: split.latencyMs,
  };
}

export function buildReport(
  opts: BenchOptions,
  run: RunInfo,
  gen: GeneratorResult,
  s: Samples,
  store: StoreCheck,
) {
  const w = gen.window;
  const durationS = w.durationMs / 1000;
  const lost = w.expectedDeliveries - w.receivedDeliveries;

  const nodes = s.nodes.map((ns, i) => {
    const g = gen.nodes[i];
    const seconds = cpuSeconds(ns.start, ns.end);
    const before = ns.rssBeforeConnect?.rssBytes;
    const after = ns.rssAfterConnect?.rssBytes;
    const clients = g?.clients ?? 0;
    return {
      node: i,
      url: ns.url,
      pid: ns.pid ?? null,
      clients,
      failedClients: g?.failed ?? 0,
      deliveredPerSec: r1((g?.deliveriesInWindow ?? 0) / durationS),
      /** Acked sends per second from this node's clients. */
      sendsPerSec: r1((g?.acked ?? 0) / durationS),
      latencyMs: g?.latencyMs ?? null,
      cpu: cpuOf(seconds, s.windowS),
      cpuUsPerDelivery: perDelivery(seconds, g?.deliveriesInWindow ?? 0),
      rss: {
        beforeConnectMiB: before === undefined ? null : r1(before / MiB),
        afterConnectMiB: after === undefined ? null : r1(after / MiB),
        afterRunMiB: ns.end ? r1(ns.end.rssBytes / MiB) : null,
        perIdleClientKiB:
          before === undefined || after === undefined || clients === 0
            ? null
            : r1((after - before) / 1024 / clients),
      },
      seconds,
      before,
      after,
    };
  });

  const nodesS = sumOrNull(nodes.map((n) => n.seconds));
  const sv = s.services;
  const postgresS = sv ? sumOrNull([sv.postgresBackendsS, sv.postgresSharedS]) : null;
  const redisS = sv?.redisS ?? null;
  const servicesKnownS = (postgresS ?? 0) + (redisS ?? 0);
  const totalS = nodesS === null ? null : nodesS + servicesKnownS;
  const rssBefore = sumOrNull(nodes.map((n) => n.before ?? null));
  const rssAfter = sumOrNull(nodes.map((n) => n.after ?? null));
  const rssEnd = sumOrNull(s.nodes.map((n) => n.end?.rssBytes ?? null));

  return {
    bench: 'fanout',
    params: {
      clients: opts.clients,
      roomSize: opts.roomSize,
      rooms: opts.clients / opts.roomSize,
      rate: opts.rate,
      durationS: opts.durationS,
      warmupS: opts.warmupS,
      server: run.spawned ? 'spawned' : opts.url,
      nodes: s.nodes.length,
      backend: run.backend,
      pinning: run.pinning,
    },
    deliveredPerSec: r1(w.deliveriesInWindow / durationS),
    ackedPerSec: r1(w.acked / durationS),
    latencyMs: w.latencyMs,
    ackLatencyMs: w.ackLatencyMs,
    sendLagMs: w.sendLagMs,
    deliveries: {
      expected: w.expectedDeliveries,
      received: w.receivedDeliveries,
      lost,
      duplicates: w.duplicateDeliveries,
      drainMs: gen.drainMs,
      /** Receivers on the sender's node (the sender included). */
      local: splitFigures(w.local, w.expectedDeliveries),
      /** Receivers on another node than the sender's. */
      crossNode: splitFigures(w.crossNode, w.expectedDeliveries),
    },
    sends: {
      sent: w.sent,
      acked: w.acked,
      rejected: w.rejected,
      unanswered: w.unanswered,
      skipped: w.skipped,
      rejectedByCode: gen.rejectedByCode,
    },
    closesByCode: gen.closesByCode,
    nodes: nodes.map(({ seconds: _s, before: _b, after: _a, ...rest }) => rest),
    /** All nodes together. */
    serverCpu: cpuOf(nodesS, s.windowS),
    services: sv
      ? {
          postgresBackends: cpuOf(sv.postgresBackendsS, s.windowS),
          postgresShared: cpuOf(sv.postgresSharedS, s.windowS),
          postgresOtherDatabases: cpuOf(sv.postgresOtherS, s.windowS),
          redis: cpuOf(sv.redisS, s.windowS),
        }
      : null,
    cpuUsPerDelivery: {
      nodes: perDelivery(nodesS, w.deliveriesInWindow),
      postgres: perDelivery(postgresS, w.deliveriesInWindow),
      redis: perDelivery(redisS, w.deliveriesInWindow),
      /** Nodes + PostgreSQL (our backends and the shared processes) + Redis, as far as measured. */
      total: perDelivery(totalS, w.deliveriesInWindow),
    },
    loadGeneratorCpu: cpuOf(cpuSeconds(s.loadStart, s.loadEnd), s.windowS),
    otherLoadCores: otherLoad(s, nodesS, servicesKnownS),
    /** All nodes together. */
    serverRss: {
      beforeConnectMiB: rssBefore === null ? null : r1(rssBefore / MiB),
      afterConnectMiB: rssAfter === null ? null : r1(rssAfter / MiB),
      afterRunMiB: rssEnd === null ? null : r1(rssEnd / MiB),
      perIdleClientKiB:
        rssBefore === null || rssAfter === null || gen.connect.clients === 0
          ? null
          : r1((rssAfter - rssBefore) / 1024 / gen.connect.clients),
    },
    connect: {
      clients: gen.connect.clients,
      failed: gen.connect.failed,
      totalMs: gen.connect.totalMs,
      perClientMs: gen.connect.perClientMs,
      failures: gen.connect.failures,
    },
    storeCheck: { ...store, allAckedStored: store.threadsMissingAcked === 0 && store.errors.length === 0 },
  };
}

export type Report = ReturnType<typeof buildReport>;

const ms = (v: number): string => `${v.toFixed(1)} ms`;
const dist = (d: Summary): string =>
  `p50 ${ms(d.p50)}  p95 ${ms(d.p95)}  p99 ${ms(d.p99)}  max ${ms(d.max)}  (n=${d.count})`;
const orNa = (v: number | null, unit: string): string => (v === null ? 'n/a' : `${v} ${unit}`);
const codes = (m: Record<string, number>): string =>
  Object.keys(m).length === 0
    ? 'none'
    : Object.entries(m)
        .map(([k, v]) => `${k}×${v}`)
        .join(', ');

const PINNED_LABELS: Record<string, string> = {
  loadGenerator: 'load generator',
  postgresAndRedis: 'PostgreSQL and Redis',
};
const cpuText = (c: Cpu): string => (c ? `${c.seconds} s (${c.percentOfOneCore}% of one core)` : 'n/a');
const pct = (share: number): string => `${r1(share * 100)}%`;

export function printReport(report: Report): void {
  const p = report.params;
  const multi = report.nodes.length > 1 || report.services !== null;
  const pinning = Object.entries(p.pinning)
    .map(([what, where]) => `${PINNED_LABELS[what] ?? what} ${where}`)
    .join(', ');
  const d = report.deliveries;
  const cpd = report.cpuUsPerDelivery;
  const rows: [string, string][] = [
    [
      'workload',
      `${p.clients} clients, ${p.rooms} rooms of ${p.roomSize}, ${p.rate} msg/s, ${p.durationS} s`,
    ],
    [
      'server',
      p.server === 'spawned'
        ? `${p.nodes} node${p.nodes > 1 ? 's' : ''} on ${p.backend}${pinning ? ` (${pinning})` : ''}`
        : String(p.server),
    ],
    ['delivered', `${report.deliveredPerSec} deliveries/s (acked sends ${report.ackedPerSec}/s)`],
    ['e2e latency', dist(report.latencyMs)],
    ['ack latency', dist(report.ackLatencyMs)],
    [
      'send lag',
      `p99 ${ms(report.sendLagMs.p99)}  max ${ms(report.sendLagMs.max)} (load generator behind schedule)`,
    ],
    [
      'deliveries',
      `expected ${d.expected}, received ${d.received}, lost ${d.lost}, duplicates ${d.duplicates}` +
        (d.lost !== 0 || d.duplicates !== 0 ? '  <- both should be 0' : ''),
    ],
  ];
  if (report.nodes.length > 1) {
    rows.push(
      [
        'cross-node',
        `${pct(d.crossNode.shareOfExpected)} of deliveries: lost ${d.crossNode.lost}, e2e ${dist(d.crossNode.latencyMs)}`,
      ],
      [
        'same-node',
        `${pct(d.local.shareOfExpected)} of deliveries: lost ${d.local.lost}, e2e ${dist(d.local.latencyMs)}`,
      ],
    );
  }
  rows.push(
    [
      'sends',
      `sent ${report.sends.sent}, acked ${report.sends.acked}, rejected ${report.sends.rejected} ` +
        `(${codes(report.sends.rejectedByCode)}), unanswered ${report.sends.unanswered}, skipped ${report.sends.skipped}`,
    ],
    ['socket closes', codes(report.closesByCode)],
  );
  if (multi) {
    for (const n of report.nodes) {
      rows.push(
        [
          `node ${n.node}`,
          `${n.clients} clients, ${n.deliveredPerSec} deliveries/s, ${n.sendsPerSec} sends/s` +
            (n.latencyMs
              ? `, e2e p50 ${ms(n.latencyMs.p50)} p95 ${ms(n.latencyMs.p95)} p99 ${ms(n.latencyMs.p99)}`
              : ''),
        ],
        [
          `node ${n.node} CPU`,
          `${cpuText(n.cpu)}, ${orNa(n.cpuUsPerDelivery, 'µs/delivery')}; ` +
            `RSS ${orNa(n.rss.afterConnectMiB, 'MiB')} connected idle, ${orNa(n.rss.perIdleClientKiB, 'KiB')}/idle client`,
        ],
      );
    }
  }
  rows.push(['server CPU', `${cpuText(report.serverCpu)}${report.nodes.length > 1 ? ', all nodes' : ''}`]);
  if (report.services) {
    const sv = report.services;
    rows.push(
      [
        'PostgreSQL CPU',
        `backends of the run's database ${cpuText(sv.postgresBackends)}; postmaster and background processes ${cpuText(sv.postgresShared)}; other databases ${cpuText(sv.postgresOtherDatabases)}`,
      ],
      ['Redis CPU', cpuText(sv.redis)],
    );
  }
  rows.push(
    [
      'CPU per delivery',
      report.services
        ? `${orNa(cpd.total, 'µs')} in total = nodes ${orNa(cpd.nodes, 'µs')} + PostgreSQL ${orNa(cpd.postgres, 'µs')} + Redis ${orNa(cpd.redis, 'µs')}`
        : `${orNa(cpd.nodes, 'µs')} (server)`,
    ],
    ['load gen CPU', cpuText(report.loadGeneratorCpu)],
    [
      'other load',
      report.otherLoadCores === null
        ? 'n/a'
        : `${report.otherLoadCores} cores busy with other processes during the window` +
          (report.otherLoadCores > 0.1 ? ' (figures are noisy)' : ''),
    ],
    [
      'server RSS',
      `${orNa(report.serverRss.beforeConnectMiB, 'MiB')} before connect, ` +
        `${orNa(report.serverRss.afterConnectMiB, 'MiB')} connected idle, ${orNa(report.serverRss.afterRunMiB, 'MiB')} after run` +
        (report.nodes.length > 1 ? ' (all nodes)' : ''),
    ],
    ['RSS per idle client', orNa(report.serverRss.perIdleClientKiB, 'KiB')],
    [
      'connect',
      `${report.connect.clients} ready in ${(report.connect.totalMs / 1000).toFixed(2)} s, per client ` +
        `p50 ${ms(report.connect.perClientMs.p50)} p99 ${ms(report.connect.perClientMs.p99)}, failed ${report.connect.failed}`,
    ],
    [
      'acked => stored',
      `${report.storeCheck.allAckedStored ? 'yes' : 'NO'}: ${report.storeCheck.acked} acked, ` +
        `${report.storeCheck.stored} stored in ${report.storeCheck.threads} threads` +
        (report.storeCheck.threadsMissingAcked
          ? `, ${report.storeCheck.threadsMissingAcked} threads missing acked`
          : '') +
        (report.storeCheck.threadsWithUnackedStored
          ? `, ${report.storeCheck.threadsWithUnackedStored} threads with unacked stored`
          : ''),
    ],
  );
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log('\nParley fan-out benchmark');
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  if (report.connect.failures.length)
    console.log(`  connect failures: ${report.connect.failures.join('; ')}`);
  if (report.storeCheck.errors.length)
    console.log(`  store check errors: ${report.storeCheck.errors.join('; ')}`);
  console.log(JSON.stringify(report));
}
