import type { EphemeralEvent, PresenceEntry } from '@parley/protocol';
import type { CoreDeps } from './deps.js';
import { iso } from './clock.js';
import { topics } from './ports/bus.js';

/**
 * Online/offline of users, derived from their live connections on every node
 * (the PresenceDirectory port) and announced on the bus, never stored. A user
 * is online while at least one connection is open anywhere.
 */
export type PresenceListener = (
  tenantId: string,
  userId: string,
  status: 'online' | 'offline',
) => Promise<void>;

export class Presence {
  private readonly listeners: PresenceListener[] = [];

  constructor(private readonly deps: CoreDeps) {
    // The users of a node that vanished: one surviving node announces each of them.
    deps.presenceDirectory.onExpired((tenantId, userId) => {
      this.announce(tenantId, userId, 'offline').catch(() => undefined);
    });
  }

  async connected(tenantId: string, userId: string): Promise<void> {
    if (await this.deps.presenceDirectory.connected(tenantId, userId)) {
      await this.announce(tenantId, userId, 'online');
    }
  }

  async disconnected(tenantId: string, userId: string): Promise<void> {
    if (await this.deps.presenceDirectory.disconnected(tenantId, userId)) {
      await this.announce(tenantId, userId, 'offline');
    }
  }

  /** Called once per transition, on the node that saw it, after it is announced. */
  onChange(listener: PresenceListener): void {
    this.listeners.push(listener);
  }

  /** Presence of the people who share a thread with the user. */
  async contactsPresence(tenantId: string, userId: string): Promise<PresenceEntry[]> {
    const contacts = await this.deps.store.contactsOf(tenantId, userId);
    const online = await this.deps.presenceDirectory.online(tenantId, contacts);
    return contacts.map((id) => ({ userId: id, status: online.has(id) ? 'online' : 'offline' }));
  }

  private async announce(tenantId: string, userId: string, status: 'online' | 'offline'): Promise<void> {
    const event: EphemeralEvent = { type: 'presence', userId, status, at: iso(this.deps.clock.now()) };
    await this.deps.bus.publish(topics.presence(tenantId), event);
    for (const listener of this.listeners) await listener(tenantId, userId, status);
  }
}
