import type { FastifyBaseLogger } from 'fastify';
import { knownError, type Core } from '../core/index.js';
import type { Metrics } from '../metrics.js';
import type { Connection } from './connection.js';
import type { Subscriptions } from './subscriptions.js';

/**
 * What a node does about a bus that may lose messages (Redis pub/sub): the
 * Store holds every event, so nothing is lost for good, but a dropped
 * notification must not wait for the next event of its thread to be noticed.
 *
 * - Every `intervalMs`, open thread channels are compared with the Store's
 *   last positions and the missing events delivered (a publisher that died
 *   between its commit and its publish, a publish dropped during an outage).
 * - When the bus resumes after an interruption, the same catch-up runs at
 *   once, and every connection is checked against what its lost user
 *   controls would have said: tokens revoked, user deleted, threads joined.
 */
export class BusRecovery {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly core: Core,
    private readonly subscriptions: Subscriptions,
    private readonly connections: () => Iterable<Connection>,
    private readonly followNewThread: (
      connection: Connection,
      threadId: string,
      joinPos: number,
    ) => Promise<void>,
    private readonly metrics: Metrics,
    private readonly log: FastifyBaseLogger,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    const { bus } = this.core.deps;
    if (!bus.mayLoseMessages) return;
    bus.onResumed(() => {
      this.log.info('bus resumed: catching up from the store');
      void this.run(true);
    });
    this.timer = setInterval(() => void this.run(false), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One pass at a time; a resume during a periodic pass runs right after it. */
  private async run(afterInterruption: boolean): Promise<void> {
    while (this.running) await this.running;
    if (this.stopped) return;
    this.running = this.pass(afterInterruption).finally(() => (this.running = null));
    await this.running;
  }

  private async pass(afterInterruption: boolean): Promise<void> {
    try {
      const recovered = await this.subscriptions.catchUp();
      if (recovered > 0) this.metrics.caughtUpEvents.inc(recovered);
      if (afterInterruption) await this.recheckConnections();
    } catch (err) {
      // The store is down as well: the next pass (or resume) tries again.
      this.log.warn({ err }, 'catch-up from the store failed');
    }
  }

  private async recheckConnections(): Promise<void> {
    const { store } = this.core.deps;
    const byUser = new Map<string, Connection[]>();
    for (const connection of this.connections()) {
      if (!connection.actor || connection.closing) continue;
      const key = `${connection.actor.tenantId}:${connection.actor.userId}`;
      byUser.set(key, [...(byUser.get(key) ?? []), connection]);
    }
    for (const connections of byUser.values()) {
      const live: Connection[] = [];
      for (const connection of connections) if (await this.stillValid(connection)) live.push(connection);
      const actor = live[0]?.actor;
      if (!actor) continue;
      const threadIds = await store.threadIdsForUser(actor.tenantId, actor.userId);
      for (const threadId of threadIds) {
        const missing = live.filter((c) => !c.threads.has(threadId) && !c.isHolding(threadId));
        if (missing.length === 0) continue;
        const participant = await store.getParticipant(actor.tenantId, threadId, actor.userId);
        if (!participant) continue;
        for (const connection of missing)
          await this.followNewThread(connection, threadId, participant.joinedPos);
      }
    }
  }

  /** Authenticates the connection's token again; closes it as its lost control would have. */
  private async stillValid(connection: Connection): Promise<boolean> {
    if (connection.credential === null) return false;
    try {
      await this.core.authenticate(connection.credential);
      return true;
    } catch (err) {
      const code = knownError(err)?.code;
      if (code === 'service_unavailable') throw err;
      if (code === 'token_revoked') connection.close('token_revoked');
      else if (code === 'token_expired') connection.close('token_expired');
      else connection.close('user_deleted');
      return false;
    }
  }
}
