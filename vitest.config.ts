import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { probeServices } from './packages/server/test/support/services-setup.js';

// The transport suites that also run on PostgreSQL + Redis: same tests, same assertions, other adapters.
const SCALE_OUT_SUITES = [
  'packages/server/test/api-delivery.test.ts',
  'packages/server/test/api-messages.test.ts',
  'packages/server/test/api-participants.test.ts',
  'packages/server/test/api-threads.test.ts',
  'packages/server/test/api-livechat-organizations.test.ts',
  'packages/server/test/api-livechat-departments.test.ts',
  'packages/server/test/api-livechat-settings.test.ts',
  'packages/server/test/api-livechat-business-hours.test.ts',
  'packages/server/test/api-livechat-visitors.test.ts',
  'packages/server/test/api-livechat-conversations.test.ts',
  'packages/server/test/api-livechat-routing.test.ts',
  'packages/server/test/api-livechat-routing-timers.test.ts',
  'packages/server/test/api-livechat-search.test.ts',
  'packages/server/test/api-livechat-inbox.test.ts',
  'packages/server/test/api-livechat-reports.test.ts',
  'packages/server/test/api-accounts.test.ts',
  'packages/server/test/realtime-*.test.ts',
];

export default defineConfig(async () => {
  const services = await probeServices();
  const scaleOut = (services.postgres && services.redis) || process.env.PARLEY_REQUIRE_SERVICES === '1';
  const projects: TestProjectInlineConfiguration[] = [
    {
      extends: true,
      test: {
        name: 'default',
        include: ['packages/*/test/**/*.test.ts'],
        // The fault suites restart PostgreSQL and Redis: they run on their own, after this one
        // (vitest.faults.config.ts).
        exclude: ['**/node_modules/**', 'packages/*/test/faults/**'],
      },
    },
  ];
  if (scaleOut) {
    projects.push({
      extends: true,
      test: { name: 'postgres-redis', include: SCALE_OUT_SUITES, env: { TEST_BACKEND: 'postgres-redis' } },
    });
  }
  return {
    test: {
      testTimeout: 30_000,
      hookTimeout: 30_000,
      // Each file starts its own server on port 0 with its own SQLite file; two workers fit two cores.
      maxWorkers: 2,
      globalSetup: ['packages/server/test/support/services-setup.ts'],
      projects,
    },
  };
});
