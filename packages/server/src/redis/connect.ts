import { Redis } from 'ioredis';

export interface ConnectRedisOptions {
  /** The connection's name in `CLIENT LIST` (CLIENT SETNAME), e.g. `parley:bus:sub`. No spaces. */
  name: string;
  /** How long boot may wait for a ready connection; also the TCP connect timeout of each attempt. Default 3000 ms. */
  connectTimeoutMs?: number;
  /** A command without a reply after this long is rejected, so a half-open connection cannot hang a caller. Default 2000 ms. */
  commandTimeoutMs?: number;
  /** Receives the client's `error` events after boot (repeats of one error are reported once per outage). */
  onError?: (err: unknown) => void;
}

/** How an adapter's `open` reaches Redis. */
export interface RedisConnectionOptions {
  url: string;
  /** Base of the connection's name in `CLIENT LIST` (the adapter appends e.g. `:presence`). Default `parley`. */
  name?: string;
  /** How long `open` may wait for Redis. Default 3000 ms. */
  connectTimeoutMs?: number;
}

/** Reconnect delay: 100 ms, 200 ms, … capped at 2 s, forever. */
export const reconnectDelayMs = (attempt: number): number => Math.min(100 * attempt, 2000);

/**
 * Opens an ioredis client for one Parley adapter and resolves once it is
 * ready, or rejects within `connectTimeoutMs` with a message a person can act
 * on (`cannot reach Redis at 127.0.0.1:6379: ECONNREFUSED`; the URL's password
 * is never part of it).
 *
 * After boot the client reconnects by itself forever. It fails fast while
 * disconnected: commands are rejected at once instead of queueing
 * (`enableOfflineQueue: false`), a command lost with its connection is
 * rejected rather than resent, and channels are not re-subscribed behind the
 * caller's back (`autoResubscribe: false`): the adapters decide what to
 * replay, and when.
 */
export async function connectRedis(url: string, options: ConnectRedisOptions): Promise<Redis> {
  const connectTimeoutMs = options.connectTimeoutMs ?? 3000;
  const onError = options.onError ?? ((err: unknown) => console.error(err));
  const client = new Redis(url, {
    connectionName: options.name,
    lazyConnect: true,
    connectTimeout: connectTimeoutMs,
    commandTimeout: options.commandTimeoutMs ?? 2000,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResubscribe: false,
    autoResendUnfulfilledCommands: false,
    retryStrategy: reconnectDelayMs,
  });

  let booted = false;
  let lastError: unknown;
  // One report per distinct error per outage: a retry every two seconds must not flood the log.
  let lastReported: string | undefined;
  client.on('error', (err: unknown) => {
    lastError = err;
    if (!booted) return; // boot failures are reported by the rejection below
    const key = describeError(err);
    if (key === lastReported) return;
    lastReported = key;
    onError(err);
  });
  client.on('ready', () => (lastReported = undefined));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      client.disconnect();
      const reason =
        lastError === undefined ? `no answer within ${connectTimeoutMs} ms` : describeError(lastError);
      reject(new Error(`cannot reach Redis at ${redisAddress(client)}: ${reason}`, { cause: lastError }));
    }, connectTimeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      booted = true;
      resolve();
    };
    client.once('ready', onReady);
    // A failed first attempt is retried by the retry strategy until the timer above gives up.
    client.connect().catch(() => undefined);
  });
  return client;
}

/**
 * Quits politely when connected (pending replies arrive first), and in any
 * case ends the connection and its reconnect loop. Never rejects.
 */
export async function closeRedis(client: Redis, timeoutMs = 1000): Promise<void> {
  if (client.status === 'end') return;
  if (client.status === 'ready') await withTimeout(client.quit(), timeoutMs, 'QUIT').catch(() => undefined);
  client.disconnect();
}

/** `host:port` (or the socket path) of a client, without credentials. */
export function redisAddress(client: Redis): string {
  const { options } = client;
  if ('path' in options && options.path) return options.path;
  const host = ('host' in options && options.host) || 'localhost';
  const port = ('port' in options && options.port) || 6379;
  return `${host}:${port}`;
}

/** Rejects with `Error('<what> timed out after <ms> ms')` unless `promise` settles first. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A Lua script run with EVALSHA (EVAL on a connection's first use), keys first. */
export type RedisScript = (keys: string[], args: (string | number)[]) => Promise<unknown>;

/**
 * Registers a Lua script on the client (ioredis `defineCommand`) and returns a
 * typed caller. The command is written to the socket synchronously, in call
 * order with the client's other commands.
 */
export function defineScript(client: Redis, name: string, lua: string): RedisScript {
  client.defineCommand(name, { lua });
  const command = (client as unknown as Record<string, (...args: (string | number)[]) => Promise<unknown>>)[
    name
  ];
  if (!command) throw new Error(`defineCommand did not define ${name}`);
  return (keys, args) => command.call(client, keys.length, ...keys, ...args);
}

/** The error's code (ECONNREFUSED, ETIMEDOUT…) or else its message. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as Error & { code?: unknown }).code;
    return typeof code === 'string' && code ? code : err.message;
  }
  return String(err);
}
