import type { ChatClient, LocalMessage } from '@parley/sdk';
import { ExternalStore } from './external-store.js';

/** Local records kept after they leave the SDK's outbox (read), so a row can still say "read". */
const MAX_SETTLED = 500;

/**
 * This client's sent messages as the SDK's outbox reports them (local echo,
 * then `sent`, `delivered`, `read` or `failed`), keyed by `clientMessageId`.
 * Pending entries restored from storage after a reload are there from the start.
 */
export class OutboxStore {
  readonly store: ExternalStore<ReadonlyMap<string, LocalMessage>>;
  private off: (() => void) | undefined;

  constructor(private readonly client: ChatClient) {
    this.store = new ExternalStore<ReadonlyMap<string, LocalMessage>>(new Map(), {
      onFirstSubscribe: () => this.attach(),
      onLastUnsubscribe: () => this.off?.(),
    });
  }

  private attach(): void {
    const current = new Map(this.store.getSnapshot());
    for (const local of this.client.realtime.localMessages()) current.set(local.clientMessageId, local);
    this.store.set(current);
    this.off = this.client.on('messageStateChanged', (local) => this.put(local));
  }

  /** Records a message now (the SDK's own event may come before the caller holds it). */
  put(local: LocalMessage): void {
    this.store.update((map) => {
      const next = new Map(map);
      // Re-inserting moves the entry to the end: the oldest settled ones are pruned first.
      next.delete(local.clientMessageId);
      next.set(local.clientMessageId, { ...local });
      let settled = 0;
      for (const l of next.values()) if (l.state === 'delivered' || l.state === 'read') settled++;
      for (const [id, l] of next) {
        if (settled <= MAX_SETTLED) break;
        if (l.state !== 'delivered' && l.state !== 'read') continue;
        next.delete(id);
        settled--;
      }
      return next;
    });
  }

  remove(clientMessageId: string): void {
    if (!this.store.getSnapshot().has(clientMessageId)) return;
    this.store.update((map) => {
      const next = new Map(map);
      next.delete(clientMessageId);
      return next;
    });
  }
}
