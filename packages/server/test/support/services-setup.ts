import pg from 'pg';
import { Redis } from 'ioredis';
import type { TestProject } from 'vitest/node';
import { TEST_DATABASE_URL, TEST_REDIS_URL, type AvailableServices } from './services.js';

/**
 * Vitest global setup: finds out once whether PostgreSQL and Redis answer.
 * With PARLEY_REQUIRE_SERVICES=1 (set by CI) a missing service fails the run;
 * otherwise their suites are skipped and one line says how to enable them.
 */
export default async function setup(project: TestProject): Promise<void> {
  const services = await probeServices();
  const missing = [
    !services.postgres && `PostgreSQL (${TEST_DATABASE_URL})`,
    !services.redis && `Redis (${TEST_REDIS_URL})`,
  ]
    .filter(Boolean)
    .join(' and ');
  if (missing) {
    if (process.env.PARLEY_REQUIRE_SERVICES === '1') {
      throw new Error(`PARLEY_REQUIRE_SERVICES=1 but ${missing} did not answer.`);
    }
    console.warn(
      `Skipping the PostgreSQL/Redis suites: ${missing} did not answer. Start them (or set TEST_DATABASE_URL / TEST_REDIS_URL) to run them.`,
    );
  }
  project.provide('services', services);
}

export async function probeServices(): Promise<AvailableServices> {
  return { postgres: await postgresAnswers(), redis: await redisAnswers() };
}

async function postgresAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function redisAnswers(): Promise<boolean> {
  const client = new Redis(TEST_REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
