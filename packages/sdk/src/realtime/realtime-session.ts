// Values from the schema-free subpath, so a browser bundle carries no schema library.
import { closeAction, type CloseAction } from '@parley/protocol/close-codes';
import type { ClientFrame, ReadReceipt, ServerFrame, ThreadEvent } from '@parley/protocol';
import type { TokenCredential } from '../credentials.js';
import { HelloToken } from './hello-token.js';
import { CLIENT_CLOSE, closeErrorCode } from './client-close.js';
import { ParleyError } from '../errors.js';
import { defaultStorage, type StorageLike } from '../storage.js';
import { THREAD_EVENT_NAMES, type ChatEvents, type ConnectedEvent } from '../events.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { ConnectionStateMachine, type ConnectionState } from './connection-state.js';
import { TypedEmitter } from './emitter.js';
import { Heartbeat } from './heartbeat.js';
import type { LocalMessage, SendMessageInput } from './local-message.js';
import { Outbox } from './outbox.js';
import { PositionTracker } from './positions.js';
import { PendingRequests } from './requests.js';
import { OPEN, realtimeUrl, type WebSocketConstructorLike, type WebSocketLike } from './websocket-like.js';

export interface RealtimeOptions {
  /** The server's http(s) base URL, e.g. `https://chat.example.com`. */
  endpoint: string;
  credential: TokenCredential;
  /** Defaults to `globalThis.WebSocket`; in Node pass the `ws` package's `WebSocket`. */
  WebSocket?: WebSocketConstructorLike;
  /** Where pending messages survive a reload. Default `localStorage` when usable; `null` keeps nothing. */
  storage?: StorageLike | null;
  backoff?: BackoffOptions;
  /** A message not acknowledged this long after `sendMessage` (or `retry`) fails. Default 120000. */
  outboxRetryMs?: number;
  /** How often the client pings. Default: the server's `heartbeatIntervalMs` from `ready`. */
  heartbeatIntervalMs?: number;
  /** A ping not followed by any frame within this is a dead connection. Default 10000. */
  heartbeatTimeoutMs?: number;
  /** Opening the socket and getting `ready` must take less than this. Default 15000. */
  connectTimeoutMs?: number;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * One user's real-time connection: a WebSocket that follows every thread the
 * user is in, reconnects with backoff, and resumes exactly where it left off
 * (each thread event once, in position order), plus an outbox that delivers
 * each sent message exactly once however often the connection drops.
 *
 * States (see `connection-state.ts`): `idle` → `connecting` → `connected`;
 * a dropped socket goes `reconnecting` → `connecting`; `stop()` or a close code
 * whose action is `stop` ends in `stopped`, from which `start()` begins again.
 */
export class RealtimeSession {
  private readonly emitter = new TypedEmitter<ChatEvents>();
  private readonly machine = new ConnectionStateMachine((state, previous) =>
    this.emitter.emit('connectionStateChanged', { state, previous }),
  );
  private readonly positionTracker = new PositionTracker();
  private readonly backoff: Backoff;
  private readonly outbox: Outbox;
  private readonly requests: PendingRequests;
  private readonly heartbeat: Heartbeat;
  private readonly url: string;
  private readonly WebSocketCtor: WebSocketConstructorLike | undefined;
  private readonly storage: StorageLike | null;

  private socket: WebSocketLike | null = null;
  /** Bumped whenever a connection attempt is abandoned, so that its late callbacks do nothing. */
  private generation = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private connectTimer: ReturnType<typeof setTimeout> | null = null;
  private starting: Deferred | null = null;
  /** Request id of each `send` on the current socket → its clientMessageId. */
  private readonly sends = new Map<string, string>();
  private sendCounter = 0;
  /** The user of the last `ready`. */
  private user: string | null = null;

  private readonly helloToken: HelloToken;

  constructor(private readonly options: RealtimeOptions) {
    this.url = realtimeUrl(options.endpoint);
    this.helloToken = new HelloToken(options.credential);
    this.WebSocketCtor =
      options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket;
    this.storage = options.storage === undefined ? defaultStorage() : options.storage;
    this.backoff = new Backoff(options.backoff);
    this.heartbeat = new Heartbeat(
      () => this.write({ type: 'ping' }),
      () => this.lost(CLIENT_CLOSE.heartbeat.code, CLIENT_CLOSE.heartbeat.reason),
    );
    this.outbox = new Outbox(
      {
        transmit: (local) => this.transmitMessage(local),
        changed: (local) => this.emitter.emit('messageStateChanged', local),
        now: () => Date.now(),
      },
      options.outboxRetryMs ?? 120_000,
    );
    this.requests = new PendingRequests((frame) => this.write(frame));
  }

