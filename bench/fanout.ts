/**
 * Room fan-out benchmark (`npm run bench`). Spawns the server unless --url is given: one SQLite node,
 * or with --nodes N / --backend postgres N nodes on a fresh PostgreSQL database and a fresh Redis key
 * prefix (all nodes pinned to CPU 0). Creates users, tokens and one thread per room, runs
 * bench/load-generator.ts in a child process (pinned to CPU 1) with clients spread round robin over
 * the nodes, samples the nodes' (and PostgreSQL's and Redis's) CPU and RSS around the phases, checks
 * that every acked message is stored, and prints a table plus one JSON line. See bench/README.md.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { AdminApi } from './api.js';
import { parseBenchArgs } from './args.js';
import { sampleMachineBusySeconds, sampleProcess } from './proc.js';
import { buildReport, printReport, type NodeSamples, type RunInfo, type Samples } from './report.js';
import {
  forwardLines,
  freePort,
  pinned,
  spawnServer,
  TASKSET,
  type ServerProcess,
} from './server-process.js';
import { prepareServices, ServicesCpuMeter, type RunServices } from './services.js';
import { checkStored, createRooms } from './setup.js';
import type { GeneratorConfig, GeneratorEvent, GeneratorResult, OrchestratorCommand } from './types.js';

const SETTLE_MS = 1000;
/** Every node runs here: the load generator gets the other core (see bench/README.md, "Pinning"). */
const NODE_CPU = 0;
const GENERATOR_CPU = 1;
const DRAIN_MS = 10_000;
const CONNECT_CONCURRENCY = 100;

const log = (line: string): void => console.error(line);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const opts = parseBenchArgs(process.argv.slice(2));
const cleanups: (() => Promise<void> | void)[] = [];
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        console.error('bench: cleanup failed:', err);
      }
    }
  })();
  return cleaning;
}
let aborting = false;
async function abort(message: string): Promise<never> {
  // A second reason (e.g. the killed load generator, after SIGINT) is a consequence of the first.
  if (!aborting) console.error(`bench: ${message}`);
  aborting = true;
  await cleanup();
  process.exit(1);
}

const globalLimitMs = 300_000 + 2 * (opts.warmupS + opts.durationS) * 1000 + DRAIN_MS;
setTimeout(() => void abort(`global timeout after ${globalLimitMs / 1000} s`), globalLimitMs);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void abort(`got ${signal}`));

const pinGenerator = availableParallelism() >= 2;

/** Runs the load generator; resolves with its result line. Samples the nodes and services around its phases. */
function runGenerator(
  configPath: string,
  samples: Samples,
  servicesMeter: ServicesCpuMeter | undefined,
): Promise<GeneratorResult> {
  const node = process.execPath;
  const genArgs = ['--import', 'tsx', 'bench/load-generator.ts', configPath];
  const [command, args] = pinGenerator ? pinned(GENERATOR_CPU, node, genArgs) : [node, genArgs];
  const child = spawn(command, args, {
    cwd: new URL('..', import.meta.url).pathname,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  forwardLines(child.stderr, '');
  if (!child.stdout) throw new Error('load generator has no stdout');
  let result: GeneratorResult | undefined;
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      const parsed = JSON.parse(line) as GeneratorResult;
      if (parsed.type === 'result') {
        result = parsed;
        return;
      }
    } catch {
      // not the result line
    }
    console.error(line);
  });
  let windowStartedAt = 0;
  let selfCpu = process.cpuUsage();
  child.on('message', (event: GeneratorEvent) => {
    if (event.type === 'connected') {
      log(`connected ${event.clients} clients (${event.failed} failed); settling ${SETTLE_MS} ms`);
      void sleep(SETTLE_MS).then(() => {
        for (const n of samples.nodes) n.rssAfterConnect = sampleProcess(n.pid);
        log(`sending for ${opts.warmupS} s warm-up + ${opts.durationS} s measured`);
        child.send({ type: 'start' } satisfies OrchestratorCommand);
      });
    } else if (event.type === 'measure-start') {
      windowStartedAt = performance.now();
      selfCpu = process.cpuUsage();
      for (const n of samples.nodes) n.start = sampleProcess(n.pid);
      samples.loadStart = sampleProcess(child.pid);
      servicesMeter?.start();
      samples.machineBusyStart = sampleMachineBusySeconds();
    } else if (event.type === 'measure-end') {
      samples.machineBusyEnd = sampleMachineBusySeconds();
      for (const n of samples.nodes) n.end = sampleProcess(n.pid);
      samples.loadEnd = sampleProcess(child.pid);
      samples.services = servicesMeter?.stop();
      const self = process.cpuUsage(selfCpu);
      samples.orchestratorCpuS = (self.user + self.system) / 1e6;
      samples.windowS = (performance.now() - windowStartedAt) / 1000;
      log(`measured window done; draining (at most ${DRAIN_MS / 1000} s)`);
    }
  });
  return new Promise((resolve, reject) => {
    // 'close' comes after the child's stdout has ended, so the result line has been read.
    child.once('close', (code, signal) => {
      if (result) resolve(result);
      else reject(new Error(`load generator exited (code ${code}, signal ${signal}) without a result`));
    });
  });
}

