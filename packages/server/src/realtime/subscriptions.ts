import type { EphemeralEvent, ThreadEvent } from '@parley/protocol';
import type { Bus } from '../core/ports/bus.js';
import { topics } from '../core/ports/bus.js';
import type { Store } from '../core/ports/store.js';
import type { Connection } from './connection.js';
import { ThreadChannel } from './thread-channel.js';

/**
 * Which local connections follow which threads, and the bus subscriptions
 * behind them: one per thread with local followers, dropped with the last one.
 * Membership is kept in step with the ordered event stream, so a removed
 * participant receives its own removal and nothing after it.
 */
export class Subscriptions {
  private readonly channels = new Map<string, ThreadChannel>();
  private readonly starting = new Map<string, Promise<ThreadChannel>>();

  constructor(
    private readonly bus: Bus,
    private readonly store: Store,
    private readonly onDelivered: (recipients: number) => void,
  ) {}

  channel(tenantId: string, threadId: string): ThreadChannel | undefined {
    return this.channels.get(`${tenantId}:${threadId}`);
  }

  /**
   * Adds the connection as a follower once the channel is live: its bus
   * subscription is active and its baseline position read. Events committed
   * after this resolves reach the connection.
   */
  async follow(connection: Connection, tenantId: string, threadId: string): Promise<void> {
    const channel = await this.open(tenantId, threadId);
    if (connection.closing) return this.unfollow(connection, tenantId, threadId);
    channel.followers.add(connection);
    connection.threads.add(threadId);
  }

  async unfollow(connection: Connection, tenantId: string, threadId: string): Promise<void> {
    connection.threads.delete(threadId);
    const key = `${tenantId}:${threadId}`;
    const channel = this.channels.get(key);
    if (!channel) return;
    channel.followers.delete(connection);
    if (channel.followers.size === 0) await this.shut(key, channel);
  }

  /**
   * Compares every open channel with the Store's last positions and delivers
   * what the bus did not bring. One query per tenant with open channels.
   * Resolves with the number of events recovered.
   */
  async catchUp(): Promise<number> {
    const byTenant = new Map<string, ThreadChannel[]>();
    for (const channel of this.channels.values()) {
      const list = byTenant.get(channel.tenantId);
      if (list) list.push(channel);
      else byTenant.set(channel.tenantId, [channel]);
    }
    let recovered = 0;
    for (const [tenantId, channels] of byTenant) {
      const positions = await this.store.threadPositions(
        tenantId,
        channels.map((c) => c.threadId),
      );
      for (const channel of channels) {
        const stored = positions.get(channel.threadId);
        const expected = channel.expected;
        if (stored !== undefined && expected !== null && stored >= expected) {
          recovered += await channel.catchUp(stored);
        } else if (stored === undefined && expected !== null) {
          // Deleted while the bus was away: the tombstone event is still in the log.
          recovered += await channel.catchUp(expected);
        }
      }
    }
    return recovered;
  }

  async closeAll(): Promise<void> {
    for (const [key, channel] of this.channels) await this.shut(key, channel);
  }

  private async open(tenantId: string, threadId: string): Promise<ThreadChannel> {
    const key = `${tenantId}:${threadId}`;
    const existing = this.channels.get(key);
    if (existing) return existing;
    const pending = this.starting.get(key);
    if (pending) return pending;
    const start = this.create(tenantId, threadId, key).finally(() => this.starting.delete(key));
    this.starting.set(key, start);
    return start;
  }

  private async create(tenantId: string, threadId: string, key: string): Promise<ThreadChannel> {
    const channel = new ThreadChannel(tenantId, threadId, {
      eventsAfter: (pos) => this.store.eventsAfter(tenantId, threadId, pos, 1000),
      delivered: (ch, event, recipients) => this.afterDelivery(key, ch, event, recipients),
      repairDelayMs: 200,
    });
    const offDurable = await this.bus.subscribe(topics.thread(tenantId, threadId), (payload) => {
      for (const event of payload as ThreadEvent[]) channel.receive(event);
    });
    const offEphemeral = await this.bus.subscribe(topics.threadEphemeral(tenantId, threadId), (payload) => {
      const event = payload as EphemeralEvent;
      if (event.type !== 'typing' && event.type !== 'queue') return;
      const frame = Buffer.from(JSON.stringify(event));
      // Typing goes to everyone but the typist; a queue position to every follower.
      const from = event.type === 'typing' ? event.userId : null;
      for (const connection of channel.followers)
        if (from === null || connection.actor?.userId !== from) connection.deliverEphemeral(frame);
    });
    channel.unsubscribe = async () => {
      await offDurable();
      await offEphemeral();
    };
    // Read after subscribing: every event past this position will arrive on the bus.
    const thread = await this.store.getThread(tenantId, threadId);
    const tombstone = thread ? null : await this.store.getDeletedThread(tenantId, threadId);
    channel.start(thread ? thread.lastPosition : tombstone ? Number.MAX_SAFE_INTEGER : 0);
    // Published only once started, so no follower can join before the baseline is known.
    this.channels.set(key, channel);
    return channel;
  }

  private afterDelivery(key: string, channel: ThreadChannel, event: ThreadEvent, recipients: number): void {
    this.onDelivered(recipients);
    if (event.type === 'participant.removed') {
      for (const connection of [...channel.followers]) {
        if (connection.actor && event.userIds.includes(connection.actor.userId)) {
          void this.unfollow(connection, channel.tenantId, channel.threadId);
        }
      }
    } else if (event.type === 'thread.deleted') {
      for (const connection of channel.followers) connection.threads.delete(channel.threadId);
      channel.followers.clear();
      void this.shut(key, channel);
    }
  }

  private async shut(key: string, channel: ThreadChannel): Promise<void> {
    if (this.channels.get(key) !== channel) return;
    this.channels.delete(key);
    channel.close();
    await channel.unsubscribe?.();
  }
}
