import type { Bus } from './ports/bus.js';
import type { Store } from './ports/store.js';
import type { PresenceDirectory } from './ports/presence-directory.js';
import type { RateLimits } from './ports/rate-limits.js';
import type { Mailer } from './ports/mailer.js';
import type { Clock } from './clock.js';
import type { CoreConfig } from './config.js';

/**
 * Where the domain reports what an operator must hear of and no caller will
 * (a transcript given up after its retries). The server passes its pino logger.
 */
export interface CoreLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

/** Everything a domain action may use: ports, time, configuration and the log. No globals. */
export interface CoreDeps {
  store: Store;
  bus: Bus;
  presenceDirectory: PresenceDirectory;
  rateLimits: RateLimits;
  mailer: Mailer;
  clock: Clock;
  config: CoreConfig;
  log: CoreLog;
}
