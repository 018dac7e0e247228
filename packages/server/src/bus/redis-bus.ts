import type { Redis } from 'ioredis';
import type { Bus } from '../core/ports/bus.js';
import { DependencyUnavailableError } from '../core/ports/unavailable.js';
import { closeRedis, connectRedis, withTimeout, type RedisConnectionOptions } from '../redis/connect.js';

export interface RedisBusOptions extends RedisConnectionOptions {
  /** Prepended to every channel name, so deployments can share one Redis. Default `parley:`. */
  prefix?: string;
  /** Transport trouble, dropped messages and throwing handlers. Default `console.error`. */
  onError?: (err: unknown) => void;
}

/** How long `ping` waits for both connections to answer. */
const PING_TIMEOUT_MS = 1000;

type Handler = (payload: unknown) => void;

/**
 * The Bus over Redis pub/sub, for several nodes.
 *
 * Why pub/sub and not streams: the Store is the source of truth and gives
 * every thread event a position, so a consumer that missed a notification
 * repairs from the Store. The bus only has to fan out with low latency.
 * Streams would keep a second copy of the event log in Redis, with its memory
 * and a trimming policy to run, for a durability nobody reads.
 *
 * Guarantees, and their limits:
 *
 * - Topic `t` is the Redis channel `prefix + t` (SUBSCRIBE, never a pattern).
 *   A node holds one Redis subscription per topic that has at least one local
 *   handler, and drops it when the last one goes. Subscribe and unsubscribe of
 *   one topic run one after the other, so no interleaving leaves a stale or
 *   missing subscription; `subscribe` resolves after Redis confirmed it, and
 *   rejects with `DependencyUnavailableError` when Redis cannot be reached.
 * - Order: one node publishes on one connection, and Redis delivers the
 *   messages of one connection on one channel in order, so each handler sees
 *   one publisher's messages on one topic in publish order. Nothing orders two
 *   publishers.
 * - At most once. A message published while this node's publishing
 *   connection is down is dropped: `publish` resolves anyway (the Store holds
 *   the truth), the drop is counted in `dropped` and reported to `onError`
 *   (once per outage). A message published while a subscribing connection is
 *   down never reaches that node.
 * - Recovery: after this node's subscribing connection comes back, every
 *   current topic is subscribed again, and only then are the `onResumed`
 *   listeners called. A node that dropped messages, once it can publish
 *   again, tells every node on a control channel, and every node calls its
 *   `onResumed` listeners too: the consumers elsewhere that missed those
 *   messages catch up from the Store at once.
 * - Payloads travel as JSON; handlers run from the socket's data event, never
 *   inside `publish`, each in its own try/catch (errors go to `onError`).
 */
