import type { Bus } from './ports/bus.js';
import type { Store } from './ports/store.js';
import type { PresenceDirectory } from './ports/presence-directory.js';
import type { RateLimits } from './ports/rate-limits.js';
import type { Mailer } from './ports/mailer.js';
import type { Clock } from './clock.js';
import type { CoreConfig } from './config.js';

/** Everything a domain action may use: ports, time and configuration. No globals. */
export interface CoreDeps {
  store: Store;
  bus: Bus;
  presenceDirectory: PresenceDirectory;
  rateLimits: RateLimits;
  mailer: Mailer;
  clock: Clock;
  config: CoreConfig;
}
