import type { ThreadEvent } from '@parley/protocol';
import type { Store } from '../core/ports/store.js';
import type { Connection } from './connection.js';

const BATCH = 500;

/** What a replay did: how many events it sent, or that the client must refetch the thread. */
export type ReplayOutcome = { replayed: number } | { resync: 'too_far_behind' | 'unavailable' };

/**
 * Sends a connection the events of one thread after `afterPos`, from the
 * Store, then releases the live frames held meanwhile. The connection must
 * already hold the thread and follow its channel, so that nothing committed
 * during the replay is missed: the Store read covers everything committed
 * before it, the held frames everything after, and positions remove the overlap.
 */
export async function replayThread(
  store: Store,
  connection: Connection,
  tenantId: string,
  threadId: string,
  afterPos: number,
  budget: { remaining: number },
): Promise<ReplayOutcome> {
  let last = afterPos;
  let replayed = 0;
  for (;;) {
    const events = await store.eventsAfter(tenantId, threadId, last, BATCH);
    if (events.length > budget.remaining) {
      connection.abandonThread(threadId);
      return { resync: 'too_far_behind' };
    }
    for (const event of events) {
      connection.writeReplay(Buffer.from(JSON.stringify(event)));
      last = event.pos;
      replayed++;
      budget.remaining--;
    }
    if (events.length < BATCH) {
      // No await between the last read and the release: nothing can slip in between.
      const gap = connection.releaseThread(threadId, last);
      if (!gap) return { replayed };
    }
    if (connection.closing) return { replayed };
  }
}

/**
 * For a thread the user is no longer in: the events they saw while still a
 * participant after `afterPos`, ending with their own removal. Nothing is sent
 * unless the log shows that removal within the resume budget; otherwise (never
 * a member, thread deleted or unknown, removal too far back) the answer is the
 * same `unavailable`, so that it reveals nothing about threads the user cannot see.
 */
export async function replayUntilRemoval(
  store: Store,
  connection: Connection,
  tenantId: string,
  threadId: string,
  userId: string,
  afterPos: number,
  budget: { remaining: number },
): Promise<ReplayOutcome> {
  const seen: ThreadEvent[] = [];
  let last = afterPos;
  while (seen.length <= budget.remaining) {
    const events = await store.eventsAfter(tenantId, threadId, last, BATCH);
    for (const event of events) {
      seen.push(event);
      last = event.pos;
      if (event.type === 'participant.removed' && event.userIds.includes(userId)) {
        // Only what followed their latest (re)join was visible to them.
        let from = 0;
        seen.forEach((e, i) => {
          if (
            (e.type === 'participant.added' || e.type === 'thread.created') &&
            e.participants.some((p) => p.userId === userId)
          )
            from = i;
        });
        const visible = seen.slice(from);
        if (visible.length > budget.remaining) return { resync: 'too_far_behind' };
        for (const e of visible) connection.writeReplay(Buffer.from(JSON.stringify(e)));
        budget.remaining -= visible.length;
        return { replayed: visible.length };
      }
    }
    if (events.length < BATCH) break;
  }
  return { resync: 'unavailable' };
}
