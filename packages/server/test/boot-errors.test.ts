import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { availableServices, TEST_DATABASE_URL } from './support/services.js';
import { createTestDatabase } from './support/databases.js';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const SECRET = 'boot-test-secret-of-at-least-32-bytes';

/** Runs `npm start`'s entry with only `env`; resolves with its exit code and output. */
function boot(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not exit within 20 s:\n${output}`));
    }, 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** A URL of the test server with another database name, or another port. */
function databaseUrl(change: { database?: string; port?: number }): string {
  const url = new URL(TEST_DATABASE_URL);
  if (change.database !== undefined) url.pathname = `/${change.database}`;
  if (change.port !== undefined) url.port = String(change.port);
  return url.toString();
}

describe('boot errors', () => {
  it('refuses a configuration error with exit code 2, naming the variable', async () => {
    const { code, output } = await boot({ DATABASE_URL: 'mysql://db/parley' });
    expect(code).toBe(2);
    expect(output).toContain('DATABASE_URL must start with postgres:// or postgresql://');
  });

  it('says which PostgreSQL cannot be reached, without the password, and exits 1', async () => {
    const url = new URL(databaseUrl({ port: 1 }));
    url.password = 'hunter2-secret';
    const { code, output } = await boot({ DATABASE_URL: url.toString(), PARLEY_TOKEN_SECRET: SECRET });
    expect(code).toBe(1);
    expect(output).toMatch(/cannot reach PostgreSQL at [^\s]+:1: ECONNREFUSED/);
    expect(output).not.toContain('hunter2-secret');
  });

  it.skipIf(!availableServices().postgres)('says when the database does not exist', async () => {
    const { code, output } = await boot({
      DATABASE_URL: databaseUrl({ database: 'parley_no_such_database' }),
      PARLEY_TOKEN_SECRET: SECRET,
    });
    expect(code).toBe(1);
    expect(output).toContain('database "parley_no_such_database" does not exist');
  });

  it.skipIf(!availableServices().postgres)('says which Redis cannot be reached, and exits 1', async () => {
    const database = await createTestDatabase('boot');
    try {
      const { code, output } = await boot({
        DATABASE_URL: database.url,
        REDIS_URL: 'redis://127.0.0.1:1',
        PARLEY_TOKEN_SECRET: SECRET,
      });
      expect(code).toBe(1);
      expect(output).toContain('cannot reach Redis at 127.0.0.1:1: ECONNREFUSED');
    } finally {
      await database.drop();
    }
  });
});
