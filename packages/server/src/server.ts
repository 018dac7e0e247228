import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { createCore, type Core } from './core/index.js';
import { systemClock, type Clock } from './core/clock.js';
import { openBackends } from './backends.js';
import { buildHttp } from './http/app.js';
import { Gateway } from './realtime/gateway.js';
import { Metrics } from './metrics.js';
import type { ServerConfig } from './config.js';

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  port: number;
  core: Core;
  /** Which adapters run, e.g. "PostgreSQL + Redis". */
  backends: string;
  /** The bootstrap admin API key, only on the very first start. */
  bootstrapApiKey: string | null;
  close(): Promise<void>;
}

/**
 * Wires one node: the adapters the configuration selects (SQLite and the
 * in-process bus by default), the domain, REST and WebSocket. Tests start it
 * on port 0.
 */
export async function startServer(
  config: ServerConfig,
  options: { clock?: Clock; logger?: FastifyBaseLogger } = {},
): Promise<RunningServer> {
  mkdirSync(config.dataDir, { recursive: true });
  const logger = options.logger ?? (pino({ level: config.logLevel }) as unknown as FastifyBaseLogger);
  const metrics = new Metrics();
  const backends = await openBackends(config, metrics, logger);
  const core = createCore({
    store: backends.store,
    bus: backends.bus,
    presenceDirectory: backends.presenceDirectory,
    rateLimits: backends.rateLimits,
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
  const app = await buildHttp(core, metrics, logger, { allowedOrigins: config.allowedOrigins });
  const gateway = new Gateway(core, metrics, logger, {
    path: '/v1/realtime',
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    allowedOrigins: config.allowedOrigins,
    helloTimeoutMs: 10_000,
    catchUpIntervalMs: config.catchUpIntervalMs,
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
    backends: backends.description,
    bootstrapApiKey: boot?.apiKey ?? null,
    async close() {
      if (closed) return;
      closed = true;
      await gateway.close();
      await app.close();
      await backends.close();
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
