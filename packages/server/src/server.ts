import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { createCore, type Core } from './core/index.js';
import { systemClock, type Clock } from './core/clock.js';
import type { Bus } from './core/ports/bus.js';
import type { Store } from './core/ports/store.js';
import { MemoryBus } from './bus/memory-bus.js';
import { SqliteStore } from './store/sqlite/sqlite-store.js';
import { buildHttp } from './http/app.js';
import { Gateway } from './realtime/gateway.js';
import { Metrics } from './metrics.js';
import type { ServerConfig } from './config.js';

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  port: number;
  core: Core;
  /** The bootstrap admin API key, only on the very first start. */
  bootstrapApiKey: string | null;
  close(): Promise<void>;
}

/**
 * Wires one node: the SQLite store under the data directory, the in-process
 * bus, the domain, REST and WebSocket. Tests start it on port 0.
 */
export async function startServer(
  config: ServerConfig,
  options: { clock?: Clock; logger?: FastifyBaseLogger } = {},
): Promise<RunningServer> {
  mkdirSync(config.dataDir, { recursive: true });
  const logger = options.logger ?? (pino({ level: config.logLevel }) as unknown as FastifyBaseLogger);
  const metrics = new Metrics();
  const store: Store = SqliteStore.open({
    file: join(config.dataDir, 'parley.db'),
    synchronous: config.sqliteSynchronous,
    onCommit: ({ messages, ms }) => {
      metrics.messagesStored.inc(messages);
      metrics.storeCommit.observe(ms / 1000);
    },
  });
  const bus: Bus = new MemoryBus((err) => logger.error({ err }, 'bus handler failed'));
  const core = createCore({
    store,
    bus,
    clock: options.clock ?? systemClock,
    config: {
      limits: config.limits,
      tokenSecret: tokenSecret(config),
      tokenTtlSeconds: config.tokenTtlSeconds,
    },
  });
  const boot = await core.bootstrap({
    tenantName: 'Default',
    ...(config.bootstrapApiKey !== undefined && { apiKeySecret: config.bootstrapApiKey }),
  });
  const app = await buildHttp(core, metrics, logger);
  const gateway = new Gateway(core, metrics, logger, {
    path: '/v1/realtime',
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    allowedOrigins: config.allowedOrigins,
    helloTimeoutMs: 10_000,
  });
  gateway.attachTo(app.server);
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  let closed = false;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    core,
    bootstrapApiKey: boot?.apiKey ?? null,
    async close() {
      if (closed) return;
      closed = true;
      await gateway.close();
      await app.close();
      await bus.close();
      await store.close();
    },
  };
}

/** The token signing secret: from config, else generated once and kept beside the database. */
function tokenSecret(config: ServerConfig): Uint8Array {
  if (config.secrets.tokenSecret) return new TextEncoder().encode(config.secrets.tokenSecret);
  const file = join(config.dataDir, 'token-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
}
