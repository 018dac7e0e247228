import type { EphemeralEvent, PresenceEntry } from '@parley/protocol';
import type { CoreDeps } from './deps.js';
import { iso } from './clock.js';
import { topics } from './ports/bus.js';

/**
 * Online/offline of users, derived from their live connections. Ephemeral:
 * counted in memory and announced on the bus, never stored. A user is online
 * while at least one connection is open on this node.
 */
export class Presence {
  private readonly connections = new Map<string, number>();

  constructor(private readonly deps: CoreDeps) {}

  async connected(tenantId: string, userId: string): Promise<void> {
    const key = `${tenantId}:${userId}`;
    const count = (this.connections.get(key) ?? 0) + 1;
    this.connections.set(key, count);
    if (count === 1) await this.announce(tenantId, userId, 'online');
  }

  async disconnected(tenantId: string, userId: string): Promise<void> {
    const key = `${tenantId}:${userId}`;
    const count = (this.connections.get(key) ?? 0) - 1;
    if (count > 0) {
      this.connections.set(key, count);
      return;
    }
    this.connections.delete(key);
    await this.announce(tenantId, userId, 'offline');
  }

  /** Presence of the people who share a thread with the user. */
  async contactsPresence(tenantId: string, userId: string): Promise<PresenceEntry[]> {
    const contacts = await this.deps.store.contactsOf(tenantId, userId);
    return contacts.map((id) => ({
      userId: id,
      status: this.connections.has(`${tenantId}:${id}`) ? 'online' : 'offline',
    }));
  }

  private async announce(tenantId: string, userId: string, status: 'online' | 'offline'): Promise<void> {
    const event: EphemeralEvent = { type: 'presence', userId, status, at: iso(this.deps.clock.now()) };
    await this.deps.bus.publish(topics.presence(tenantId), event);
  }
}
