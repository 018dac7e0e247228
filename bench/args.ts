import { parseArgs } from 'node:util';

export interface BenchOptions {
  clients: number;
  roomSize: number;
  /** Total messages per second over all rooms. */
  rate: number;
  durationS: number;
  warmupS: number;
  /** An already running server; when absent the bench spawns one. */
  url?: string;
  apiKey?: string;
  /** Pid of the server behind --url, to sample its CPU and RSS. */
  serverPid?: number;
  /** Server nodes to spawn; clients and senders are spread over them round robin. */
  nodes: number;
  /** `sqlite`: one node on SQLite with the in-process bus. `postgres`: PostgreSQL + Redis (any node count). */
  backend: Backend;
  /** Admin connection used to create (and drop) the run's own PostgreSQL database. */
  pgAdminUrl: string;
  redisUrl: string;
}

export type Backend = 'sqlite' | 'postgres';

export const DEFAULT_PG_ADMIN_URL = 'postgres://root@127.0.0.1:5432/test';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** The sender-node index is stored in a byte per message; more nodes than cores is already meaningless. */
const MAX_NODES = 16;

export const USAGE = `Usage: npm run bench -- [options]

  --clients N      WebSocket clients (default 2000)
  --room-size K    participants per thread; clients must be a multiple of K (default 10)
  --rate M         messages per second over all rooms (default 1000)
  --duration D     measured seconds, after a warm-up (default 20)
  --warmup W       warm-up seconds, not measured (default 2)
  --url URL        use a running server (e.g. http://127.0.0.1:3000) instead of spawning one
  --api-key KEY    API key for --url (default: $PARLEY_API_KEY or $PARLEY_BOOTSTRAP_API_KEY)
  --server-pid P   pid of the --url server, to report its CPU and RSS
  --nodes N        server nodes to spawn (default 1); N >= 2 runs on PostgreSQL + Redis
  --backend B      sqlite (default with 1 node) or postgres (PostgreSQL + Redis; the only choice for N >= 2)
  --pg-url URL     admin connection that creates and drops the run's database
                   (default ${DEFAULT_PG_ADMIN_URL})
  --redis-url URL  Redis for --backend postgres (default ${DEFAULT_REDIS_URL})
  --help           this text`;

/** Exits with status 2 and a message on bad input, as command-line tools do. */
function fail(message: string): never {
  console.error(`bench: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function positiveNumber(name: string, raw: string | undefined, fallback: number, integer: boolean): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    fail(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got "${raw}"`);
  }
  return value;
}

export function parseBenchArgs(argv: string[]): BenchOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        clients: { type: 'string' },
        'room-size': { type: 'string' },
        rate: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        url: { type: 'string' },
        'api-key': { type: 'string' },
        'server-pid': { type: 'string' },
        nodes: { type: 'string' },
        backend: { type: 'string' },
        'pg-url': { type: 'string' },
        'redis-url': { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  const str = (name: string): string | undefined => {
    const v = values[name];
    return typeof v === 'string' ? v : undefined;
  };
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const nodes = positiveNumber('nodes', str('nodes'), 1, true);
  if (nodes > MAX_NODES) fail(`--nodes must be at most ${MAX_NODES}`);
  const backendRaw = str('backend') ?? (nodes > 1 ? 'postgres' : 'sqlite');
  if (backendRaw !== 'sqlite' && backendRaw !== 'postgres')
    fail(`--backend must be sqlite or postgres, got "${backendRaw}"`);
  const backend: Backend = backendRaw;
  if (backend === 'sqlite' && nodes > 1)
    fail('--nodes above 1 needs --backend postgres: SQLite nodes cannot share data or a bus');
  const pgAdminUrl = str('pg-url') ?? DEFAULT_PG_ADMIN_URL;
  if (!/^postgres(ql)?:\/\//.test(pgAdminUrl)) fail('--pg-url must start with postgres:// or postgresql://');
  const redisUrl = str('redis-url') ?? DEFAULT_REDIS_URL;
  if (!/^rediss?:\/\//.test(redisUrl)) fail('--redis-url must start with redis:// or rediss://');

  const clients = positiveNumber('clients', str('clients'), 2000, true);
  const roomSize = positiveNumber('room-size', str('room-size'), 10, true);
  if (roomSize > 250) fail('--room-size must be at most 250 (participants per thread)');
  if (clients % roomSize !== 0)
    fail(`--clients (${clients}) must be a multiple of --room-size (${roomSize})`);
  const warmupRaw = str('warmup');
  const warmupS = warmupRaw === '0' ? 0 : positiveNumber('warmup', warmupRaw, 2, false);

  const url = str('url');
  if (url !== undefined && !/^https?:\/\//.test(url)) fail('--url must start with http:// or https://');
  const apiKey = str('api-key') ?? process.env.PARLEY_API_KEY ?? process.env.PARLEY_BOOTSTRAP_API_KEY;
  if (url !== undefined && !apiKey) fail('--url needs an API key: --api-key or $PARLEY_API_KEY');
  if (url !== undefined && (nodes > 1 || backend !== 'sqlite'))
    fail('--url measures one running server; --nodes and --backend apply to servers the bench spawns');
  const pidRaw = str('server-pid');

  return {
    clients,
    roomSize,
    rate: positiveNumber('rate', str('rate'), 1000, false),
    durationS: positiveNumber('duration', str('duration'), 20, false),
    warmupS,
    url: url?.replace(/\/+$/, ''),
    apiKey,
    serverPid: pidRaw === undefined ? undefined : positiveNumber('server-pid', pidRaw, 0, true),
    nodes,
    backend,
    pgAdminUrl,
    redisUrl,
  };
}