  /** The signed-in user, known from the first `ready` on; null before. */
  get userId(): string | null {
    return this.user;
  }

  get state(): ConnectionState {
    return this.machine.state;
  }

  get connectionState(): ConnectionState {
    return this.machine.state;
  }

  on<K extends keyof ChatEvents>(name: K, listener: (payload: ChatEvents[K]) => void): () => void {
    return this.emitter.on(name, listener);
  }

  off<K extends keyof ChatEvents>(name: K, listener: (payload: ChatEvents[K]) => void): void {
    this.emitter.off(name, listener);
  }

  /**
   * Connects; resolves on the first `ready`. Rejects if the session stops
   * first (a `stop` close code such as an invalid token, or `stop()`).
   * Transient failures do not reject: the session keeps retrying with backoff.
   */
  start(): Promise<void> {
    if (this.state === 'connected') return Promise.resolve();
    this.starting ??= deferred();
    const { promise } = this.starting;
    if (this.state === 'idle' || this.state === 'stopped') {
      if (!this.WebSocketCtor) {
        this.settleStart(new TypeError('No WebSocket available: pass options.WebSocket.'));
        return promise;
      }
      this.outbox.resume();
      void this.connect();
    }
    return promise;
  }

  /** Closes the connection and stays closed until `start()`. Pending messages stay pending. */
  stop(): void {
    if (this.state === 'stopped') return;
    const hadSocket = this.socket !== null;
    this.abandon();
    this.outbox.suspend();
    this.machine.to('stopped');
    if (hadSocket) this.emitDisconnected(1000, 'Stopped by the client.', 'stop');
    const error = new ParleyError('network_error', 'The real-time session was stopped.');
    this.requests.rejectAll(error);
    this.settleStart(error);
  }

  /** Drops the current connection (if any) and connects again at once, resuming. */
  reconnect(): void {
    if (this.state === 'idle' || this.state === 'stopped') {
      this.start().catch(() => undefined); // the outcome reaches the app through events
      return;
    }
    if (this.state !== 'reconnecting') {
      const hadSocket = this.socket !== null;
      this.abandon();
      this.machine.to('reconnecting');
      if (hadSocket) this.emitDisconnected(1000, 'Reconnect requested by the client.', 'reconnect');
    }
    this.clearTimers();
    this.emitter.emit('reconnecting', { attempt: 0, delayMs: 0 });
    void this.connect();
  }

  /**
   * Queues a message and returns its local echo at once (`pending`). It is
   * sent now if connected, else on the next connection, always with the same
   * `clientMessageId`; `messageStateChanged` reports its progress.
   */
  sendMessage(threadId: string, input: SendMessageInput): LocalMessage {
    return this.outbox.create(threadId, input);
  }

  /** Sends a failed message again (same `clientMessageId`); false if it is not failed. */
  retry(clientMessageId: string): boolean {
    return this.outbox.retry(clientMessageId);
  }

  /** Drops a failed message; false if it is not failed. */
  discard(clientMessageId: string): boolean {
    return this.outbox.discard(clientMessageId);
  }

  /** Messages this session still follows: pending, failed, and acknowledged but not yet read. */
  localMessages(): LocalMessage[] {
    return this.outbox.list();
  }

  /** Tells the thread's participants that the user is typing. Dropped when not connected (ephemeral). */
  sendTyping(threadId: string): void {
    this.write({ type: 'typing', threadId });
  }

  /** Marks the message read; survives reconnects (sent again on the next connection). */
  markRead(threadId: string, messageId: string): Promise<ReadReceipt> {
    if (this.state === 'idle' || this.state === 'stopped') {
      return Promise.reject(new ParleyError('network_error', 'The real-time session is not started.'));
    }
    return this.requests.read(threadId, messageId);
  }

  /** The last position seen per thread: what the next reconnect resumes from. */
  positions(): Record<string, number> {
    return this.positionTracker.snapshot();
  }

  /**
   * After refetching a thread over REST (on `resyncRequired`), its
   * `lastPosition`: events at or below it are dropped, and a reconnect
   * resumes after it.
   */
  setPosition(threadId: string, pos: number): void {
    this.positionTracker.set(threadId, pos);
  }

