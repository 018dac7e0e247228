import type { WebSocket } from 'ws';
import { CLOSE_CODES, type CloseName, type ServerFrame } from '@parley/protocol';
import type { UserActor } from '../core/index.js';

/**
 * One client socket and what it follows. Frames reach the socket only in an
 * order the client can rely on: nothing before `ready`, and for a thread being
 * caught up from the Store, live frames wait until the replay has passed them.
 */
export class Connection {
  actor: UserActor | null = null;
  /** The token the connection authenticated with, checked again after a bus interruption. */
  credential: string | null = null;
  /** Whether the socket answered since the last heartbeat. */
  alive = true;
  closing = false;
  readonly threads = new Set<string>();
  /** Live frames held back per thread while that thread is replayed from the Store. */
  private readonly catchingUp = new Map<string, [number, Buffer][]>();
  /**
   * Per thread, the last position a replay wrote. The bus may lag behind the
   * Store (a replay can read events whose live copies are still on their way),
   * so live frames at or below it are duplicates; the entry goes once the live
   * stream passes it.
   */
  private readonly replayedUpTo = new Map<string, number>();
  /** Frames held back until `ready` is sent; null once ready. */
  private beforeReady: Buffer[] | null = [];

  constructor(
    readonly id: string,
    readonly socket: WebSocket,
    readonly openedAt: number,
    private readonly maxBufferedBytes: number,
    private readonly onClose: (connection: Connection, reason: CloseName) => void,
  ) {}

  /** A thread event from a channel; false when the connection is closing. */
  deliver(threadId: string, pos: number, frame: Buffer): boolean {
    if (this.closing) return false;
    const held = this.catchingUp.get(threadId);
    if (held) {
      held.push([pos, frame]);
      return true;
    }
    const replayed = this.replayedUpTo.get(threadId);
    if (replayed !== undefined) {
      if (pos <= replayed) return true;
      this.replayedUpTo.delete(threadId);
    }
    this.enqueue(frame);
    return true;
  }

  /** An ephemeral frame (typing, presence): dropped rather than queued when not live. */
  deliverEphemeral(frame: Buffer): void {
    if (!this.closing && !this.beforeReady) this.write(frame);
  }

  send(frame: ServerFrame): void {
    this.write(Buffer.from(JSON.stringify(frame)));
  }

  /** Sends `ready` first, then whatever arrived meanwhile. */
  markReady(ready: ServerFrame): void {
    const held = this.beforeReady ?? [];
    this.beforeReady = null;
    this.send(ready);
    for (const frame of held) this.write(frame);
  }

  /** Starts holding back live frames of a thread that is about to be replayed. */
  holdThread(threadId: string): void {
    if (!this.catchingUp.has(threadId)) this.catchingUp.set(threadId, []);
  }

  isHolding(threadId: string): boolean {
    return this.catchingUp.has(threadId);
  }

  /**
   * Ends a replay that reached `lastReplayed`: releases the held frames past it.
   * Returns the position of a gap if held frames do not continue the replay.
   */
  releaseThread(threadId: string, lastReplayed: number): { gapAfter: number } | null {
    const held = this.catchingUp.get(threadId) ?? [];
    let last = lastReplayed;
    for (const [pos] of held) {
      if (pos <= last) continue;
      if (pos !== last + 1) return { gapAfter: last };
      last = pos;
    }
    this.catchingUp.delete(threadId);
    for (const [pos, frame] of held) if (pos > lastReplayed) this.enqueue(frame);
    if (last > 0) this.replayedUpTo.set(threadId, last);
    return null;
  }

  /** Drops a thread's held frames (resync: the client refetches that thread). */
  abandonThread(threadId: string): void {
    this.catchingUp.delete(threadId);
    this.replayedUpTo.delete(threadId);
  }

  /** Writes a replayed event directly (the thread is held, so order is kept). */
  writeReplay(frame: Buffer): void {
    this.enqueue(frame);
  }

  close(reason: CloseName): void {
    if (this.closing) return;
    this.closing = true;
    this.catchingUp.clear();
    this.replayedUpTo.clear();
    this.beforeReady = null;
    const { code, reason: text } = CLOSE_CODES[reason];
    this.onClose(this, reason);
    try {
      this.socket.close(code, text.slice(0, 120));
    } catch {
      this.socket.terminate();
    }
    // A peer that never acknowledges the close (half-open, or too slow) is cut off.
    setTimeout(() => this.socket.terminate(), 2000).unref();
  }

  /** Holds the frame until `ready` has gone out, else writes it. */
  private enqueue(frame: Buffer): void {
    if (this.beforeReady) this.beforeReady.push(frame);
    else this.write(frame);
  }

  private write(frame: Buffer): void {
    if (this.closing) return;
    // Only bytes already waiting count: one large frame to a reader that keeps up is not slowness.
    const queued = this.socket.bufferedAmount;
    if (queued > 0 && queued + frame.length > this.maxBufferedBytes) {
      this.close('slow_consumer');
      return;
    }
    this.socket.send(frame, { binary: false });
  }
}
