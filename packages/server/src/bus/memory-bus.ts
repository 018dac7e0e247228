import type { Bus } from '../core/ports/bus.js';

/**
 * The in-process Bus: the default for one node. Delivery is in publish order
 * per topic and happens on a microtask after `publish`, never inside it, so a
 * publisher's state is settled before any handler runs.
 */
export class MemoryBus implements Bus {
  private readonly handlers = new Map<string, Set<(payload: unknown) => void>>();
  private closed = false;
  /** In-process delivery cannot be interrupted. */
  readonly mayLoseMessages = false;

  constructor(private readonly onHandlerError: (err: unknown) => void = (err) => console.error(err)) {}

  async publish(topic: string, payload: unknown): Promise<void> {
    if (this.closed) return;
    const set = this.handlers.get(topic);
    if (!set || set.size === 0) return;
    // Snapshot: a handler that (un)subscribes during delivery does not change this delivery.
    const targets = [...set];
    queueMicrotask(() => {
      for (const handler of targets) {
        try {
          handler(payload);
        } catch (err) {
          this.onHandlerError(err);
        }
      }
    });
  }

  async subscribe(topic: string, handler: (payload: unknown) => void): Promise<() => Promise<void>> {
    let set = this.handlers.get(topic);
    if (!set) {
      set = new Set();
      this.handlers.set(topic, set);
    }
    // Wrap so the same function may be subscribed twice and unsubscribed independently.
    const entry = (payload: unknown) => handler(payload);
    set.add(entry);
    return async () => {
      const current = this.handlers.get(topic);
      if (!current) return;
      current.delete(entry);
      if (current.size === 0) this.handlers.delete(topic);
    };
  }

  onResumed(): void {}

  async ping(): Promise<void> {
    if (this.closed) throw new Error('bus closed');
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
  }
}
