import type Database from 'better-sqlite3';

/** Reported after each group commit: how many message appends it held and how long it took. */
export type CommitListener = (info: { messages: number; ms: number }) => void;

interface Pending {
  work: () => unknown;
  isMessage: boolean;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Upper bound on one transaction, so a burst cannot hold the write lock for long. */
const MAX_BATCH = 1000;

/**
 * Group commit. Every write of the store is queued here and runs on the next
 * `setImmediate` together with the writes queued meanwhile, in one immediate
 * transaction (one fsync). A write that throws is rolled back alone and
 * rejects alone (the batch is then replayed with one savepoint per write). Promises settle only after
 * the outer COMMIT: a resolved write is durable. Writes commit in the order
 * they were queued, so positions follow call order within a process.
 */
export class WriteQueue {
  private pending: Pending[] = [];
  private timer: NodeJS.Immediate | null = null;
  private closed = false;
  private readonly fast: (items: Pending[]) => unknown[];
  private readonly careful: (items: Pending[]) => Outcome[];

  constructor(
    db: Database.Database,
    private readonly onCommit?: CommitListener,
  ) {
    // Optimistic path: the whole batch in one transaction, no savepoints (they cost
    // about a sixth of a message append). Almost every batch succeeds whole.
    this.fast = db.transaction((items: Pending[]) => items.map((item) => item.work())).immediate;
    // When any write throws, the fast attempt is rolled back whole and the batch is
    // replayed with one savepoint per write, so that only the failing one fails.
    const savepoint = db.transaction((work: () => unknown) => work());
    this.careful = db.transaction((items: Pending[]) =>
      items.map((item): Outcome => {
        try {
          return { ok: true, value: savepoint(item.work) };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    ).immediate;
  }

  /** Queues `work` (synchronous SQL) and resolves with its result once committed. */
  run<T>(work: () => T, isMessage = false): Promise<T> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, isMessage, resolve: resolve as (value: unknown) => void, reject });
      this.timer ??= setImmediate(() => {
        this.timer = null;
        this.flush();
      });
    });
  }

  /** Commits everything queued so far, synchronously. */
  flush(): void {
    while (this.pending.length > 0) {
      const items = this.pending.splice(0, MAX_BATCH);
      const started = performance.now();
      let outcomes: Outcome[];
      try {
        outcomes = this.commit(items);
      } catch (error) {
        // BEGIN or COMMIT failed (e.g. busy past busy_timeout): nothing of the batch is durable.
        for (const item of items) item.reject(error);
        continue;
      }
      this.onCommit?.({ messages: items.filter((i) => i.isMessage).length, ms: performance.now() - started });
      items.forEach((item, i) => {
        const outcome = outcomes[i]!;
        if (outcome.ok) item.resolve(outcome.value);
        else item.reject(outcome.error);
      });
    }
  }

  private commit(items: Pending[]): Outcome[] {
    try {
      return this.fast(items).map((value) => ({ ok: true, value }));
    } catch {
      return this.careful(items);
    }
  }

  /** Commits what is queued and refuses further writes. */
  close(): void {
    this.closed = true;
    if (this.timer) clearImmediate(this.timer);
    this.timer = null;
    this.flush();
  }
}
