import WebSocket from 'ws';
import {
  THREAD_EVENT_TYPES,
  closeAction,
  type EphemeralEvent,
  type Message,
  type ServerFrame,
  type ThreadEvent,
} from '@parley/protocol';
import type { History } from './history.js';

/**
 * A small real-time client that behaves as the SDK will, for the fault
 * suites:
 *
 * - says `hello` with its resume state (the last position seen per thread,
 *   and the `serverTime` of its last `ready`), so every (re)connection
 *   replays exactly what it missed;
 * - records every thread event it receives, per thread and in arrival order,
 *   and notes at once any position that is not the next one (a gap, a
 *   duplicate, a reordering);
 * - when the socket closes, does what `closeAction(code)` says: reconnect
 *   (after a backoff with full jitter, to the next node in its list),
 *   refresh the token first, or stop;
 * - handles `resync_required` by refetching the thread's last position
 *   (through `refetch`) and ignoring events at or below it;
 * - sends messages with a `clientMessageId`, retrying with the same id after
 *   an error, a timeout or a lost connection until one attempt is acknowledged.
 */

/** One entry of a thread's recorded stream: an event, or the point where a resync skipped ahead. */
export type StreamEntry = ThreadEvent | { type: 'resync'; upTo: number };

export interface ResumingClientOptions {
  /** For messages: whose client this is. */
  name: string;
  /** WebSocket URLs of the nodes, in order of preference; each reconnection moves to the next. */
  urls: () => string[];
  /** Index in `urls()` of the first node to connect to. */
  startAt?: number;
  /** The access token; called at the start and again when the server asks for a refresh. */
  token: () => string | Promise<string>;
  /** Threads to replay from their beginning on the first hello (position 0). */
  threads?: string[];
  /** Reconnect delays: attempt n waits a random time in [0, min(maxMs, initialMs * 2^n)]. */
  backoff?: { initialMs: number; maxMs: number };
  /** Drops a connection that is not `ready` this long after opening, and reconnects. */
  readyTimeoutMs?: number;
  /** The thread's last position, read over REST, for a `resync_required`. */
  refetch?: (threadId: string) => Promise<number>;
}

type State = 'connecting' | 'connected' | 'reconnecting' | 'stopped';
type Reply = Extract<ServerFrame, { type: 'ack' } | { type: 'error' }>;
type Waiter = { test: () => boolean; resolve: () => void };

/** Error codes after which a send is worth retrying with the same clientMessageId. */
const RETRYABLE = new Set(['service_unavailable', 'rate_limited', 'internal_error']);
const threadEventTypes = new Set<string>(THREAD_EVENT_TYPES);

export class ResumingClient {
  state: State = 'connecting';
  /** Highest position seen per thread: the resume state. */
  readonly positions = new Map<string, number>();
  /** Every thread event received (live and replayed), per thread, in arrival order. */
  readonly streams = new Map<string, StreamEntry[]>();
  /** Where each thread's stream starts: the position before its first expected event. */
  readonly startPositions = new Map<string, number>();
  /** Gaps, duplicates and reorderings seen as they happened. */
  readonly problems: string[] = [];
  readonly ephemeral: EphemeralEvent[] = [];
  readonly closeCodes: number[] = [];
  readonly resyncs: { threadId: string; reason: string }[] = [];
  /** `ready` frames received; the first is the connection, the rest are reconnections. */
  readies = 0;
  /** The URL of the current (or last) connection. */
  url = '';
  /** The last `ready` frame. */
  ready: Extract<ServerFrame, { type: 'ready' }> | null = null;

