import type { Bus } from './ports/bus.js';
import type { Store } from './ports/store.js';
import type { Clock } from './clock.js';
import type { CoreConfig } from './config.js';

/** Everything a domain action may use: ports, time and configuration. No globals. */
export interface CoreDeps {
  store: Store;
  bus: Bus;
  clock: Clock;
  config: CoreConfig;
}
