import pg from 'pg';
import type { AppendMessageInput, Store } from '../../core/ports/store.js';
import { DependencyUnavailableError } from '../../core/ports/unavailable.js';
import { toMessage, type MessageRow } from '../sqlite/rows.js';
import { appendMessageRow, prepareAppend, type AppendOutcome, type AppendRow } from './append-message.js';
import type { Database, Queryable } from './database.js';
import { isDuplicateClientMessageId } from './errors.js';
import { sql } from './sql.js';

export type AppendResult = Awaited<ReturnType<Store['appendMessage']>>;

export interface AppendBatcherOptions {
  /** Batches running at once, each on its own pooled client (keep it below the pool size). */
  maxInFlight: number;
  /** Appends per batch at most, so that one transaction holds its thread locks briefly. */
  maxBatch: number;
  /** Called once per committed batch that stored messages: how many, and how long the batch took. */
  onCommit?: (info: { messages: number; ms: number }) => void;
}

interface Pending {
  input: AppendMessageInput;
  resolve: (result: AppendResult) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for appendMessage, the store's hot path.
 *
 * Why: as its own transaction, every append waits for its own WAL flush
 * (`synchronous_commit=on`), and under load PostgreSQL spends its time in
 * IO:WALSync / LWLock:WALWrite rather than in the appends. Here the appends
 * issued while a batch forms (until the next `setImmediate`, or while all
 * `maxInFlight` batches are running) share ONE transaction on one pooled
 * client, hence one flush. A promise settles only after the commit: a
 * resolved append is durable, exactly as before. Under light load a batch
 * holds one append and runs as before (one parameterised statement); batches
 * grow by themselves as load rises and the in-flight slots fill up.
 *
 * One round trip per batch. The batch is sent as one multi-statement simple
 * query: each append's usual statement (`sql.appendMessage`, values written
 * in as quoted literals: such a query takes no parameters), which PostgreSQL
 * runs as one implicit transaction. BEGIN, a statement per append and COMMIT
 * as separate round trips would hold every thread lock of the batch while the
 * node's event loop, busy with fan-out, gets round to each reply: measured,
 * that convoy across nodes was slower than no batching at all.
 *
 * Failures, optimistically: no savepoints (they cannot be used in an implicit
 * transaction, and as separate statements they would add two round trips per
 * append) to guard against failures that almost never happen. An append with
 * no live thread is not a failure (its statement returns no row: null). The
 * one expected error is the clientMessageId race (23505: another connection
 * committed the same send while this batch waited for the thread's lock);
 * anything else is a bug or a value the database refuses. On such an error
 * PostgreSQL rolls the whole batch back (nothing of it was committed nor
 * acknowledged), and it is replayed one append per transaction through the
 * single-statement path, which resolves the 23505 race by reading the stored
 * message back (`created: false`) and lets a failing append reject alone.
 * When the database is unavailable (checkout fails, or the connection drops
 * before the reply), every append of the batch rejects with
 * DependencyUnavailableError; the transaction dies with its connection, so
 * none of it is half-written (the commit may have happened, as for any write
 * whose reply is lost: clientMessageId makes a retry safe).
 *
 * Deadlock freedom. Each append locks its thread's row (the UPDATE in
 * `sql.appendMessage`) until the batch commits, so a batch holds several
 * thread locks at once, taken one after the other. Batches on every node take
 * them in one global order: each batch is sorted by thread id (a stable sort,
 * so appends to one thread keep their call order within the batch) before it
 * runs. Every other writer locks at most one thread row (thread-writes.ts
 * locks the thread first and touches only that thread's rows; single-statement
 * writes touch no thread row), and the rows an append inserts (messages,
 * events) can only be waited on by a writer holding the same thread's lock.
 * So any transaction waiting for a thread lock holds only lower-ordered ones,
 * and no cycle of waits can form. A thread may appear several times in a
 * batch: the second append finds the row already locked by its own
 * transaction and proceeds, seeing the first one's numbers and clientMessageId
 * (so a repeated clientMessageId in one batch returns the first as `created: false`).
 *
 * Appends to one thread in two batches running at once (same process) may
 * commit in either order, as concurrent appends on two pooled connections did
 * before; positions stay contiguous either way.
 */
export class AppendBatcher {
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled: NodeJS.Immediate | null = null;
  private closed = false;
  private drained: (() => void)[] = [];

  constructor(
    private readonly db: Database,
    private readonly autocommit: Queryable,
    private readonly options: AppendBatcherOptions,
  ) {}

