import type { ThreadEvent } from '@parley/protocol';
import type { Connection } from './connection.js';

/**
 * The live events of one thread on this node, delivered to the local
 * connections that follow it, strictly in position order.
 *
 * The bus may deliver an action's events late, twice or (with a networked
 * adapter) not at all; the channel restores order from positions: duplicates
 * are dropped, early events wait for the missing ones, and a gap that does not
 * fill by itself is repaired from the Store. Each event is encoded once and the
 * same bytes go to every follower.
 */
export class ThreadChannel {
  readonly followers = new Set<Connection>();
  /** Position expected next; null until the baseline is read from the Store. */
  private nextPos: number | null = null;
  private readonly early = new Map<number, ThreadEvent>();
  private repairTimer: NodeJS.Timeout | null = null;
  unsubscribe: (() => Promise<void>) | null = null;

  constructor(
    readonly tenantId: string,
    readonly threadId: string,
    private readonly hooks: {
      /** Reads events after a position from the Store (gap repair). */
      eventsAfter(pos: number): Promise<ThreadEvent[]>;
      /** Runs after an event went to the followers (membership changes, metrics). */
      delivered(channel: ThreadChannel, event: ThreadEvent, recipients: number): void;
      repairDelayMs: number;
    },
  ) {}

  /** Sets the baseline: events up to `lastPos` are already committed and are not live news. */
  start(lastPos: number): void {
    this.nextPos = lastPos + 1;
    this.drainEarly();
  }

  receive(event: ThreadEvent): void {
    if (this.nextPos !== null && event.pos < this.nextPos) return;
    // A deletion is final and erases the log before it, so a gap in front of it can never be
    // repaired: it is delivered at once, and whatever was missing went with the thread.
    const final = event.type === 'thread.deleted' && this.nextPos !== null;
    if (!final && (this.nextPos === null || event.pos > this.nextPos)) {
      this.early.set(event.pos, event);
      if (this.nextPos !== null) this.scheduleRepair();
      return;
    }
    if (final) this.early.clear();
    this.deliver(event);
    this.drainEarly();
  }

  /**
   * The Store holds events up to `storedPos`: fetch and deliver any this
   * channel has not seen (the bus dropped them, or their publisher died
   * between commit and publish). Resolves with how many were delivered.
   */
  async catchUp(storedPos: number): Promise<number> {
    let delivered = 0;
    while (this.nextPos !== null && storedPos >= this.nextPos) {
      const before = this.nextPos;
      const events = await this.hooks.eventsAfter(before - 1);
      for (const event of events) this.receive(event);
      if (this.nextPos === null || this.nextPos === before) break; // nothing new: deleted, or already closed
      delivered += this.nextPos - before;
    }
    return delivered;
  }

  /** Position expected next, null before the baseline is known. */
  get expected(): number | null {
    return this.nextPos;
  }

  close(): void {
    if (this.repairTimer) clearTimeout(this.repairTimer);
    this.repairTimer = null;
    this.early.clear();
  }

  private deliver(event: ThreadEvent): void {
    this.nextPos = event.pos + 1;
    const frame = Buffer.from(JSON.stringify(event));
    let recipients = 0;
    for (const connection of this.followers)
      if (connection.deliver(this.threadId, event.pos, frame)) recipients++;
    this.hooks.delivered(this, event, recipients);
  }

  private drainEarly(): void {
    // The usual case, on every in-order event: nothing is waiting.
    if (this.nextPos === null || this.early.size === 0) return;
    for (const pos of [...this.early.keys()]) if (pos < this.nextPos) this.early.delete(pos);
    let next = this.early.get(this.nextPos);
    while (next) {
      this.early.delete(next.pos);
      this.deliver(next);
      next = this.early.get(this.nextPos);
    }
    if (this.early.size === 0 && this.repairTimer) {
      clearTimeout(this.repairTimer);
      this.repairTimer = null;
    }
  }

  private scheduleRepair(): void {
    if (this.repairTimer) return;
    this.repairTimer = setTimeout(() => {
      this.repairTimer = null;
      if (this.early.size === 0 || this.nextPos === null) return;
      this.hooks
        .eventsAfter(this.nextPos - 1)
        .then((events) => {
          for (const event of events) this.receive(event);
        })
        .catch(() => this.scheduleRepair());
    }, this.hooks.repairDelayMs);
    this.repairTimer.unref();
  }
}
