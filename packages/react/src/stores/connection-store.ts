import type { ChatClient, ConnectionState } from '@parley/sdk';
import { ExternalStore } from './external-store.js';

/** The session's state machine, mirrored: `idle`, `connecting`, `connected`, `reconnecting`, `stopped`. */
export function connectionStore(client: ChatClient): ExternalStore<ConnectionState> {
  let off: (() => void) | undefined;
  const store: ExternalStore<ConnectionState> = new ExternalStore<ConnectionState>(client.connectionState, {
    onFirstSubscribe: () => {
      // The state may have moved while nobody listened.
      store.set(client.connectionState);
      off = client.on('connectionStateChanged', (e) => store.set(e.state));
    },
    onLastUnsubscribe: () => off?.(),
  });
  return store;
}
