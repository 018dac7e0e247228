import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

export const TASKSET = '/usr/bin/taskset';

/** Prefixes `command` with `taskset -c <cpu>` when taskset exists, to keep server and load apart. */
export function pinned(cpu: number, command: string, args: string[]): [string, string[]] {
  return existsSync(TASKSET) ? [TASKSET, ['-c', String(cpu), command, ...args]] : [command, args];
}

/** A port that was free a moment ago: listen on port 0, read the port, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the free port'));
      });
    });
  });
}

/** Forwards a child's output lines to our stderr with a prefix, masking each of `secrets`. */
export function forwardLines(
  stream: NodeJS.ReadableStream | null,
  prefix: string,
  secrets: Record<string, string> = {},
): void {
  if (!stream) return;
  createInterface({ input: stream }).on('line', (line) => {
    let text = line;
    for (const [name, secret] of Object.entries(secrets)) text = text.replaceAll(secret, `<${name}>`);
    console.error(prefix ? `${prefix} ${text}` : text);
  });
}

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  stop(): Promise<void>;
}

export interface SpawnServerOptions {
  port: number;
  dataDir: string;
  apiKey: string;
  /** The CPU to pin the node to (when taskset exists). */
  cpu: number;
  /** Prefix of the node's forwarded output lines, e.g. `[server]` or `[node 1]`. */
  label: string;
  /** More settings, e.g. DATABASE_URL, REDIS_URL, PARLEY_TOKEN_SECRET for a PostgreSQL + Redis node. */
  env?: Record<string, string>;
  /** Values masked in the forwarded output, by name. */
  secrets?: Record<string, string>;
  /** Called with the node's stop function as soon as it is spawned, before it is ready. */
  onSpawned?: (stop: () => Promise<void>) => void;
}

/** Our environment minus the server's own settings: it rejects unknown PARLEY_* variables and DATABASE_URL/REDIS_URL. */
function inheritedEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    // These pass through: comparing durability modes and pool sizes is a bench question.
    if (name === 'PARLEY_SQLITE_SYNCHRONOUS' || name === 'PARLEY_PG_POOL_SIZE') continue;
    if (name.startsWith('PARLEY_') || name === 'DATABASE_URL' || name === 'REDIS_URL') delete env[name];
  }
  return env;
}

/** Starts a server node pinned to `opts.cpu` with generous limits, and waits for GET /readyz to answer 200. */
export async function spawnServer(opts: SpawnServerOptions): Promise<ServerProcess> {
  const [command, args] = pinned(opts.cpu, process.execPath, [
    '--import',
    'tsx',
    'packages/server/src/main.ts',
  ]);
  const child = spawn(command, args, {
    cwd: new URL('..', import.meta.url).pathname,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...inheritedEnv(),
      HOST: '127.0.0.1',
      PORT: String(opts.port),
      PARLEY_DATA_DIR: opts.dataDir,
      PARLEY_BOOTSTRAP_API_KEY: opts.apiKey,
      LOG_LEVEL: 'warn',
      PARLEY_USER_SEND_RATE: '1000',
      PARLEY_THREAD_SEND_RATE: '10000',
      PARLEY_SOCKET_BUFFER_BYTES: '4194304',
      ...opts.env,
    },
  });
  const secrets = { 'bench api key': opts.apiKey, ...opts.secrets };
  forwardLines(child.stdout, opts.label, secrets);
  forwardLines(child.stderr, opts.label, secrets);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${opts.port}`;

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  opts.onSpawned?.(stop);
  const deadline = Date.now() + 60_000;
  let early: string | undefined;
  child.once(
    'exit',
    (code, signal) => (early = `${opts.label} exited early (code ${code}, signal ${signal})`),
  );
  for (;;) {
    if (early) throw new Error(early);
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${opts.label} not ready after 60 s (GET /readyz)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (child.pid === undefined) throw new Error('server has no pid');
  return { child, pid: child.pid, url, stop };
}
