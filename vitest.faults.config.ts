import { defineConfig } from 'vitest/config';

/**
 * The fault suites: several server processes on real PostgreSQL and Redis,
 * killed and restarted on purpose. They stop and start the shared services,
 * so they run one file at a time and after the main suite.
 */
export default defineConfig({
  test: {
    name: 'faults',
    include: ['packages/*/test/faults/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    globalSetup: ['packages/server/test/support/services-setup.ts'],
  },
});