  // --- connecting ---

  private async connect(): Promise<void> {
    this.machine.to('connecting');
    const generation = ++this.generation;
    this.connectTimer = setTimeout(
      () => this.lost(CLIENT_CLOSE.connect.code, CLIENT_CLOSE.connect.reason),
      this.options.connectTimeoutMs ?? 15_000,
    );
    let token: string | null;
    try {
      token = await this.helloToken.get();
    } catch {
      // The credential could not produce a token (its refresh failed): try again later.
      if (generation === this.generation) this.lost(1006, 'The credential failed to supply a token.');
      return;
    }
    if (generation !== this.generation) return;
    if (token === null) {
      this.closed(CLIENT_CLOSE.expiredToken.code, CLIENT_CLOSE.expiredToken.reason, 'stop');
      return;
    }
    let socket: WebSocketLike;
    try {
      socket = new this.WebSocketCtor!(this.url);
    } catch {
      this.lost(1006, 'The WebSocket could not be created.');
      return;
    }
    this.socket = socket;
    const mine = () => this.socket === socket;
    socket.onopen = () => {
      if (!mine()) return;
      const resume = this.positionTracker.resume();
      this.write({ type: 'hello', token, ...(resume && { resume }) }, true);
    };
    socket.onmessage = (event) => {
      if (mine()) this.onFrame(typeof event.data === 'string' ? event.data : String(event.data));
    };
    socket.onclose = (event) => {
      if (mine()) this.lost(event.code, event.reason);
    };
    // An error is always followed by a close, which carries what matters.
    socket.onerror = () => undefined;
  }

  // --- frames ---

  private onFrame(text: string): void {
    this.heartbeat.alive();
    let frame: ServerFrame;
    try {
      frame = JSON.parse(text) as ServerFrame;
    } catch {
      return; // the server only sends JSON; nothing sensible to do with anything else
    }
    switch (frame.type) {
      case 'ready':
        return this.onReady(frame);
      case 'caught_up':
        return this.emitter.emit('caughtUp', { replayed: frame.replayed });
      case 'resync_required':
        if (frame.threadId !== undefined) this.positionTracker.forget(frame.threadId);
        return this.emitter.emit('resyncRequired', { threadId: frame.threadId, reason: frame.reason });
      case 'ack': {
        if (this.requests.answered(frame.id, frame.receipt)) return;
        const clientMessageId = this.sends.get(frame.id);
        this.sends.delete(frame.id);
        if (clientMessageId !== undefined && frame.message) this.outbox.acked(clientMessageId, frame.message);
        return;
      }
      case 'error': {
        if (frame.id === undefined || this.requests.failed(frame.id, frame.error)) return;
        const clientMessageId = this.sends.get(frame.id);
        this.sends.delete(frame.id);
        if (clientMessageId !== undefined) this.outbox.refused(clientMessageId, frame.error);
        return;
      }
      case 'pong':
        return;
      case 'typing':
        return this.emitter.emit('typingIndicatorReceived', frame);
      case 'presence':
        return this.emitter.emit('presenceChanged', frame);
      case 'queue':
        return this.emitter.emit('queuePositionChanged', frame);
      case 'conversation':
        return this.emitter.emit('conversationChanged', frame);
      case 'note':
        return this.emitter.emit('noteAdded', frame);
      case 'agent':
        return this.emitter.emit('agentChanged', frame);
      default:
        return this.onThreadEvent(frame);
    }
  }

  private onReady(frame: Extract<ServerFrame, { type: 'ready' }>): void {
    if (this.state !== 'connecting') return;
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = null;
    this.user = frame.userId;
    this.helloToken.serverTime(frame.serverTime);
    this.positionTracker.markReady(frame.serverTime);
    this.backoff.connected();
    const key = `parley:outbox:${this.url}:${frame.tenantId}:${frame.userId}`;
    this.outbox.bind(this.storage, key, frame.userId);
    this.machine.to('connected');
    this.heartbeat.start(
      this.options.heartbeatIntervalMs ?? frame.heartbeatIntervalMs,
      this.options.heartbeatTimeoutMs ?? 10_000,
    );
    // What waited for a connection goes first, before listeners can queue more.
    this.outbox.flush();
    this.requests.resend();
    const connected: ConnectedEvent = {
      connectionId: frame.connectionId,
      userId: frame.userId,
      tenantId: frame.tenantId,
      resuming: frame.resuming,
      presence: frame.presence,
    };
    this.emitter.emit('connected', connected);
    this.emitter.emit('realTimeNotificationConnected', connected);
    const at = new Date(frame.serverTime).toISOString();
    for (const entry of frame.presence)
      this.emitter.emit('presenceChanged', { type: 'presence', ...entry, at });
    this.settleStart(null);
  }

