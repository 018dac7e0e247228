import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Each file starts its own server on port 0 with its own SQLite file; two workers fit two cores.
    maxWorkers: 2,
  },
});
