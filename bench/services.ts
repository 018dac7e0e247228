/**
 * PostgreSQL and Redis for `--backend postgres`: a fresh database and a unique key prefix per run,
 * removed again at the end, and CPU meters for the PostgreSQL processes and redis-server.
 */
import pg from 'pg';
import { Redis } from 'ioredis';
import { childrenOf, readCmdline, readStat, sampleProcess } from './proc.js';

export interface RunServices {
  /** What the nodes get as DATABASE_URL: the admin URL with the run's database name. */
  databaseUrl: string;
  databaseName: string;
  redisUrl: string;
  redisPrefix: string;
  /** The postmaster, when it runs in our pid namespace (its children are the backends). */
  postmasterPid: number | undefined;
  /** redis-server, when it runs in our pid namespace. */
  redisPid: number | undefined;
  /** Terminates the database's connections and drops it. */
  dropDatabase(): Promise<void>;
  /** Deletes every Redis key under the run's prefix; resolves with how many there were. */
  deleteRedisKeys(): Promise<number>;
}

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined); // a server restart mid-query surfaces as the query's rejection
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function withRedis<T>(url: string, fn: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 5000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  await redis.connect();
  try {
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

/** A pid reported by a service, kept only if /proc shows a process of that name under it. */
function localPid(pid: number, commPrefix: string): number | undefined {
  return readStat(pid)?.comm.startsWith(commPrefix) ? pid : undefined;
}

/**
 * Checks that Redis answers and creates the run's database. `onCreated` is called as soon as the
 * database exists, so the caller can register its removal before anything else can fail.
 */
export async function prepareServices(
  opts: { pgAdminUrl: string; redisUrl: string },
  runId: string,
  onCreated: (services: RunServices) => void,
): Promise<RunServices> {
  const redisPid = await withRedis(opts.redisUrl, async (redis) => {
    const info = await redis.info('server');
    const pid = Number(/^process_id:(\d+)/m.exec(info)?.[1]);
    return Number.isInteger(pid) ? localPid(pid, 'redis') : undefined;
  }).catch((err: Error) => {
    throw new Error(`Redis at ${opts.redisUrl} did not answer: ${err.message}`);
  });

  const databaseName = `parley_bench_${runId}`;
  const databaseUrl = new URL(opts.pgAdminUrl);
  databaseUrl.pathname = `/${databaseName}`;
  const redisPrefix = `parley-bench-${runId}:`;

  const postmaster = await withAdmin(opts.pgAdminUrl, async (client) => {
    await client.query(`CREATE DATABASE ${quoteIdent(databaseName)}`);
    const res = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    // Our backend's parent, read while the backend lives.
    const backend = res.rows[0]?.pid;
    return backend === undefined ? undefined : readStat(backend)?.ppid;
  }).catch((err: Error) => {
    throw new Error(`PostgreSQL at ${opts.pgAdminUrl}: could not create the bench database: ${err.message}`);
  });

  const services: RunServices = {
    databaseUrl: databaseUrl.toString(),
    databaseName,
    redisUrl: opts.redisUrl,
    redisPrefix,
    postmasterPid: postmaster === undefined ? undefined : localPid(postmaster, 'postgres'),
    redisPid,
    dropDatabase: () =>
      withAdmin(opts.pgAdminUrl, async (client) => {
        await client.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [databaseName],
        );
        await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(databaseName)} WITH (FORCE)`);
      }),
    deleteRedisKeys: () =>
      withRedis(opts.redisUrl, async (redis) => {
        let deleted = 0;
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length > 0) deleted += await redis.unlink(...keys);
        } while (cursor !== '0');
        return deleted;
      }),
  };
  onCreated(services);
  return services;
}

export interface ServicesCpu {
  /** PostgreSQL backends (and autovacuum workers) of the run's database. */
  postgresBackendsS: number | null;
  /** The postmaster and its background processes (WAL writer, checkpointer…), shared with other databases. */
  postgresSharedS: number | null;
  /** Backends of other databases: not ours, counted as other load. */
  postgresOtherS: number | null;
  redisS: number | null;
}

type PgKind = 'backend' | 'shared' | 'other';

/**
 * CPU of the PostgreSQL processes and redis-server over the measured window. PostgreSQL backends come
 * and go with the nodes' pools, so the postmaster's children are polled during the window: a backend
 * that exits counts up to its last poll, one born during the window counts from zero.
 */
export class ServicesCpuMeter {
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private readonly kinds = new Map<number, PgKind>();
  private redisStart: number | undefined;
  private redisEnd: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private started = false;

  constructor(
    private readonly services: RunServices,
    private readonly pollMs = 1000,
  ) {}

  start(): void {
    this.started = true;
    this.poll(true);
    this.redisStart = sampleProcess(this.services.redisPid)?.cpuSeconds;
    this.timer = setInterval(() => this.poll(false), this.pollMs);
  }

  stop(): ServicesCpu {
    clearInterval(this.timer);
    if (!this.started)
      return { postgresBackendsS: null, postgresSharedS: null, postgresOtherS: null, redisS: null };
    this.poll(false);
    this.redisEnd = sampleProcess(this.services.redisPid)?.cpuSeconds;
    const sums: Record<PgKind, number> = { backend: 0, shared: 0, other: 0 };
    for (const [pid, end] of this.last) {
      sums[this.kinds.get(pid) ?? 'other'] += end - (this.first.get(pid) ?? 0);
    }
    const pgKnown = this.services.postmasterPid !== undefined;
    const round = (v: number): number => Math.round(v * 1000) / 1000;
    return {
      postgresBackendsS: pgKnown ? round(sums.backend) : null,
      postgresSharedS: pgKnown ? round(sums.shared) : null,
      postgresOtherS: pgKnown ? round(sums.other) : null,
      redisS:
        this.redisStart === undefined || this.redisEnd === undefined
          ? null
          : round(this.redisEnd - this.redisStart),
    };
  }

  private poll(initial: boolean): void {
    const postmaster = this.services.postmasterPid;
    if (postmaster === undefined) return;
    const self = readStat(postmaster);
    const processes = childrenOf(postmaster);
    if (self) processes.push({ pid: postmaster, cpuSeconds: self.cpuSeconds });
    for (const { pid, cpuSeconds } of processes) {
      if (!this.kinds.has(pid)) this.kinds.set(pid, pid === postmaster ? 'shared' : this.classify(pid));
      // Seen at the start: counts from there. First seen later: born during the window, counts from 0.
      if (initial) this.first.set(pid, cpuSeconds);
      this.last.set(pid, cpuSeconds);
    }
  }

  /** `postgres: 15/main: root parley_bench_ab12cd34 127.0.0.1(50522) idle` is one of our backends. */
  private classify(pid: number): PgKind {
    const cmdline = readCmdline(pid);
    if (
      cmdline.includes(` ${this.services.databaseName} `) ||
      cmdline.endsWith(` ${this.services.databaseName}`)
    )
      return 'backend';
    if (/\(\d+\)|\[local\]/.test(cmdline)) return 'other';
    return 'shared';
  }
}