export class RedisBus implements Bus {
  readonly mayLoseMessages = true;
  private readonly handlers = new Map<string, Set<Handler>>();
  /** Channels whose SUBSCRIBE Redis confirmed on the current subscriber connection. */
  private readonly subscribed = new Set<string>();
  /** The tail of each channel's (un)subscribe operations, which run one at a time. */
  private readonly queues = new Map<string, Promise<void>>();
  private readonly resumedListeners: (() => void)[] = [];
  /** Not the `prefix + topic` of any topic: the prefix is followed by a NUL. */
  private readonly controlChannel: string;
  /** Bumped whenever the subscriber connection closes; a reply from an older epoch proves nothing now. */
  private epoch = 0;
  private interrupted = false;
  private droppedCount = 0;
  private outageReported = false;
  private dropNoticePending = false;
  private closed = false;

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
    private readonly onError: (err: unknown) => void,
  ) {
    this.controlChannel = `${prefix}\u0000resumed`;
    subscriber.on('message', (channel: string, message: string) => this.deliver(channel, message));
    subscriber.on('close', () => {
      if (this.closed) return;
      this.epoch++;
      this.subscribed.clear();
      this.interrupted = true;
    });
    subscriber.on('ready', () => {
      if (!this.closed && this.interrupted) void this.resume();
    });
    publisher.on('ready', () => this.sendDropNotice());
  }

  /** Connects both connections and subscribes the control channel; rejects if Redis cannot be reached. */
  static async open(options: RedisBusOptions): Promise<RedisBus> {
    const prefix = options.prefix ?? 'parley:';
    const name = options.name ?? 'parley';
    const onError = options.onError ?? ((err: unknown) => console.error(err));
    const { connectTimeoutMs } = options;
    // Named `<name>:bus:pub` and `<name>:bus:sub` in CLIENT LIST.
    const [publisher, subscriber] = await Promise.allSettled([
      connectRedis(options.url, { name: `${name}:bus:pub`, connectTimeoutMs, onError }),
      connectRedis(options.url, { name: `${name}:bus:sub`, connectTimeoutMs, onError }),
    ]);
    if (publisher.status === 'rejected' || subscriber.status === 'rejected') {
      if (publisher.status === 'fulfilled') await closeRedis(publisher.value);
      if (subscriber.status === 'fulfilled') await closeRedis(subscriber.value);
      throw publisher.status === 'rejected' ? publisher.reason : (subscriber as PromiseRejectedResult).reason;
    }
    const bus = new RedisBus(publisher.value, subscriber.value, prefix, onError);
    try {
      await bus.subscriber.subscribe(bus.controlChannel);
    } catch (err) {
      await bus.close();
      throw new DependencyUnavailableError('bus', err);
    }
    return bus;
  }

  /** Messages dropped by `publish` because Redis could not take them. */
  get dropped(): number {
    return this.droppedCount;
  }

  async publish(topic: string, payload: unknown): Promise<void> {
    if (this.closed) return;
    const message = JSON.stringify(payload) ?? 'null';
    if (this.publisher.status !== 'ready') {
      this.drop(new Error(`the publishing connection is ${this.publisher.status}`));
      return;
    }
    try {
      // Written to the socket synchronously: unawaited publishes keep their call order.
      await this.publisher.publish(this.prefix + topic, message);
    } catch (err) {
      this.drop(err);
      return;
    }
    this.outageReported = false;
    if (this.dropNoticePending) this.sendDropNotice();
  }

  async subscribe(topic: string, handler: Handler): Promise<() => Promise<void>> {
    if (this.closed) throw new Error('bus closed');
    // Wrap so the same function may be subscribed twice and unsubscribed independently.
    const entry: Handler = (payload) => handler(payload);
    let set = this.handlers.get(topic);
    if (!set) {
      set = new Set();
      this.handlers.set(topic, set);
    }
    set.add(entry);
    try {
      await this.sync(topic);
    } catch (err) {
      this.removeHandler(topic, entry);
      void this.sync(topic).catch(() => undefined);
      throw new DependencyUnavailableError('bus', err);
    }
    let subscribed = true;
    return async () => {
      if (!subscribed) return;
      subscribed = false;
      // Delivery to this handler stops here; the Redis side follows.
      this.removeHandler(topic, entry);
      await this.sync(topic).catch((err: unknown) => {
        // A lost connection took the subscription with it; anything else is worth a report.
        if (!this.closed && this.subscriber.status === 'ready') this.onError(err);
      });
    };
  }

  onResumed(listener: () => void): void {
    this.resumedListeners.push(listener);
  }

  /** Resolves when both connections answer and every subscription is in place; rejects within a second otherwise. */
  async ping(): Promise<void> {
    if (this.closed) throw new Error('bus closed');
    const { publisher, subscriber } = this;
    if (publisher.status !== 'ready' || subscriber.status !== 'ready' || this.interrupted) {
      const state = `publisher ${publisher.status}, subscriber ${this.interrupted ? 'resubscribing' : subscriber.status}`;
      throw new DependencyUnavailableError('bus', new Error(`Redis not ready (${state})`));
    }
    try {
      await withTimeout(Promise.all([publisher.ping(), subscriber.ping()]), PING_TIMEOUT_MS, 'Redis PING');
    } catch (err) {
      throw new DependencyUnavailableError('bus', err);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handlers.clear();
    await Promise.all([closeRedis(this.publisher), closeRedis(this.subscriber)]);
  }

  private deliver(channel: string, message: string): void {
    if (this.closed) return;
    if (channel === this.controlChannel) {
      this.notifyResumed();
      return;
    }
    if (!channel.startsWith(this.prefix)) return;
    const set = this.handlers.get(channel.slice(this.prefix.length));
    if (!set || set.size === 0) return;
    let payload: unknown;
    try {
      payload = JSON.parse(message);
    } catch (err) {
      this.onError(err);
      return;
    }
    // Snapshot: a handler that (un)subscribes during delivery does not change this delivery.
    for (const handler of [...set]) {
      try {
        handler(payload);
      } catch (err) {
        this.onError(err);
      }
    }
  }

  private removeHandler(topic: string, entry: Handler): void {
    const set = this.handlers.get(topic);
    if (!set) return;
    set.delete(entry);
    if (set.size === 0) this.handlers.delete(topic);
  }

  /**
   * Brings the Redis subscription of `topic` in line with its local handlers,
   * after the topic's earlier operations. Each run looks at the state when it
   * starts, so whatever the interleaving, the last one leaves it right.
   */
  private sync(topic: string): Promise<void> {
    const channel = this.prefix + topic;
    const run = (this.queues.get(channel) ?? Promise.resolve()).then(() => this.reconcile(topic, channel));
    const tail = run.catch(() => undefined);
    this.queues.set(channel, tail);
    void tail.then(() => {
      if (this.queues.get(channel) === tail) this.queues.delete(channel);
    });
    return run;
  }

  private async reconcile(topic: string, channel: string): Promise<void> {
    if (this.closed) return;
    const wanted = (this.handlers.get(topic)?.size ?? 0) > 0;
    if (wanted === this.subscribed.has(channel)) return;
    if (wanted) {
      const epoch = this.epoch;
      await this.subscriber.subscribe(channel);
      if (epoch === this.epoch) this.subscribed.add(channel);
    } else {
      // Forget it first: if UNSUBSCRIBE fails, a stray message finds no handler, and a later subscribe re-sends SUBSCRIBE.
      this.subscribed.delete(channel);
      await this.subscriber.unsubscribe(channel);
    }
  }

  /** After the subscriber reconnected: subscribe everything again, then tell the listeners. */
  private async resume(): Promise<void> {
    const epoch = this.epoch;
    try {
      await Promise.all([
        this.subscriber.subscribe(this.controlChannel),
        ...[...this.handlers.keys()].map((topic) => this.sync(topic)),
      ]);
    } catch (err) {
      if (this.closed || epoch !== this.epoch) return; // lost again: the next `ready` retries
      this.onError(new DependencyUnavailableError('bus', err));
      // Connected but a SUBSCRIBE failed: start over on a fresh connection rather than stay half-subscribed.
      this.subscriber.disconnect(true);
      return;
    }
    if (this.closed || epoch !== this.epoch) return;
    this.interrupted = false;
    this.notifyResumed();
  }

  private drop(err: unknown): void {
    this.droppedCount++;
    this.dropNoticePending = true;
    if (this.outageReported) return;
    this.outageReported = true;
    this.onError(new DependencyUnavailableError('bus', err));
  }

  /** Tells every node (this one included) that messages were dropped and are to be repaired from the Store. */
  private sendDropNotice(): void {
    if (!this.dropNoticePending || this.closed || this.publisher.status !== 'ready') return;
    this.dropNoticePending = false;
    this.publisher.publish(this.controlChannel, '1').catch(() => (this.dropNoticePending = true));
  }

  private notifyResumed(): void {
    for (const listener of this.resumedListeners) {
      try {
        listener();
      } catch (err) {
        this.onError(err);
      }
    }
  }
}
