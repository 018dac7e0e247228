/**
 * The contract `useSyncExternalStore` needs: `subscribe` returns its own
 * unsubscribe, and `getSnapshot` returns the same object until something
 * changed, so React can compare snapshots by identity and never tears.
 */
export interface Readable<T> {
  subscribe(listener: () => void): () => void;
  getSnapshot(): T;
}

/**
 * A value with listeners. Every change replaces the snapshot with a new
 * object (never mutated in place); `onFirstSubscribe` and `onLastUnsubscribe`
 * let a store attach to the SDK only while some component reads it.
 */
export class ExternalStore<T> implements Readable<T> {
  private listeners = new Set<() => void>();
  private snapshot: T;

  constructor(
    initial: T,
    private readonly hooks: { onFirstSubscribe?: () => void; onLastUnsubscribe?: () => void } = {},
  ) {
    this.snapshot = initial;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.hooks.onFirstSubscribe?.();
    return () => {
      if (!this.listeners.delete(listener)) return;
      if (this.listeners.size === 0) this.hooks.onLastUnsubscribe?.();
    };
  };

  readonly getSnapshot = (): T => this.snapshot;

  get subscribed(): boolean {
    return this.listeners.size > 0;
  }

  set(next: T): void {
    if (Object.is(next, this.snapshot)) return;
    this.snapshot = next;
    for (const listener of [...this.listeners]) listener();
  }

  update(change: (current: T) => T): void {
    this.set(change(this.snapshot));
  }
}
