import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { defaultConfig, type ServerConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import type { Clock } from '../../src/core/clock.js';
import { createTestDatabase, uniqueRedisPrefix } from './databases.js';
import { TEST_REDIS_URL } from './services.js';

export interface TestServer {
  server: RunningServer;
  url: string;
  wsUrl: string;
  dataDir: string;
  /** API key of the platform (default) tenant. */
  apiKey: string;
  api: Api;
  close(): Promise<void>;
}

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export type Api = <T = unknown>(
  method: string,
  path: string,
  options?: { body?: unknown; rawBody?: string; auth?: string | null; headers?: Record<string, string> },
) => Promise<ApiResponse<T>>;

/**
 * A real server on port 0 with a fresh SQLite file in a temporary directory,
 * reached over real HTTP. `configure` adjusts the configuration (limits...).
 */
export async function startTestServer(
  configure: (config: ServerConfig) => void = () => undefined,
  options: { clock?: Clock; demoWidgetKey?: () => Promise<string | null> } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-test-'));
  const config = defaultConfig();
  config.port = 0;
  config.host = '127.0.0.1';
  config.dataDir = dataDir;
  config.logLevel = 'silent';
  config.sqliteSynchronous = 'normal';
  // Tests count organizations and agents; the demo has a test of its own.
  config.demo = false;
  // Tests call from loopback as a trusted proxy would, so they can pose as many client addresses.
  config.trustProxy = '127.0.0.1';
  config.bootstrapApiKey = `pk_test_${randomBytes(24).toString('hex')}`;
  config.secrets.tokenSecret = randomBytes(32).toString('hex');
  // The "scale-out" test project runs the same suites on PostgreSQL + Redis (vitest.config.ts).
  const database = process.env.TEST_BACKEND === 'postgres-redis' ? await createTestDatabase('api') : null;
  if (database) {
    config.databaseUrl = database.url;
    config.redisUrl = TEST_REDIS_URL;
    config.redisPrefix = uniqueRedisPrefix('api');
  }
  configure(config);
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) as unknown as FastifyBaseLogger;
  let server: RunningServer;
  try {
    server = await startServer(config, { ...options, logger });
  } catch (err) {
    await database?.drop();
    throw err;
  }
  const apiKey = server.bootstrapApiKey ?? config.bootstrapApiKey;
  const api = makeApi(server.url, apiKey);
  return {
    server,
    url: server.url,
    wsUrl: `${server.url.replace(/^http/, 'ws')}/v1/realtime`,
    dataDir,
    apiKey,
    api,
    async close() {
      await server.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A small fetch wrapper: JSON in and out, `auth` defaults to the given key (null for none). */
export function makeApi(baseUrl: string, defaultAuth: string): Api {
  return async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    const auth = options.auth === undefined ? defaultAuth : options.auth;
    if (auth !== null) headers.authorization = `Bearer ${auth}`;
    let payload: string | undefined;
    if (options.rawBody !== undefined) payload = options.rawBody;
    else if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      ...(payload !== undefined && { body: payload }),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      // not JSON (metrics, docs): keep the text
    }
    return { status: response.status, body: body as never, headers: response.headers };
  };
}

/** Creates a user in the tenant of `apiKey` and issues a token; returns both. */
export async function createUserWithToken(
  api: Api,
  id: string,
  options: {
    apiKey?: string;
    displayName?: string;
    role?: string;
    scopes?: string[];
    expiresInSeconds?: number;
  } = {},
): Promise<{ id: string; token: string }> {
  const auth = options.apiKey;
  const created = await api('POST', '/v1/users', {
    body: { id, displayName: options.displayName ?? id, ...(options.role && { role: options.role }) },
    ...(auth !== undefined && { auth }),
  });
  if (created.status !== 201)
    throw new Error(`create user ${id}: ${created.status} ${JSON.stringify(created.body)}`);
  const issued = await api<{ token: string }>('POST', `/v1/users/${id}/tokens`, {
    body: {
      ...(options.scopes && { scopes: options.scopes }),
      ...(options.expiresInSeconds && { expiresInSeconds: options.expiresInSeconds }),
    },
    ...(auth !== undefined && { auth }),
  });
  if (issued.status !== 201) throw new Error(`token ${id}: ${issued.status} ${JSON.stringify(issued.body)}`);
  return { id, token: issued.body.token };
}
