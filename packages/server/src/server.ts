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
import { ensureDemo, handOverDemo, type Demo } from './demo.js';
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
  /** The demo shop's organization and agent, unless `PARLEY_DEMO=false`. */
  demo: Demo | null;
  close(): Promise<void>;
}

/**
 * Wires one node: the adapters the configuration selects (SQLite and the
 * in-process bus by default), the domain, REST and WebSocket. Tests start it
 * on port 0.
 */
export async function startServer(
  config: ServerConfig,
  options: { clock?: Clock; logger?: FastifyBaseLogger; demoWidgetKey?: () => Promise<string | null> } = {},
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
    mailer: backends.mailer,
    clock: options.clock ?? systemClock,
    config: {
      limits: config.limits,
      tokenSecret: tokenSecret(config),
      tokenTtlSeconds: config.tokenTtlSeconds,
      publicUrl: config.publicUrl ?? `http://localhost:${config.port}`,
      livechat: {
        answerTimeoutMs:
          config.livechat.answerTimeoutSeconds === 0 ? null : config.livechat.answerTimeoutSeconds * 1000,
        awayGraceMs: config.livechat.awayGraceSeconds * 1000,
        transcriptRetryMs: config.livechat.transcriptRetrySeconds * 1000,
      },
    },
    log: logger,
  });
  const boot = await core.bootstrap({
    tenantName: 'Default',
    ...(config.bootstrapApiKey !== undefined && { apiKeySecret: config.bootstrapApiKey }),
  });
  let demo: Demo | null = null;
  const app = await buildHttp(core, metrics, logger, {
    allowedOrigins: config.allowedOrigins,
    trustProxy: config.trustProxy,
    geoHeader: config.geoHeader,
    demoWidgetKey: options.demoWidgetKey ?? (async () => demo?.widgetKey ?? null),
  });
  const gateway = new Gateway(core, metrics, logger, {
    path: '/v1/realtime',
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    allowedOrigins: config.allowedOrigins,
    helloTimeoutMs: 10_000,
    catchUpIntervalMs: config.catchUpIntervalMs,
  });
  gateway.attachTo(app.server);
  const livechatTimers = startLivechatTimers(
    core,
    config.livechat.tickMs,
    options.clock ?? systemClock,
    logger,
  );
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  // With PORT=0 the port is known only now.
  if (config.publicUrl === undefined) core.deps.config.publicUrl = `http://localhost:${port}`;
  if (config.demo) {
    const shop = await ensureDemo(core, [`http://localhost:${port}`, `http://127.0.0.1:${port}`]);
    core.accounts.onSetup((organizationId) => handOverDemo(core, shop, organizationId));
    demo = shop;
  }
  let closed = false;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    core,
    backends: backends.description,
    bootstrapApiKey: boot?.apiKey ?? null,
    demo,
    async close() {
      if (closed) return;
      closed = true;
      livechatTimers.stop();
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

/**
 * Ticks the live-chat timers on this node, and beside them the transcript
 * outbox: two loops, so a slow mail server never delays routing. Ticks of one
 * loop never overlap; a failed one (database down) is logged and the next one
 * tries again.
 */
function startLivechatTimers(core: Core, tickMs: number, clock: Clock, logger: FastifyBaseLogger) {
  const loops = [
    every(tickMs, () => core.tickLivechat(clock.now()), logger, 'live-chat timers failed'),
    every(tickMs, () => core.tickTranscripts(clock.now()), logger, 'transcript outbox failed'),
  ];
  return { stop: () => loops.forEach((timer) => clearInterval(timer)) };
}

function every(ms: number, tick: () => Promise<void>, logger: FastifyBaseLogger, failure: string) {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    tick()
      .catch((err: unknown) => logger.warn({ err }, `${failure}; retrying at the next tick`))
      .finally(() => (running = false));
  }, ms);
  timer.unref();
  return timer;
}
