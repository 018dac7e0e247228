import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from './databases.js';
import { adminClient, deleteKeys } from './redis.js';
import { makeApi, type Api } from './server.js';
import { TEST_REDIS_URL } from './services.js';

/**
 * Several Parley nodes as real processes (`node --import tsx
 * packages/server/src/main.ts`) sharing one fresh PostgreSQL database and one
 * Redis key prefix, for the fault suites. Nodes can be killed, restarted and
 * stopped; each node's output is kept (the last lines) so that a failure can
 * show what the nodes said.
 *
 * The database `parley_fault_<random>` is created through TEST_DATABASE_URL
 * and dropped by `stop()`, which also deletes the cluster's Redis keys.
 */

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const MAIN = join(REPO_ROOT, 'packages/server/src/main.ts');
const BANNER = /REST API\s+(http:\/\/\S+)\/v1/;
const OUTPUT_LINES = 400;

export interface ClusterOptions {
  nodes: number;
  /** Extra environment for every node (limits, intervals). */
  env?: Record<string, string>;
  /** How long a node may take to print its banner. */
  startTimeoutMs?: number;
}

export interface ClusterNode {
  readonly index: number;
  readonly nodeId: string;
  /** http://127.0.0.1:port; the port stays the same across restarts. */
  url: string;
  wsUrl: string;
  /** REST calls to this node, with the admin API key by default. */
  api: Api;
  process: ChildProcess | null;
  /** The last lines the node printed (stdout and stderr, interleaved as they came). */
  readonly output: string[];
  /** How the node's previous runs ended, for the failure report. */
  readonly exits: string[];
}

export class Cluster {
  readonly nodes: ClusterNode[] = [];
  private stopped = false;
  private forgetOrphans: () => void = () => undefined;

  private constructor(
    readonly databaseUrl: string,
    private readonly dropDatabase: () => Promise<void>,
    readonly redisPrefix: string,
    readonly apiKey: string,
    private readonly baseEnv: Record<string, string>,
    private readonly dataDir: string,
    private readonly startTimeoutMs: number,
  ) {}

  /**
   * Creates the database, then starts node 0 (it applies the migrations and
   * creates the admin key) and the others together. If any node fails to
   * start, everything started so far is stopped again and the error names
   * the node and shows its output.
   */
  static async start(options: ClusterOptions): Promise<Cluster> {
    const database = await createTestDatabase('fault');
    const redisPrefix = `parley-fault-${randomBytes(6).toString('hex')}:`;
    const apiKey = `pk_fault_${randomBytes(24).toString('hex')}`;
    const env: Record<string, string> = {
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      PARLEY_REDIS_PREFIX: redisPrefix,
      PARLEY_TOKEN_SECRET: randomBytes(32).toString('hex'),
      PARLEY_BOOTSTRAP_API_KEY: apiKey,
      ...options.env,
    };
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-fault-'));
    const cluster = new Cluster(
      database.url,
      database.drop,
      redisPrefix,
      apiKey,
      env,
      dataDir,
      options.startTimeoutMs ?? 30_000,
    );
    // If the test process goes away without stop() (a crash, a killed run), its nodes go with it.
    const orphans = () => {
      for (const node of cluster.nodes) node.process?.kill('SIGKILL');
    };
    process.once('exit', orphans);
    cluster.forgetOrphans = () => process.off('exit', orphans);
    try {
      for (let i = 0; i < options.nodes; i++) {
        cluster.nodes.push({
          index: i,
          nodeId: `node-${i}`,
          url: '',
          wsUrl: '',
          api: makeApi('http://127.0.0.1:1', apiKey),
          process: null,
          output: [],
          exits: [],
        });
      }
      await cluster.launch(0);
      await Promise.all(cluster.nodes.slice(1).map((node) => cluster.launch(node.index)));
    } catch (err) {
      await cluster.stop().catch(() => undefined);
      throw err;
    }
    return cluster;
  }

  node(i: number): ClusterNode {
    const node = this.nodes[i];
    if (!node) throw new Error(`no node ${i}`);
    return node;
  }

  isRunning(i: number): boolean {
    const proc = this.node(i).process;
    return proc !== null && proc.exitCode === null && proc.signalCode === null;
  }

