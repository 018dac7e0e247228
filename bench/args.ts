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
}

export const USAGE = `Usage: npm run bench -- [options]

  --clients N      WebSocket clients (default 2000)
  --room-size K    participants per thread; clients must be a multiple of K (default 10)
  --rate M         messages per second over all rooms (default 1000)
  --duration D     measured seconds, after a warm-up (default 20)
  --warmup W       warm-up seconds, not measured (default 2)
  --url URL        use a running server (e.g. http://127.0.0.1:3000) instead of spawning one
  --api-key KEY    API key for --url (default: $PARLEY_API_KEY or $PARLEY_BOOTSTRAP_API_KEY)
  --server-pid P   pid of the --url server, to report its CPU and RSS
  --nodes N        reserved: only 1 is supported for now
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
  const nodes = str('nodes');
  if (nodes !== undefined && nodes !== '1') {
    console.error(
      `bench: --nodes ${nodes} is not supported yet: the fan-out bench runs against one server node.`,
    );
    process.exit(2);
  }

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
  };
}
