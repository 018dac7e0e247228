import { join } from 'node:path';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Bus } from './core/ports/bus.js';
import type { PresenceDirectory } from './core/ports/presence-directory.js';
import type { Mailer } from './core/ports/mailer.js';
import type { RateLimits } from './core/ports/rate-limits.js';
import type { Store } from './core/ports/store.js';
import { MemoryBus } from './bus/memory-bus.js';
import { RedisBus } from './bus/redis-bus.js';
import { MemoryPresenceDirectory } from './presence/memory-presence-directory.js';
import { RedisPresenceDirectory } from './presence/redis-presence-directory.js';
import { MemoryRateLimits } from './rate-limits/memory-rate-limits.js';
import { RedisRateLimits } from './rate-limits/redis-rate-limits.js';
import { SmtpMailer, redactSmtpUrl } from './mail/smtp-mailer.js';
import { DisabledMailer } from './mail/disabled-mailer.js';
import { SqliteStore } from './store/sqlite/sqlite-store.js';
import { PostgresStore } from './store/postgres/postgres-store.js';
import type { Metrics } from './metrics.js';
import type { ServerConfig } from './config.js';

/** The adapters behind the core's ports, chosen by the configuration. */
export interface Backends {
  store: Store;
  bus: Bus;
  presenceDirectory: PresenceDirectory;
  rateLimits: RateLimits;
  /** Outgoing mail: SMTP when configured, else a mailer that refuses every mail. */
  mailer: Mailer;
  /** For the start banner and logs: e.g. "PostgreSQL + Redis". */
  description: string;
  close(): Promise<void>;
}

/**
 * One node on its own: SQLite under the data directory and in-process bus,
 * presence and rate limits. With DATABASE_URL, PostgreSQL; with REDIS_URL as
 * well, Redis carries the bus, presence and rate limits between nodes. Mail
 * goes through SMTP when PARLEY_SMTP_URL is set.
 * Whatever opened before a failure is closed again, so a failed boot leaves
 * no connection behind.
 */
export async function openBackends(
  config: ServerConfig,
  metrics: Metrics,
  logger: FastifyBaseLogger,
): Promise<Backends> {
  const opened: { close(): Promise<void> }[] = [];
  const keep = <T extends { close(): Promise<void> }>(adapter: T): T => (opened.push(adapter), adapter);
  const onCommit = ({ messages, ms }: { messages: number; ms: number }) => {
    metrics.messagesStored.inc(messages);
    metrics.storeCommit.observe(ms / 1000);
  };
  const reporter = (dependency: 'store' | 'bus' | 'presence' | 'rate-limits') => (err: unknown) => {
    metrics.dependencyErrors.inc({ dependency });
    logger.warn({ err, dependency }, `${dependency} error`);
  };
  try {
    const mailer = keep(openMailer(config, logger));
    const store: Store = keep(
      config.databaseUrl === undefined
        ? SqliteStore.open({
            file: join(config.dataDir, 'parley.db'),
            synchronous: config.sqliteSynchronous,
            onCommit,
          })
        : await PostgresStore.open({
            url: config.databaseUrl,
            poolSize: config.postgresPoolSize,
            migrate: config.autoMigrate,
            onCommit,
            onError: reporter('store'),
          }),
    );
    if (config.redisUrl === undefined) {
      const bus = keep(new MemoryBus((err) => logger.error({ err }, 'bus handler failed')));
      return {
        store,
        bus,
        presenceDirectory: keep(new MemoryPresenceDirectory()),
        rateLimits: keep(new MemoryRateLimits()),
        mailer,
        description:
          config.databaseUrl === undefined ? 'SQLite, in-process bus' : 'PostgreSQL, in-process bus',
        close: () => closeAll(opened),
      };
    }
    const redis = { url: config.redisUrl, prefix: config.redisPrefix };
    const bus = keep(await RedisBus.open({ ...redis, onError: reporter('bus') }));
    const presenceDirectory = keep(
      await RedisPresenceDirectory.open({
        ...redis,
        nodeId: config.nodeId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
        onError: reporter('presence'),
      }),
    );
    const rateLimits = keep(await RedisRateLimits.open({ ...redis, onError: reporter('rate-limits') }));
    return {
      store,
      bus,
      presenceDirectory,
      rateLimits,
      mailer,
      description: 'PostgreSQL + Redis',
      close: () => closeAll(opened),
    };
  } catch (err) {
    await closeAll(opened);
    throw err;
  }
}

/**
 * SMTP opens its connections on the first send, so a mail server that is down
 * does not stop the boot: sends fail with `DependencyUnavailableError` until
 * it is back. Without SMTP, mail is refused (never dropped), and the log says so.
 */
function openMailer(config: ServerConfig, logger: FastifyBaseLogger): Mailer {
  if (config.smtpUrl === undefined || config.mailFrom === undefined) {
    logger.info('mail is not configured (PARLEY_SMTP_URL): sending mail will fail');
    return new DisabledMailer();
  }
  logger.info({ smtp: redactSmtpUrl(config.smtpUrl), from: config.mailFrom }, 'mail goes through SMTP');
  return new SmtpMailer({ url: config.smtpUrl, from: config.mailFrom });
}

/** Closes in reverse order of opening, going on past failures. */
async function closeAll(opened: { close(): Promise<void> }[]): Promise<void> {
  for (const adapter of opened.reverse()) await adapter.close().catch(() => undefined);
}
