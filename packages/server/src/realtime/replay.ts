import type { ThreadEvent } from '@parley/protocol';
import type { Store } from '../core/ports/store.js';
import type { Connection } from './connection.js';

const BATCH = 500;

/** What a replay did: how many events it sent, or that the client must refetch the thread. */
export type ReplayOutcome = { replayed: number } | { resync: true };

/**
 * Sends a connection the events of one thread after `afterPos`, from the
 * Store, then releases the live frames held meanwhile. The connection must
 * already hold the thread and follow its channel, so that nothing committed
 * during the replay is missed: the Store read covers everything committed
 * before it, the held frames everything after, and positions remove the overlap.
 *
 * `until` stops the replay after the event that removed this user (a user who
 * left sees their removal and nothing later).
 */
export async function replayThread(
  store: Store,
  connection: Connection,
  tenantId: string,
  threadId: string,
  afterPos: number,
  budget: { remaining: number },
  until?: (event: ThreadEvent) => boolean,
): Promise<ReplayOutcome> {
  let last = afterPos;
  let replayed = 0;
  for (;;) {
    const events = await store.eventsAfter(tenantId, threadId, last, BATCH);
    if (events.length > budget.remaining) {
      connection.abandonThread(threadId);
      return { resync: true };
    }
    for (const event of events) {
      connection.writeReplay(Buffer.from(JSON.stringify(event)));
      last = event.pos;
      replayed++;
      budget.remaining--;
      if (until?.(event)) {
        connection.abandonThread(threadId);
        return { replayed };
      }
    }
    if (events.length < BATCH) {
      // No await between the last read and the release: nothing can slip in between.
      const gap = connection.releaseThread(threadId, last);
      if (!gap) return { replayed };
    }
    if (connection.closing) return { replayed };
  }
}