  /** Sends `signal` to node i and waits until the process has exited. */
  async kill(i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const node = this.node(i);
    const proc = node.process;
    if (!proc || !this.isRunning(i)) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    await exited;
  }

  /** Starts node i again, on the port it had, and waits for its banner. */
  async restart(i: number): Promise<void> {
    if (this.isRunning(i)) throw new Error(`node ${i} is still running`);
    await this.launch(i);
  }

  /**
   * SIGTERM to every node (SIGKILL after 10 s), then drops the database
   * (cutting its connections first) and deletes the Redis keys under the
   * cluster's prefix. Safe to call twice.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.forgetOrphans();
    await Promise.all(
      this.nodes.map(async (node) => {
        if (!this.isRunning(node.index)) return;
        const force = setTimeout(() => node.process?.kill('SIGKILL'), 10_000);
        await this.kill(node.index, 'SIGTERM');
        clearTimeout(force);
      }),
    );
    const problems: unknown[] = [];
    await this.dropDatabase().catch((err: unknown) => problems.push(err));
    const redis = adminClient();
    await deleteKeys(redis, this.redisPrefix).catch((err: unknown) => problems.push(err));
    redis.disconnect();
    rmSync(this.dataDir, { recursive: true, force: true });
    if (problems.length > 0) throw new AggregateError(problems, 'cluster cleanup failed');
  }

  /** The recent output of every node (or one), for failure messages. */
  logs(i?: number): string {
    const nodes = i === undefined ? this.nodes : [this.node(i)];
    return nodes
      .map((node) => {
        const state = this.isRunning(node.index) ? 'running' : 'not running';
        const exits = node.exits.length > 0 ? `; earlier runs: ${node.exits.join(', ')}` : '';
        return `----- ${node.nodeId} (${node.url || 'never listened'}, ${state}${exits}) -----\n${node.output.join('\n')}`;
      })
      .join('\n');
  }

  private launch(i: number): Promise<void> {
    const node = this.node(i);
    const port = node.url === '' ? '0' : new URL(node.url).port;
    const env: Record<string, string> = {
      ...inheritedEnv(),
      ...this.baseEnv,
      PORT: port,
      PARLEY_NODE_ID: node.nodeId,
      PARLEY_DATA_DIR: join(this.dataDir, node.nodeId),
    };
    node.output.push(`----- start (port ${port}) at ${new Date().toISOString()} -----`);
    const proc = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    node.process = proc;
    const record = (line: string) => {
      node.output.push(line);
      if (node.output.length > OUTPUT_LINES) node.output.splice(0, node.output.length - OUTPUT_LINES);
    };
    return new Promise<void>((resolve, reject) => {
      let listening = false;
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(
          new Error(`${node.nodeId} printed no banner within ${this.startTimeoutMs} ms\n${this.logs(i)}`),
        );
      }, this.startTimeoutMs);
      const onLine = (line: string) => {
        record(line);
        const match = BANNER.exec(line);
        if (!match || listening) return;
        listening = true;
        clearTimeout(timer);
        node.url = match[1]!;
        node.wsUrl = `${node.url.replace(/^http/, 'ws')}/v1/realtime`;
        node.api = makeApi(node.url, this.apiKey);
        resolve();
      };
      lines(proc.stdout, onLine);
      lines(proc.stderr, onLine);
      proc.once('exit', (code, signal) => {
        node.exits.push(signal ?? `exit ${code}`);
        record(`----- exited (${signal ?? `code ${code}`}) at ${new Date().toISOString()} -----`);
        if (listening) return;
        clearTimeout(timer);
        reject(new Error(`${node.nodeId} exited before listening (${signal ?? code})\n${this.logs(i)}`));
      });
    });
  }
}

/** The parent's environment without PARLEY_* (the server rejects unknown ones) and without test settings. */
function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (
      value === undefined ||
      key.startsWith('PARLEY_') ||
      key.startsWith('VITEST') ||
      key === 'NODE_OPTIONS'
    )
      continue;
    if (key === 'DATABASE_URL' || key === 'REDIS_URL' || key === 'PORT' || key === 'HOST') continue;
    env[key] = value;
  }
  return env;
}

function lines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) onLine(part);
  });
  stream.on('end', () => {
    if (rest !== '') onLine(rest);
  });
}
