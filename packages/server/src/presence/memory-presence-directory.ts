import type { PresenceDirectory } from '../core/ports/presence-directory.js';

/**
 * The in-process PresenceDirectory for one node: connection counts in a map.
 * Nothing can vanish without this process vanishing too, so `onExpired`
 * never fires.
 */
export class MemoryPresenceDirectory implements PresenceDirectory {
  private readonly counts = new Map<string, number>();

  async connected(tenantId: string, userId: string): Promise<boolean> {
    const key = JSON.stringify([tenantId, userId]);
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    return count === 1;
  }

  async disconnected(tenantId: string, userId: string): Promise<boolean> {
    const key = JSON.stringify([tenantId, userId]);
    const count = this.counts.get(key) ?? 0;
    if (count === 0) return false;
    if (count > 1) {
      this.counts.set(key, count - 1);
      return false;
    }
    this.counts.delete(key);
    return true;
  }

  async online(tenantId: string, userIds: string[]): Promise<Set<string>> {
    return new Set(userIds.filter((id) => this.counts.has(JSON.stringify([tenantId, id]))));
  }

  onExpired(): void {}

  async close(): Promise<void> {
    this.counts.clear();
  }
}
