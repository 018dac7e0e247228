import type { ThreadEvent } from '@parley/protocol';
import type { CoreDeps } from './deps.js';
import { topics, type UserControl } from './ports/bus.js';

/**
 * Announces durable events after they are stored. One bus message per action
 * carries all of its events in position order; newly added participants also
 * get a `joined` control so that their live connections start following the
 * thread from their join position.
 */
export async function publishThreadEvents(
  deps: CoreDeps,
  tenantId: string,
  threadId: string,
  events: ThreadEvent[],
): Promise<void> {
  if (events.length === 0) return;
  await deps.bus.publish(topics.thread(tenantId, threadId), events);
  for (const event of events) {
    if (event.type !== 'participant.added' && event.type !== 'thread.created') continue;
    for (const participant of event.participants) {
      const control: UserControl = { type: 'joined', threadId, pos: event.pos };
      await deps.bus.publish(topics.user(tenantId, participant.userId), control);
    }
  }
}
