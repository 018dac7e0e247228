import type { EphemeralEvent } from '@parley/protocol';
import type { Actor } from './actor.js';
import type { CoreDeps } from './deps.js';
import { iso } from './clock.js';
import { accessThread, requireUser } from './access.js';
import { topics } from './ports/bus.js';
import { Throttle } from './throttle.js';

/** Typing notifications: bus only, never stored. Repeats within a second are absorbed. */
export class Typing {
  /**
   * Per node: typing is ephemeral, so a user spread over two nodes at worst
   * announces twice a second.
   */
  private readonly throttle = new Throttle(1000);

  constructor(private readonly deps: CoreDeps) {}

  async notify(actor: Actor, threadId: string): Promise<void> {
    const user = requireUser(actor, 'Typing');
    const { participant } = await accessThread(this.deps, user, threadId, 'write');
    if (!this.throttle.pass(`${user.tenantId}:${threadId}:${user.userId}`, this.deps.clock.now())) return;
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
