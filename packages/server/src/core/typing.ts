import type { EphemeralEvent } from '@parley/protocol';
import type { Actor } from './actor.js';
import type { CoreDeps } from './deps.js';
import { iso } from './clock.js';
import { accessThread, requireUser } from './access.js';
import { topics } from './ports/bus.js';
import { RateLimiter } from './rate-limiter.js';

/** Typing notifications: bus only, never stored. Repeats within a second are absorbed. */
export class Typing {
  private readonly throttle: RateLimiter;

  constructor(private readonly deps: CoreDeps) {
    this.throttle = new RateLimiter(1, 1, () => deps.clock.now());
  }

  async notify(actor: Actor, threadId: string): Promise<void> {
    const user = requireUser(actor, 'Typing');
    const { participant } = await accessThread(this.deps, user, threadId, 'write');
    if (this.throttle.take(`${user.tenantId}:${threadId}:${user.userId}`) > 0) return;
    const event: EphemeralEvent = {
      type: 'typing',
      threadId,
      userId: user.userId,
      displayName: participant?.displayName ?? user.displayName,
      at: iso(this.deps.clock.now()),
    };
    await this.deps.bus.publish(topics.threadEphemeral(user.tenantId, threadId), event);
  }
}