  private ws: WebSocket | null = null;
  /** Between a resuming `ready` and `caught_up`: events are replayed from the Store. */
  private replaying = false;
  private readyAt = 0;
  private since: number | undefined;
  private token = '';
  private urlIndex: number;
  private attempt = 0;
  private requestSeq = 0;
  private readonly replies = new Map<string, (reply: Reply | null) => void>();
  private waiters: Waiter[] = [];
  private readyTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: ResumingClientOptions) {
    this.urlIndex = options.startAt ?? 0;
    for (const threadId of options.threads ?? []) {
      this.positions.set(threadId, 0);
      this.startPositions.set(threadId, 0);
      this.streams.set(threadId, []);
    }
  }

  get name(): string {
    return this.options.name;
  }

  /** Connects and resolves on the first `ready` (rejects after `timeoutMs`). */
  async start(timeoutMs = 15_000): Promise<void> {
    this.token = await this.options.token();
    this.open();
    await this.until(() => this.state === 'connected', timeoutMs, 'ready');
  }

  /** Closes normally and stops reconnecting. */
  stop(): void {
    this.state = 'stopped';
    this.clearTimers();
    this.ws?.close(1000);
    this.failPendingReplies();
  }

  /** Cuts the connection as a network failure would (no close frame); the client then reconnects. */
  drop(): void {
    this.ws?.terminate();
  }

  /** Resolves when `test()` holds, checked after every frame and state change; rejects after `timeoutMs`. */
  until(test: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { test, resolve: () => (clearTimeout(timer), resolve()) };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(
          new Error(
            `${this.name}: no ${what} within ${timeoutMs} ms (state ${this.state}, url ${this.url}, ` +
              `positions ${JSON.stringify(Object.fromEntries(this.positions))}, closes ${this.closeCodes.join(',')})`,
          ),
        );
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Resolves once the client has seen position `pos` of the thread. */
  reach(threadId: string, pos: number, timeoutMs = 15_000): Promise<void> {
    return this.until(() => (this.positions.get(threadId) ?? 0) >= pos, timeoutMs, `${threadId}@${pos}`);
  }

  /** The thread events of one thread received so far (without resync markers). */
  events(threadId: string): ThreadEvent[] {
    return (this.streams.get(threadId) ?? []).filter((e): e is ThreadEvent => e.type !== 'resync');
  }

  /** Sends a `typing` frame if connected (ephemeral: no answer, no retry). */
  typing(threadId: string): void {
    if (this.state === 'connected') this.ws?.send(JSON.stringify({ type: 'typing', threadId }));
  }

  /**
   * Sends a message and resolves with it once acknowledged. Each attempt
   * carries the same `clientMessageId` and is recorded in `history`; an
   * attempt that fails with a retryable error, times out or loses its
   * connection is tried again after `retryDelayMs`, on whatever connection is
   * up by then. Rejects on a non-retryable error or after `deadlineMs`.
   */
  async send(
    threadId: string,
    content: string,
    clientMessageId: string,
    options: {
      history?: History;
      attemptTimeoutMs?: number;
      retryDelayMs?: number;
      deadlineMs?: number;
    } = {},
  ): Promise<Message> {
    const deadline = Date.now() + (options.deadlineMs ?? 60_000);
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name}: ${clientMessageId} not acknowledged in time`);
      await this.until(() => this.state === 'connected' || this.state === 'stopped', left, 'connection');
      if (this.state === 'stopped') throw new Error(`${this.name}: stopped while sending ${clientMessageId}`);
      const id = `s${++this.requestSeq}`;
      const op = options.history?.invoke({ clientMessageId, threadId, node: this.url, via: 'ws' });
      const reply = await this.request(
        { type: 'send', id, threadId, content, clientMessageId },
        options.attemptTimeoutMs ?? 5000,
      );
      if (reply?.type === 'ack' && reply.message) {
        if (op) options.history?.ok(op, reply.message);
        return reply.message;
      }
      const error =
        reply === null
          ? 'no answer (timeout or connection lost)'
          : reply.type === 'error'
            ? reply.error.code
            : 'ack without message';
      if (op) options.history?.fail(op, error);
      if (reply?.type === 'error' && !RETRYABLE.has(reply.error.code)) {
        throw new Error(`${this.name}: send ${clientMessageId} failed: ${JSON.stringify(reply.error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, jitter(options.retryDelayMs ?? 100)));
    }
  }

  /** Sends a frame with an `id` and resolves with its ack or error, or null on timeout or close. */
  private request(frame: { id: string } & Record<string, unknown>, timeoutMs: number): Promise<Reply | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.replies.delete(frame.id);
        resolve(null);
      }, timeoutMs);
      this.replies.set(frame.id, (reply) => {
        clearTimeout(timer);
        this.replies.delete(frame.id);
        resolve(reply);
      });
      this.ws?.send(JSON.stringify(frame), (err) => {
        if (err) this.replies.get(frame.id)?.(null);
      });
    });
  }

  private open(): void {
    const urls = this.options.urls();
    this.url = urls[this.urlIndex % urls.length]!;
    const ws = new WebSocket(this.url, { perMessageDeflate: false });
    this.ws = ws;
    ws.on('open', () => {
      // Resume from every thread seen so far; `since` brings threads joined meanwhile.
      const resume = {
        threads: Object.fromEntries(this.positions),
        ...(this.since !== undefined && { since: this.since }),
      };
      ws.send(JSON.stringify({ type: 'hello', token: this.token, resume }));
      this.readyTimer = setTimeout(() => ws.terminate(), this.options.readyTimeoutMs ?? 15_000);
    });
    ws.on('message', (data) => {
      if (ws === this.ws) this.onFrame(JSON.parse(data.toString()) as ServerFrame);
    });
    ws.on('error', () => undefined); // 'close' follows and decides
    ws.on('close', (code) => {
      if (ws === this.ws) void this.onClose(code);
    });
  }

  private onFrame(frame: ServerFrame): void {
    if (threadEventTypes.has(frame.type)) this.onThreadEvent(frame as ThreadEvent);
    else if (frame.type === 'ready') {
      if (this.readyTimer) clearTimeout(this.readyTimer);
      this.ready = frame;
      this.since = frame.serverTime;
      this.readies++;
      this.readyAt = Date.now();
      this.replaying = frame.resuming;
      this.attempt = 0;
      this.state = 'connected';
    } else if (frame.type === 'caught_up') this.replaying = false;
    else if (frame.type === 'ack' || frame.type === 'error') {
      if (frame.id !== undefined) this.replies.get(frame.id)?.(frame);
    } else if (frame.type === 'typing' || frame.type === 'presence') this.ephemeral.push(frame);
    else if (frame.type === 'resync_required') void this.onResync(frame.threadId, frame.reason);
    this.wake();
  }

  /** Records the event and checks that it is the next position of its thread. */
  private onThreadEvent(event: ThreadEvent): void {
    const last = this.positions.get(event.threadId);
    if (last === undefined) {
      // A thread this client had not heard of (joined later): its stream starts at this event.
      this.startPositions.set(event.threadId, event.pos - 1);
      this.streams.set(event.threadId, []);
    } else if (event.pos !== last + 1) {
      this.problems.push(
        `${this.name}: ${event.threadId} pos ${event.pos} ${this.describeOddEvent(event, last)}`,
      );
    }
    this.streams.get(event.threadId)!.push(event);
    this.positions.set(event.threadId, Math.max(last ?? 0, event.pos));
  }

  /** Says what is wrong with an event that is not the next position, and in what circumstances. */
  private describeOddEvent(event: ThreadEvent, last: number): string {
    const stream = this.streams.get(event.threadId) ?? [];
    const earlier = stream.find((e): e is ThreadEvent => e.type !== 'resync' && e.pos === event.pos);
    const what =
      event.pos > last
        ? `gap after ${last}`
        : earlier
          ? `again (${JSON.stringify(earlier) === JSON.stringify(event) ? 'the same event' : `a different event: was ${earlier.type}`})`
          : `out of order after ${last}`;
    const phase = this.replaying ? 'while replaying' : 'live';
    return `${what}, ${phase}, on ${this.url} after ready #${this.readies} (${Date.now() - this.readyAt} ms ago), closes ${this.closeCodes.join(',') || 'none'}`;
  }

  private async onResync(threadId: string | undefined, reason: string): Promise<void> {
    this.resyncs.push({ threadId: threadId ?? '(all)', reason });
    if (threadId === undefined || !this.options.refetch) return;
    if (reason === 'unavailable') {
      this.positions.delete(threadId);
      return;
    }
    const upTo = await this.options.refetch(threadId);
    this.streams.get(threadId)?.push({ type: 'resync', upTo });
    this.positions.set(threadId, Math.max(this.positions.get(threadId) ?? 0, upTo));
    this.wake();
  }

  private async onClose(code: number): Promise<void> {
    this.ws = null;
    this.clearTimers();
    this.closeCodes.push(code);
    this.failPendingReplies();
    if (this.state === 'stopped') return this.wake();
    const action = closeAction(code);
    if (action === 'stop') {
      this.state = 'stopped';
      return this.wake();
    }
    this.state = 'reconnecting';
    this.wake();
    if (action === 'refresh') this.token = await this.options.token();
    // The node that closed (or refused) us is likely gone: try the next one, after a jittered delay.
    this.urlIndex++;
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 200, maxMs: 3000 };
    const delay = Math.random() * Math.min(maxMs, initialMs * 2 ** this.attempt++);
    this.retryTimer = setTimeout(() => {
      if (this.state !== 'stopped') this.open();
    }, delay);
  }

  private failPendingReplies(): void {
    for (const resolve of [...this.replies.values()]) resolve(null);
  }

  private clearTimers(): void {
    if (this.readyTimer) clearTimeout(this.readyTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.readyTimer = this.retryTimer = null;
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    this.waiters = this.waiters.filter((w) => {
      if (!w.test()) return true;
      w.resolve();
      return false;
    });
  }
}

/** A delay between half and all of `ms`, so retries from many clients spread out. */
export function jitter(ms: number): number {
  return ms / 2 + (Math.random() * ms) / 2;
}
