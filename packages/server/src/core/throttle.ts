/**
 * Lets one call per key through every `intervalMs`; the others are absorbed.
 * Keys idle for an interval are swept, so memory stays bounded by active keys.
 */
export class Throttle {
  private readonly last = new Map<string, number>();
  private lastSweep = 0;

  constructor(private readonly intervalMs: number) {}

  pass(key: string, nowMs: number): boolean {
    if (nowMs - this.lastSweep >= this.intervalMs * 10) {
      this.lastSweep = nowMs;
      for (const [k, at] of this.last) if (nowMs - at >= this.intervalMs) this.last.delete(k);
    }
    const previous = this.last.get(key);
    if (previous !== undefined && nowMs - previous < this.intervalMs) return false;
    this.last.set(key, nowMs);
    return true;
  }
}
