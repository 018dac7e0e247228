/**
 * Room fan-out benchmark (`npm run bench`). Spawns the server (pinned to CPU 0) unless --url is given,
 * creates users, tokens and one thread per room, runs bench/load-generator.ts in a child process
 * (pinned to CPU 1), samples the server's CPU and RSS around the phases, checks that every acked
 * message is stored, and prints a table plus one JSON line. See bench/README.md.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { AdminApi } from './api.js';
import { parseBenchArgs } from './args.js';
import { sampleMachineBusySeconds, sampleProcess } from './proc.js';
import { buildReport, printReport, type Samples } from './report.js';
import { forwardLines, freePort, pinned, spawnServer, type ServerProcess } from './server-process.js';
import { checkStored, createRooms } from './setup.js';
import type { GeneratorConfig, GeneratorEvent, GeneratorResult, OrchestratorCommand } from './types.js';

const SETTLE_MS = 1000;
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

/** Runs the load generator; resolves with its result line. Samples the server around its phases. */
function runGenerator(
  configPath: string,
  serverPid: number | undefined,
  samples: Samples,
): Promise<GeneratorResult> {
  const pin = availableParallelism() >= 2;
  const node = process.execPath;
  const genArgs = ['--import', 'tsx', 'bench/load-generator.ts', configPath];
  const [command, args] = pin ? pinned(1, node, genArgs) : [node, genArgs];
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
        samples.rssAfterConnect = sampleProcess(serverPid);
        log(`sending for ${opts.warmupS} s warm-up + ${opts.durationS} s measured`);
        child.send({ type: 'start' } satisfies OrchestratorCommand);
      });
    } else if (event.type === 'measure-start') {
      windowStartedAt = performance.now();
      samples.serverStart = sampleProcess(serverPid);
      samples.loadStart = sampleProcess(child.pid);
      samples.machineBusyStart = sampleMachineBusySeconds();
      selfCpu = process.cpuUsage();
    } else if (event.type === 'measure-end') {
      samples.serverEnd = sampleProcess(serverPid);
      samples.loadEnd = sampleProcess(child.pid);
      samples.machineBusyEnd = sampleMachineBusySeconds();
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

async function main(): Promise<void> {
  const runId = randomBytes(4).toString('hex');
  const workDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  cleanups.push(() => rmSync(workDir, { recursive: true, force: true }));

  let server: ServerProcess | undefined;
  let baseUrl: string;
  let apiKey: string;
  let serverPid = opts.serverPid;
  if (opts.url) {
    baseUrl = opts.url;
    apiKey = opts.apiKey as string;
  } else {
    apiKey = `pk_bench_${randomBytes(20).toString('hex')}`;
    const port = await freePort();
    log(`starting server on port ${port}`);
    server = await spawnServer({ port, dataDir: join(workDir, 'data'), apiKey });
    cleanups.push(() => server?.stop());
    server.child.once('exit', (code, signal) => {
      if (!cleaning) log(`bench: the server exited during the run (code ${code}, signal ${signal})`);
    });
    baseUrl = server.url;
    serverPid = server.pid;
  }

  const api = new AdminApi(baseUrl, apiKey);
  const roomCount = opts.clients / opts.roomSize;
  log(`creating ${opts.clients} users, tokens and ${roomCount} threads`);
  const setupStart = performance.now();
  const rooms = await createRooms(api, runId, roomCount, opts.roomSize, log);
  log(`setup done in ${((performance.now() - setupStart) / 1000).toFixed(1)} s`);

  const config: GeneratorConfig = {
    url: baseUrl,
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
  const samples: Samples = { rssBeforeConnect: sampleProcess(serverPid) };
  log(`connecting ${opts.clients} WebSocket clients (${CONNECT_CONCURRENCY} at a time)`);
  const result = await runGenerator(configPath, serverPid, samples);

  const acks = new Map(result.threads.map((t) => [t.threadId, t]));
  const store = await checkStored(api, rooms, acks);
  const report = buildReport(opts, server !== undefined, result, samples, store);
  await cleanup();
  printReport(report);
}

main().then(
  () => process.exit(0),
  (err: unknown) => abort(err instanceof Error ? (err.stack ?? err.message) : String(err)),
);
