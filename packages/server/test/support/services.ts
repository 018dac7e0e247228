import { inject } from 'vitest';

/**
 * The real PostgreSQL and Redis the scale-out suites run against. Defaults
 * are this repository's development machine (trust auth on 127.0.0.1);
 * override with TEST_DATABASE_URL and TEST_REDIS_URL.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface AvailableServices {
  postgres: boolean;
  redis: boolean;
}

declare module 'vitest' {
  export interface ProvidedContext {
    services: AvailableServices;
  }
}

/** What the global setup found reachable (it fails the run instead when services are required). */
export function availableServices(): AvailableServices {
  return inject('services');
}
