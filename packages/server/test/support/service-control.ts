import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll } from 'vitest';
import { postgresAnswers, redisAnswers } from './service-probes.js';

/**
 * Stops and starts the real PostgreSQL and Redis of this machine, for the
 * fault suites. Each call returns once the service has stopped answering, or
 * answers again. `restoreServicesAfterAll()` puts both back after a file's
 * tests, whatever happened to them, so one failed test cannot take the
 * services away from the next file.
 *
 * These commands act on the services at 127.0.0.1 (Redis on 6379, the
 * PostgreSQL cluster `main`): the ones TEST_DATABASE_URL and TEST_REDIS_URL
 * name by default.
 */

const run = promisify(execFile);

const REDIS_PORT = '6379';
const REDIS_START_ARGS = [
  '--daemonize',
  'yes',
  '--bind',
  '127.0.0.1',
  '-::1',
  '--port',
  REDIS_PORT,
  '--save',
  '',
  '--appendonly',
  'no',
  '--dir',
  '/var/lib/redis',
  '--logfile',
  '/var/log/redis/ci.log',
];

/** The `pg_ctlcluster` arguments for the local cluster: its version is the one directory in /etc/postgresql. */
function pgCluster(): [version: string, name: string] {
  const versions = readdirSync('/etc/postgresql');
  if (versions.length !== 1)
    throw new Error(`expected one PostgreSQL version in /etc/postgresql, found ${versions}`);
  return [versions[0]!, 'main'];
}

/** Polls `check` every 100 ms until it returns `want`, or throws after `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean>, want: boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while ((await check()) !== want) {
    if (Date.now() > deadline)
      throw new Error(`${what}: still ${want ? 'down' : 'up'} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Shuts Redis down without saving (everything in it is lost, as in a crash), and waits until it is gone. */
export async function stopRedis(): Promise<void> {
  // redis-cli returns an error when the connection drops under it, which is what shutdown does.
  await run('redis-cli', ['-h', '127.0.0.1', '-p', REDIS_PORT, 'shutdown', 'nosave']).catch(() => undefined);
  await until('redis stop', () => redisAnswers(), false, 10_000);
}

/** Starts Redis again (empty) and waits until it answers PING. */
export async function startRedis(): Promise<void> {
  if (await redisAnswers()) return;
  await run('redis-server', REDIS_START_ARGS);
  await until('redis start', () => redisAnswers(), true, 15_000);
}

/** Stops PostgreSQL (fast mode: open sessions are cut) and waits until it refuses connections. */
export async function stopPostgres(): Promise<void> {
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', ...pgCluster(), 'stop', '-m', 'fast']);
  await until('postgres stop', () => postgresAnswers(), false, 15_000);
}

/** Starts PostgreSQL and waits until it answers a query. */
export async function startPostgres(): Promise<void> {
  if (await postgresAnswers()) return;
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', ...pgCluster(), 'start']);
  await until('postgres start', () => postgresAnswers(), true, 30_000);
}

/** Starts whichever of the two services does not answer. */
export async function restoreServices(): Promise<void> {
  const problems: unknown[] = [];
  await startPostgres().catch((err: unknown) => problems.push(err));
  await startRedis().catch((err: unknown) => problems.push(err));
  if (problems.length > 0) throw new AggregateError(problems, 'could not restore the services');
}

/**
 * Registers an `afterAll` that restores both services. Register it after
 * the cluster's own `afterAll`: vitest runs `afterAll` hooks in reverse
 * order, so the services are back before the cluster drops its database.
 */
export function restoreServicesAfterAll(): void {
  afterAll(restoreServices, 60_000);
}
