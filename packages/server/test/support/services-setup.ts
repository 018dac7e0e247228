import type { TestProject } from 'vitest/node';
import { TEST_DATABASE_URL, TEST_REDIS_URL, type AvailableServices } from './services.js';
import { postgresAnswers, redisAnswers } from './service-probes.js';

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
    // One line per `npm test`: the setup runs for each project (each loads this module anew), and
    // again for the fault run, skipped by the same cause.
    if (!process.env.TEST_SERVICES_WARNED && project.name !== 'faults') {
      console.warn(
        `Skipping the PostgreSQL/Redis suites: ${missing} did not answer. Start them (or set TEST_DATABASE_URL / TEST_REDIS_URL) to run them.`,
      );
    }
    process.env.TEST_SERVICES_WARNED = '1';
  }
  project.provide('services', services);
}

export async function probeServices(): Promise<AvailableServices> {
  return { postgres: await postgresAnswers(2000), redis: await redisAnswers(2000) };
}
