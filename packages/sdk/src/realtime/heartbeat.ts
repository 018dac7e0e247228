/**
 * Client-side liveness: browsers cannot see WebSocket ping frames, so the
 * client sends `ping` frames of its own. Any frame from the server proves it
 * is alive; when nothing at all arrives within `timeoutMs` of a ping, the
 * connection is dead (a half-open TCP connection never reports a close).
 */
export class Heartbeat {
  private interval: ReturnType<typeof setTimeout> | null = null;
  private deadline: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly ping: () => void,
    private readonly dead: () => void,
  ) {}

  start(intervalMs: number, timeoutMs: number): void {
    this.stop();
    const tick = () => {
      this.interval = setTimeout(tick, intervalMs);
      this.ping();
      if (!this.deadline) this.deadline = setTimeout(() => this.expire(), timeoutMs);
    };
    this.interval = setTimeout(tick, intervalMs);
  }

  /** A frame arrived: the server is alive. */
  alive(): void {
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = null;
  }

  stop(): void {
    if (this.interval) clearTimeout(this.interval);
    if (this.deadline) clearTimeout(this.deadline);
    this.interval = null;
    this.deadline = null;
  }

  private expire(): void {
    this.stop();
    this.dead();
  }
}
