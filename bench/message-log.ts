/** Send status of one bench message. */
export const Status = {
  Pending: 0,
  Acked: 1,
  Rejected: 2,
  /** Not sent: the chosen sender's socket was not open. */
  Skipped: 3,
} as const;

/** Per-message bookkeeping in growable typed arrays, indexed by the message number `n`. */
export class MessageLog {
  length = 0;
  scheduledAt: Float64Array;
  sentAt: Float64Array;
  room: Uint32Array;
  /** The node the sender is connected to. */
  senderNode: Uint8Array;
  /** Open room members at send time (the sender included), and how many of them were on the sender's node. */
  expected: Uint16Array;
  expectedLocal: Uint16Array;
  /** Deliveries received, and how many of them on a client of the sender's node. */
  received: Uint16Array;
  receivedLocal: Uint16Array;
  status: Uint8Array;

  constructor(capacity: number) {
    this.scheduledAt = new Float64Array(capacity);
    this.sentAt = new Float64Array(capacity);
    this.room = new Uint32Array(capacity);
    this.senderNode = new Uint8Array(capacity);
    this.expected = new Uint16Array(capacity);
    this.expectedLocal = new Uint16Array(capacity);
    this.received = new Uint16Array(capacity);
    this.receivedLocal = new Uint16Array(capacity);
    this.status = new Uint8Array(capacity);
  }

  /** Appends a message and returns its number. */
  add(scheduledAt: number, room: number, senderNode: number): number {
    if (this.length === this.status.length) this.grow();
    const n = this.length++;
    this.scheduledAt[n] = scheduledAt;
    this.room[n] = room;
    this.senderNode[n] = senderNode;
    return n;
  }

  private grow(): void {
    const size = this.status.length * 2;
    const grow = <T extends Float64Array | Uint32Array | Uint16Array | Uint8Array>(
      old: T,
      make: (n: number) => T,
    ): T => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.scheduledAt = grow(this.scheduledAt, (n) => new Float64Array(n));
    this.sentAt = grow(this.sentAt, (n) => new Float64Array(n));
    this.room = grow(this.room, (n) => new Uint32Array(n));
    this.senderNode = grow(this.senderNode, (n) => new Uint8Array(n));
    this.expected = grow(this.expected, (n) => new Uint16Array(n));
    this.expectedLocal = grow(this.expectedLocal, (n) => new Uint16Array(n));
    this.received = grow(this.received, (n) => new Uint16Array(n));
    this.receivedLocal = grow(this.receivedLocal, (n) => new Uint16Array(n));
    this.status = grow(this.status, (n) => new Uint8Array(n));
  }
}
