import type { Metadata, ParticipantInput, Thread, ThreadSummary } from '@parley/protocol';
import { tokenCredential, type TokenCredential } from './credentials.js';
import type { ChatEvents } from './events.js';
import { HttpClient, path } from './http.js';
import { randomId } from './ids.js';
import { cursorPages, pagedIterable, type PagedAsyncIterable } from './paging.js';
import { RealtimeSession, type RealtimeOptions } from './realtime/realtime-session.js';
import type { ConnectionState } from './realtime/connection-state.js';
import type { WebSocketConstructorLike } from './realtime/websocket-like.js';
import { retryIdempotent } from './retry.js';
import { ChatThreadClient } from './chat-thread-client.js';
import { defaultStorage, type StorageLike } from './storage.js';

export interface ChatClientOptions {
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Defaults to the global `WebSocket`; in Node 20 pass the `ws` package's. */
  WebSocket?: WebSocketConstructorLike;
  /** Where real-time positions and the outbox survive reloads; default `localStorage` when usable, `null` for none. */
  storage?: StorageLike | null;
  /** Tuning of the real-time session (backoff, outbox, …). */
  realtime?: Partial<RealtimeOptions>;
  /** Per REST request. Default 30000. */
  timeoutMs?: number;
}

export interface CreateChatThreadOptions {
  topic: string;
  /** Others to add; the caller (a user) joins as owner. */
  participants?: ParticipantInput[];
  metadata?: Metadata;
  /** Makes retries safe: the server returns the thread created the first time. Generated when absent. */
  idempotencyKey?: string;
}

type Handler<K extends keyof ChatEvents> = (e: ChatEvents[K]) => void;

/**
 * The entry point of a chat application (seed 003's `ChatClient`): creates,
 * lists, gets and deletes threads, hands out a `ChatThreadClient` per thread,
 * and runs the real-time notifications (`startRealtimeNotifications`, `on`).
 *
 * ```ts
 * const chat = new ChatClient('https://chat.example.com', tokenCredential({ token, refresh }));
 * const thread = await chat.createChatThread({ topic: 'Lunch', participants: [{ userId: 'bob' }] });
 * await chat.getChatThreadClient(thread.id).sendMessage({ content: 'Hello Bob' });
 * ```
 */
export class ChatClient {
  readonly endpoint: string;
  private readonly credential: TokenCredential;
  private readonly http: HttpClient;
  private session: RealtimeSession | undefined;
  /** Listeners added with `on`, kept here so that they outlive the session's creation order. */
  private readonly listeners = new Map<keyof ChatEvents, Set<Handler<keyof ChatEvents>>>();

  constructor(
    endpoint: string,
    credential: TokenCredential | string,
    private readonly options: ChatClientOptions = {},
  ) {
    this.endpoint = endpoint;
    this.credential = typeof credential === 'string' ? tokenCredential(credential) : credential;
    this.http = new HttpClient({
      endpoint,
      credential: this.credential,
      ...(options.fetch && { fetch: options.fetch }),
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    });
  }

  /** Creates a thread; a user caller becomes its owner. */
  async createChatThread(options: CreateChatThreadOptions): Promise<Thread> {
    const body = { ...options, idempotencyKey: options.idempotencyKey ?? randomId('t') };
    return retryIdempotent(
      async () => (await this.http.request<Thread>('POST', '/v1/threads', { body })).body,
    );
  }

  /** A client for one thread; no request is made. */
  getChatThreadClient(threadId: string): ChatThreadClient {
    return new ChatThreadClient(threadId, this.http);
  }

  async getChatThread(threadId: string): Promise<Thread> {
    return (await this.http.request<Thread>('GET', path`/v1/threads/${threadId}`)).body;
  }

  /**
   * The caller's threads, most recent activity first, each with its last
   * message and unread count. `startTime` keeps threads active at or after it.
   */
  listChatThreads(
    options: { startTime?: Date | string; maxPageSize?: number } = {},
  ): PagedAsyncIterable<ThreadSummary> {
    const updatedSince =
      options.startTime instanceof Date ? options.startTime.toISOString() : options.startTime;
    return pagedIterable(
      cursorPages(
        async (query) =>
          (
            await this.http.request<{ items: ThreadSummary[]; nextCursor: string | null }>(
              'GET',
              '/v1/threads',
              {
                query: { ...query, updatedSince },
              },
            )
          ).body,
      ),
      options.maxPageSize,
    );
  }

  /** Deletes a thread (its owners only). */
  async deleteChatThread(threadId: string): Promise<void> {
    await this.http.request('DELETE', path`/v1/threads/${threadId}`);
  }

  /**
   * The real-time session behind `on` and `startRealtimeNotifications`, created
   * on first use (no connection until started): for its outbox and positions.
   */
  get realtime(): RealtimeSession {
    if (!this.session) {
      const storage = this.options.storage === undefined ? defaultStorage() : this.options.storage;
      this.session = new RealtimeSession({
        endpoint: this.endpoint,
        credential: this.credential,
        ...(this.options.WebSocket && { WebSocket: this.options.WebSocket }),
        storage,
        ...this.options.realtime,
      });
      for (const [event, handlers] of this.listeners) {
        for (const handler of handlers) this.session.on(event, handler);
      }
    }
    return this.session;
  }

  /** Opens the WebSocket and resolves once connected (seed 003). */
  async startRealtimeNotifications(): Promise<void> {
    await this.realtime.start();
  }

  /** Closes the WebSocket; listeners stay registered for a later start. */
  async stopRealtimeNotifications(): Promise<void> {
    await this.session?.stop();
  }

  /** Listens to a real-time event; allowed before `startRealtimeNotifications`. Returns the unsubscribe function. */
  on<K extends keyof ChatEvents>(event: K, handler: (e: ChatEvents[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(handler as Handler<keyof ChatEvents>);
    this.session?.on(event, handler);
    return () => this.off(event, handler);
  }

  off<K extends keyof ChatEvents>(event: K, handler: (e: ChatEvents[K]) => void): void {
    this.listeners.get(event)?.delete(handler as Handler<keyof ChatEvents>);
    this.session?.off(event, handler);
  }

  /** The signed-in user, once the real-time connection has been ready once; null before. */
  get userId(): string | null {
    return this.session?.userId ?? null;
  }

  /** `idle` until `startRealtimeNotifications`. */
  get connectionState(): ConnectionState {
    return this.session?.state ?? 'idle';
  }

  /** Drops the current connection and reconnects now (resuming), e.g. when the browser comes back online. */
  reconnect(): void {
    this.realtime.reconnect();
  }
}