  private onThreadEvent(event: ThreadEvent): void {
    const acceptance = this.positionTracker.accept(event);
    if (acceptance === 'duplicate') return;
    if (acceptance === 'gap')
      this.emitter.emit('resyncRequired', { threadId: event.threadId, reason: 'gap' });
    if (event.type === 'message.created') this.outbox.delivered(event.message);
    else if (event.type === 'receipt.created') this.outbox.receipt(event.threadId, event.receipt);
    // Nothing follows a deletion or our own removal: naming the thread on resume would only earn a resync.
    else if (event.type === 'thread.deleted') this.positionTracker.forget(event.threadId);
    else if (event.type === 'participant.removed' && this.isMe(event.userIds))
      this.positionTracker.forget(event.threadId);
    this.emitter.emit('event', event);
    // The table pairs each event type with the name whose payload is that event.
    this.emitter.emit(THREAD_EVENT_NAMES[event.type], event as never);
  }

  private isMe(userIds: string[]): boolean {
    return this.user !== null && userIds.includes(this.user);
  }

  // --- writing ---

  /** Writes a frame on the open socket; false when there is none. Commands wait for `ready`. */
  private write(frame: ClientFrame, beforeReady = false): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) return false;
    if (!beforeReady && this.state !== 'connected') return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  private transmitMessage(local: LocalMessage): boolean {
    const id = `s${++this.sendCounter}`;
    const sent = this.write({
      type: 'send',
      id,
      threadId: local.threadId,
      content: local.content,
      messageType: local.type,
      clientMessageId: local.clientMessageId,
      ...(local.senderDisplayName !== undefined && { senderDisplayName: local.senderDisplayName }),
      ...(local.metadata !== undefined && { metadata: local.metadata }),
    });
    if (sent) this.sends.set(id, local.clientMessageId);
    return sent;
  }

  // --- closing ---

  /** The connection is gone (closed by the server, dropped, or judged dead): apply the close code's rule. */
  private lost(code: number, reason: string): void {
    if (this.state !== 'connecting' && this.state !== 'connected') return;
    this.closed(code, reason, closeAction(code));
  }

  private closed(code: number, reason: string, action: CloseAction): void {
    this.abandon();
    this.emitDisconnected(code, reason, action);
    // A `disconnected` listener may have stopped the session (an app signing out on 4102).
    if (this.state === 'stopped') return;
    if (action === 'stop') {
      this.outbox.suspend();
      this.machine.to('stopped');
      const error = new ParleyError(closeErrorCode(code), reason || `Closed with code ${code}.`);
      this.requests.rejectAll(error);
      this.settleStart(error);
      return;
    }
    if (action === 'refresh') this.helloToken.refused();
    this.backoff.disconnected();
    const delayMs = this.backoff.next();
    this.machine.to('reconnecting');
    this.emitter.emit('reconnecting', { attempt: this.backoff.attempt, delayMs });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, delayMs);
  }

  /** Lets go of the current socket without waiting for its close handshake (a dead peer never answers). */
  private abandon(): void {
    this.generation++;
    this.clearTimers();
    this.heartbeat.stop();
    this.outbox.connectionLost();
    this.sends.clear();
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onclose = null;
    // Keep swallowing errors: an unhandled 'error' would crash a Node process using `ws`.
    socket.onerror = () => undefined;
    try {
      socket.close(1000);
    } catch {
      // Closing a socket that never opened may throw in some implementations; it is gone either way.
    }
  }

  private clearTimers(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.reconnectTimer = null;
    this.connectTimer = null;
  }

  private emitDisconnected(code: number, reason: string, action: CloseAction): void {
    const payload = { code, reason, action };
    this.emitter.emit('disconnected', payload);
    this.emitter.emit('realTimeNotificationDisconnected', payload);
  }

  private settleStart(error: Error | null): void {
    const starting = this.starting;
    this.starting = null;
    if (!starting) return;
    if (error) starting.reject(error);
    else starting.resolve();
  }
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
