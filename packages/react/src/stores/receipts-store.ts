import type { ChatClient, ParleyError, ReadReceipt } from '@parley/sdk';
import { ExternalStore } from './external-store.js';
import { toParleyError } from './errors.js';

export interface ReceiptsSnapshot {
  /** Each participant's latest receipt. */
  receipts: readonly ReadReceipt[];
  loading: boolean;
  error: ParleyError | null;
}

const EMPTY: ReceiptsSnapshot = { receipts: [], loading: true, error: null };

/** One thread's latest receipt per participant: every page over REST, then `receipt.created` events. */
export class ReceiptsStore {
  readonly store: ExternalStore<ReceiptsSnapshot>;
  private offs: Array<() => void> = [];
  private generation = 0;

  constructor(
    private readonly client: ChatClient,
    private readonly threadId: string,
  ) {
    this.store = new ExternalStore<ReceiptsSnapshot>(EMPTY, {
      onFirstSubscribe: () => this.attach(),
      onLastUnsubscribe: () => this.detach(),
    });
  }

  private attach(): void {
    this.offs = [
      this.client.on('readReceiptReceived', (e) => {
        if (e.threadId === this.threadId) this.put([e.receipt]);
      }),
    ];
    void this.load();
  }

  private detach(): void {
    for (const off of this.offs) off();
    this.offs = [];
    this.generation++;
    this.store.set(EMPTY);
  }

  private async load(): Promise<void> {
    const generation = this.generation;
    try {
      const all: ReadReceipt[] = [];
      for await (const receipt of this.client.getChatThreadClient(this.threadId).listReadReceipts()) {
        all.push(receipt);
      }
      if (generation !== this.generation) return;
      this.put(all, { loading: false, error: null });
    } catch (err) {
      if (generation !== this.generation) return;
      this.store.update((s) => ({ ...s, loading: false, error: toParleyError(err) }));
    }
  }

  /** Keeps the furthest receipt per user: a late page never moves a reader back. */
  private put(incoming: readonly ReadReceipt[], extra: Partial<ReceiptsSnapshot> = {}): void {
    this.store.update((s) => {
      const byUser = new Map(s.receipts.map((r) => [r.userId, r]));
      for (const r of incoming) {
        const known = byUser.get(r.userId);
        if (!known || known.sequence < r.sequence) byUser.set(r.userId, r);
      }
      return { ...s, ...extra, receipts: [...byUser.values()] };
    });
  }
}
