import type { BenchOptions } from './args.js';
import type { ProcSample } from './proc.js';
import type { StoreCheck } from './setup.js';
import type { GeneratorResult, Summary } from './types.js';

export interface Samples {
  rssBeforeConnect?: ProcSample;
  rssAfterConnect?: ProcSample;
  serverStart?: ProcSample;
  serverEnd?: ProcSample;
  loadStart?: ProcSample;
  loadEnd?: ProcSample;
  machineBusyStart?: number;
  machineBusyEnd?: number;
  /** CPU seconds of the orchestrator itself over the window. */
  orchestratorCpuS?: number;
  /** Wall time between the start and end samples, in seconds. */
  windowS?: number;
}

const MiB = 1024 * 1024;
const r1 = (v: number): number => Math.round(v * 10) / 10;

function cpu(start: ProcSample | undefined, end: ProcSample | undefined, windowS: number | undefined) {
  if (!start || !end || !windowS) return null;
  const seconds = end.cpuSeconds - start.cpuSeconds;
  return { seconds: Math.round(seconds * 100) / 100, percentOfOneCore: r1((seconds / windowS) * 100) };
}

/** Cores kept busy during the window by anything but the server, the load generator and this process. */
function otherLoad(s: Samples): number | null {
  const { machineBusyStart: a, machineBusyEnd: b, serverStart, serverEnd, loadStart, loadEnd, windowS } = s;
  if (a === undefined || b === undefined || !windowS || !loadStart || !loadEnd) return null;
  const ours =
    (serverStart && serverEnd ? serverEnd.cpuSeconds - serverStart.cpuSeconds : 0) +
    (loadEnd.cpuSeconds - loadStart.cpuSeconds) +
    (s.orchestratorCpuS ?? 0);
  return Math.max(0, Math.round(((b - a - ours) / windowS) * 100) / 100);
}

export function buildReport(
  opts: BenchOptions,
  spawned: boolean,
  gen: GeneratorResult,
  s: Samples,
  store: StoreCheck,
) {
  const w = gen.window;
  const durationS = w.durationMs / 1000;
  const lost = w.expectedDeliveries - w.receivedDeliveries;
  const rssBefore = s.rssBeforeConnect?.rssBytes;
  const rssAfter = s.rssAfterConnect?.rssBytes;
  return {
    bench: 'fanout',
    params: {
      clients: opts.clients,
      roomSize: opts.roomSize,
      rooms: opts.clients / opts.roomSize,
      rate: opts.rate,
      durationS: opts.durationS,
      warmupS: opts.warmupS,
      server: spawned ? 'spawned' : opts.url,
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
    serverCpu: cpu(s.serverStart, s.serverEnd, s.windowS),
    loadGeneratorCpu: cpu(s.loadStart, s.loadEnd, s.windowS),
    otherLoadCores: otherLoad(s),
    serverRss: {
      beforeConnectMiB: rssBefore === undefined ? null : r1(rssBefore / MiB),
      afterConnectMiB: rssAfter === undefined ? null : r1(rssAfter / MiB),
      afterRunMiB: s.serverEnd ? r1(s.serverEnd.rssBytes / MiB) : null,
      perIdleClientKiB:
        rssBefore === undefined || rssAfter === undefined || gen.connect.clients === 0
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

export function printReport(report: Report): void {
  const p = report.params;
  const rows: [string, string][] = [
    [
      'workload',
      `${p.clients} clients, ${p.rooms} rooms of ${p.roomSize}, ${p.rate} msg/s, ${p.durationS} s`,
    ],
    ['server', String(p.server)],
    ['delivered', `${report.deliveredPerSec} deliveries/s (acked sends ${report.ackedPerSec}/s)`],
    ['e2e latency', dist(report.latencyMs)],
    ['ack latency', dist(report.ackLatencyMs)],
    [
      'send lag',
      `p99 ${ms(report.sendLagMs.p99)}  max ${ms(report.sendLagMs.max)} (load generator behind schedule)`,
    ],
    [
      'deliveries',
      `expected ${report.deliveries.expected}, received ${report.deliveries.received}, ` +
        `lost ${report.deliveries.lost}, duplicates ${report.deliveries.duplicates}`,
    ],
    [
      'sends',
      `sent ${report.sends.sent}, acked ${report.sends.acked}, rejected ${report.sends.rejected} ` +
        `(${codes(report.sends.rejectedByCode)}), unanswered ${report.sends.unanswered}, skipped ${report.sends.skipped}`,
    ],
    ['socket closes', codes(report.closesByCode)],
    [
      'server CPU',
      report.serverCpu
        ? `${report.serverCpu.seconds} s over the window (${report.serverCpu.percentOfOneCore}% of one core)`
        : 'n/a',
    ],
    [
      'load gen CPU',
      report.loadGeneratorCpu
        ? `${report.loadGeneratorCpu.seconds} s (${report.loadGeneratorCpu.percentOfOneCore}% of one core)`
        : 'n/a',
    ],
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
        `${orNa(report.serverRss.afterConnectMiB, 'MiB')} connected idle, ${orNa(report.serverRss.afterRunMiB, 'MiB')} after run`,
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
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log('\nParley fan-out benchmark');
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  if (report.connect.failures.length)
    console.log(`  connect failures: ${report.connect.failures.join('; ')}`);
  if (report.storeCheck.errors.length)
    console.log(`  store check errors: ${report.storeCheck.errors.join('; ')}`);
  console.log(JSON.stringify(report));
}