/** Spawns the nodes: node 0 first (it migrates the schema and creates the bootstrap key), then the rest together. */
async function startNodes(workDir: string, apiKey: string, services: RunServices | undefined, runId: string) {
  const tokenSecret = randomBytes(48).toString('base64url');
  const ports: number[] = [];
  while (ports.length < opts.nodes) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  const start = (i: number): Promise<ServerProcess> => {
    const label = opts.nodes > 1 ? `[node ${i}]` : '[server]';
    return spawnServer({
      port: ports[i] as number,
      dataDir: join(workDir, `data-${i}`),
      apiKey,
      cpu: NODE_CPU,
      label,
      env: services
        ? {
            DATABASE_URL: services.databaseUrl,
            REDIS_URL: services.redisUrl,
            PARLEY_REDIS_PREFIX: services.redisPrefix,
            PARLEY_TOKEN_SECRET: tokenSecret,
            PARLEY_NODE_ID: `bench-${runId}-node${i}`,
          }
        : {},
      secrets: { 'token secret': tokenSecret },
      onSpawned: (stop) => cleanups.push(stop),
    }).then((server) => {
      server.child.once('exit', (code, signal) => {
        if (!cleaning) log(`bench: ${label} exited during the run (code ${code}, signal ${signal})`);
      });
      return server;
    });
  };
  log(
    `starting ${opts.nodes > 1 ? `${opts.nodes} nodes` : 'the server'} on port${opts.nodes > 1 ? 's' : ''} ${ports.join(', ')}`,
  );
  const first = await start(0);
  const rest = await Promise.all(Array.from({ length: opts.nodes - 1 }, (_, i) => start(i + 1)));
  return [first, ...rest];
}

async function main(): Promise<void> {
  const runId = randomBytes(4).toString('hex');
  const workDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  cleanups.push(() => rmSync(workDir, { recursive: true, force: true }));

  let nodes: { url: string; pid: number | undefined }[];
  let apiKey: string;
  let services: RunServices | undefined;
  const run: RunInfo = {
    spawned: opts.url === undefined,
    backend: opts.backend === 'postgres' ? 'postgres+redis' : 'sqlite',
    pinning: {},
  };
  if (opts.url) {
    nodes = [{ url: opts.url, pid: opts.serverPid }];
    apiKey = opts.apiKey as string;
    run.pinning = { loadGenerator: pinGenerator ? `CPU ${GENERATOR_CPU}` : 'unpinned' };
  } else {
    apiKey = `pk_bench_${randomBytes(20).toString('hex')}`;
    if (opts.backend === 'postgres') {
      services = await prepareServices(opts, runId, (created) => {
        log(`created database ${created.databaseName}; Redis prefix ${created.redisPrefix}`);
        cleanups.push(async () => {
          await created.dropDatabase();
          log(`dropped database ${created.databaseName}`);
        });
        cleanups.push(async () => {
          const deleted = await created.deleteRedisKeys();
          log(`deleted ${deleted} Redis keys under ${created.redisPrefix}`);
        });
      });
      if (services.postmasterPid === undefined)
        log('PostgreSQL runs outside this pid namespace: its CPU is n/a');
      if (services.redisPid === undefined)
        log('redis-server runs outside this pid namespace: its CPU is n/a');
    }
    const servers = await startNodes(workDir, apiKey, services, runId);
    nodes = servers.map((server) => ({ url: server.url, pid: server.pid }));
    const pinNodes = existsSync(TASKSET);
    run.pinning = {
      [opts.nodes > 1 ? 'nodes' : 'server']: pinNodes ? `CPU ${NODE_CPU}` : 'unpinned',
      loadGenerator: pinGenerator && pinNodes ? `CPU ${GENERATOR_CPU}` : 'unpinned',
      ...(services && { postgresAndRedis: 'unpinned' }),
    };
  }

  const api = new AdminApi((nodes[0] as { url: string }).url, apiKey);
  const roomCount = opts.clients / opts.roomSize;
  log(`creating ${opts.clients} users, tokens and ${roomCount} threads`);
  const setupStart = performance.now();
  const rooms = await createRooms(api, runId, roomCount, opts.roomSize, log);
  log(`setup done in ${((performance.now() - setupStart) / 1000).toFixed(1)} s`);

  const config: GeneratorConfig = {
    urls: nodes.map((n) => n.url),
    runId,
    rate: opts.rate,
    warmupMs: opts.warmupS * 1000,
    durationMs: opts.durationS * 1000,
    drainMs: DRAIN_MS,
    connectConcurrency: CONNECT_CONCURRENCY,
    rooms,
  };
  const configPath = join(workDir, 'load-config.json');
  writeFileSync(configPath, JSON.stringify(config), { mode: 0o600 });

  await sleep(SETTLE_MS);
  const samples: Samples = {
    nodes: nodes.map((n): NodeSamples => ({ ...n, rssBeforeConnect: sampleProcess(n.pid) })),
  };
  log(
    `connecting ${opts.clients} WebSocket clients (${CONNECT_CONCURRENCY} at a time)` +
      (nodes.length > 1 ? `, round robin over ${nodes.length} nodes` : ''),
  );
  const result = await runGenerator(configPath, samples, services && new ServicesCpuMeter(services));

  const acks = new Map(result.threads.map((t) => [t.threadId, t]));
  const store = await checkStored(api, rooms, acks);
  const report = buildReport(opts, run, result, samples, store);
  await cleanup();
  printReport(report);
}

main().then(
  () => process.exit(0),
  (err: unknown) => abort(err instanceof Error ? (err.stack ?? err.message) : String(err)),
);
