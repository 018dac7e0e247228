import type { ResumeState, ThreadEvent } from '@parley/protocol';

/** What `accept` decided about a thread event. */
export type Acceptance = 'new' | 'duplicate' | 'gap';

/**
 * The last position seen per thread, and the `serverTime` of the last
 * `ready`: exactly what a reconnecting client sends as `resume`. Positions are
 * per thread and contiguous, so a position at or below the last one is a
 * duplicate (a replay overlapping a live copy) and is dropped.
 */
export class PositionTracker {
  private readonly last = new Map<string, number>();
  private since: number | undefined;

  /**
   * Records an event's position. A thread seen for the first time may start
   * anywhere (the user joined it late); after that, a jump is a `gap`: the
   * event is still taken, and the caller asks the application to refetch.
   */
  accept(event: ThreadEvent): Acceptance {
    const previous = this.last.get(event.threadId);
    if (previous !== undefined && event.pos <= previous) return 'duplicate';
    this.last.set(event.threadId, event.pos);
    return previous !== undefined && event.pos !== previous + 1 ? 'gap' : 'new';
  }

  /** Forgets a thread: deleted, left, or to be refetched. */
  forget(threadId: string): void {
    this.last.delete(threadId);
  }

  /** After a REST refetch: events at or below `pos` are already in the application's state. */
  set(threadId: string, pos: number): void {
    this.last.set(threadId, pos);
  }

  markReady(serverTime: number): void {
    this.since = serverTime;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.last);
  }

  /** Undefined before the first `ready`: a first connection has nothing to resume. */
  resume(): ResumeState | undefined {
    if (this.since === undefined) return undefined;
    return { threads: this.snapshot(), since: this.since };
  }
}