  append(input: AppendMessageInput): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.schedule();
    });
  }

  /** Refuses further appends and resolves once those queued or running have settled. */
  close(): Promise<void> {
    this.closed = true;
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled !== null || this.inFlight >= this.options.maxInFlight) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = null;
      this.start();
    });
  }

  private start(): void {
    while (this.queue.length > 0 && this.inFlight < this.options.maxInFlight) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        if (this.queue.length > 0) this.schedule();
        else if (this.inFlight === 0) for (const resolve of this.drained.splice(0)) resolve();
      });
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    const started = performance.now();
    if (batch.length === 1) {
      // Alone: the plain parameterised statement, one round trip as ever.
      const [p] = batch as [Pending];
      try {
        const result = await appendAlone(this.db, this.autocommit, p.input);
        if (result?.created) this.options.onCommit?.({ messages: 1, ms: performance.now() - started });
        p.resolve(result);
      } catch (err) {
        p.reject(err);
      }
      return;
    }
    // Stable: appends to one thread keep their call order.
    const sorted = [...batch].sort((a, b) => compare(a.input.threadId, b.input.threadId));
    const appends = sorted.map((p) => prepareAppend({ ...p.input, system: null }));
    let results: AppendRow[][];
    try {
      // inline() throws on a NUL character, before anything is sent: the replay then lets
      // PostgreSQL refuse that append alone, as it refuses NUL in any text.
      const text = appends.map((a) => inline(a.values)).join(';\n');
      results = await this.db.script<AppendRow>(text);
    } catch (err) {
      if (err instanceof DependencyUnavailableError) {
        for (const p of batch) p.reject(err);
        return;
      }
      await this.replay(sorted, started);
      return;
    }
    const outcomes = appends.map((a, i) => a.outcome(results[i]![0]));
    const created = outcomes.filter((o) => o?.created).length;
    if (created > 0) this.options.onCommit?.({ messages: created, ms: performance.now() - started });
    sorted.forEach((p, i) => p.resolve(toResult(outcomes[i]!)));
  }

  /**
   * The careful path, after an optimistic batch failed and was rolled back:
   * each append in its own transaction, so that only a failing one fails.
   * Threads run side by side; the appends of one thread, one after the other
   * in call order.
   */
  private async replay(sorted: Pending[], started: number): Promise<void> {
    const byThread = new Map<string, Pending[]>();
    for (const p of sorted) {
      const group = byThread.get(p.input.threadId);
      if (group) group.push(p);
      else byThread.set(p.input.threadId, [p]);
    }
    const outcomes = new Map<Pending, { ok: true; value: AppendResult } | { ok: false; error: unknown }>();
    await Promise.all(
      [...byThread.values()].map(async (group) => {
        for (const p of group) {
          try {
            outcomes.set(p, { ok: true, value: await appendAlone(this.db, this.autocommit, p.input) });
          } catch (error) {
            outcomes.set(p, { ok: false, error });
          }
        }
      }),
    );
    const created = [...outcomes.values()].filter((o) => o.ok && o.value?.created).length;
    if (created > 0) this.options.onCommit?.({ messages: created, ms: performance.now() - started });
    for (const [p, o] of outcomes) {
      if (o.ok) p.resolve(o.value);
      else p.reject(o.error);
    }
  }
}

/**
 * One append as its own single-statement transaction (one round trip). The
 * rare retry: when a send with the same clientMessageId, on another
 * connection, committed while this one waited for the thread, the insert is
 * refused whole and the stored message is the answer.
 */
export async function appendAlone(
  db: Database,
  autocommit: Queryable,
  input: AppendMessageInput,
): Promise<AppendResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return toResult(await appendMessageRow(autocommit, { ...input, system: null }));
    } catch (err) {
      if (!isDuplicateClientMessageId(err) || attempt >= 3) throw err;
      const [stored] = await db.rows<MessageRow>(sql.getMessageByClientId, [
        input.tenantId,
        input.threadId,
        input.clientMessageId,
      ]);
      if (stored) return { created: false, message: toMessage(stored), events: [] };
      // The conflicting message is gone already (its thread was deleted): try again.
    }
  }
}

function toResult(outcome: AppendOutcome): AppendResult {
  if (outcome === null) return null;
  if (!outcome.created) return { created: false, message: outcome.message, events: [] };
  return { created: true, message: outcome.message, events: [outcome.event] };
}

/**
 * `sql.appendMessage` with its parameters written in as literals, for a
 * multi-statement query (which cannot take parameters). Every parameter is a
 * string or null (see `prepareAppend`); strings are quoted by node-postgres's
 * escapeLiteral, which doubles quotes and backslashes (and marks the latter
 * E''), so no value can end its literal.
 */
function inline(values: readonly (string | null)[]): string {
  return sql.appendMessage.replace(/\$(\d+)/g, (_, n: string) => {
    const value = values[Number(n) - 1];
    if (value === undefined) throw new Error(`appendMessage: no parameter $${n}`);
    if (value === null) return 'NULL';
    // The query text travels NUL-terminated: a NUL would cut it short, so it is never inlined.
    if (value.includes('\0')) throw new Error('appendMessage: NUL character in a value');
    return pg.escapeLiteral(value);
  });
}

/** One total order on thread ids, the same in every process (code units, not a locale). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
