import { useCallback, useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import type {
  ConnectionState,
  LocalMessage,
  Message,
  Metadata,
  ParleyError,
  ReadReceipt,
  ThreadSummary,
} from '@parley/sdk';
import { useRegistry } from './provider.js';
import type { MessageItem } from './stores/merge.js';
import type { TypingUser } from './stores/typing-store.js';
import { toParleyError } from './stores/errors.js';

export interface ConnectionInfo {
  /** True in the `connected` state only. */
  isConnected: boolean;
  status: ConnectionState;
  /** Drops the connection and connects again at once (resuming); starts it if stopped. */
  reconnect(): void;
}

/** The real-time connection's state, live. */
export function useConnection(): ConnectionInfo {
  const registry = useRegistry();
  const store = registry.connection;
  const status = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  const reconnect = useCallback(() => registry.client.reconnect(), [registry]);
  return useMemo(() => ({ isConnected: status === 'connected', status, reconnect }), [status, reconnect]);
}

export interface ThreadsInfo {
  /** Most recent activity first, each with its last message and unread count. */
  threads: readonly ThreadSummary[];
  loading: boolean;
  error: ParleyError | null;
  /** Fetches the first page again. */
  refresh(): Promise<void>;
}

/** The caller's threads: the first page, kept current by real-time events. */
export function useThreads(): ThreadsInfo {
  const { threads: store } = useRegistry();
  const snapshot = useSyncExternalStore(
    store.store.subscribe,
    store.store.getSnapshot,
    store.store.getSnapshot,
  );
  const refresh = useCallback(() => store.refresh(), [store]);
  return useMemo(() => ({ ...snapshot, refresh }), [snapshot, refresh]);
}

export interface MessagesInfo {
  /** Stored messages in sequence order, then this client's echoes not yet confirmed (pending or failed). */
  messages: readonly MessageItem[];
  /** Fetches the page before the oldest message shown. */
  loadOlder(): Promise<void>;
  hasMore: boolean;
  loading: boolean;
  error: ParleyError | null;
}

/** One thread's messages: newest page, older pages on demand, live events and the local outbox. */
export function useMessages(threadId: string): MessagesInfo {
  const registry = useRegistry();
  const store = registry.messagesOf(threadId);
  const snapshot = useSyncExternalStore(
    store.store.subscribe,
    store.store.getSnapshot,
    store.store.getSnapshot,
  );
  const loadOlder = useCallback(() => store.loadOlder(), [store]);
  return useMemo(
    () => ({
      messages: snapshot.items,
      loadOlder,
      hasMore: snapshot.hasMore,
      loading: snapshot.loading,
      error: snapshot.error,
    }),
    [snapshot, loadOlder],
  );
}

export interface SendOptions {
  type?: 'text' | 'html';
  senderDisplayName?: string;
  metadata?: Metadata;
}

/**
 * A `send(content, options?)` for one thread. It returns the local echo at
 * once (`pending`); the message goes out now or on the next connection,
 * survives a reload in `localStorage`, and is stored exactly once.
 */
export function useSendMessage(threadId: string): (content: string, options?: SendOptions) => LocalMessage {
  const registry = useRegistry();
  return useCallback(
    (content: string, options: SendOptions = {}) => {
      const local = registry.client.realtime.sendMessage(threadId, { content, ...options });
      registry.outbox.put(local);
      return local;
    },
    [registry, threadId],
  );
}

/** Retry or drop a failed message (the `failed` rows of `useMessages`). */
export function useOutboxActions(): {
  retry(clientMessageId: string): boolean;
  discard(clientMessageId: string): boolean;
} {
  const registry = useRegistry();
  return useMemo(
    () => ({
      retry: (id: string) => registry.client.realtime.retry(id),
      discard: (id: string) => {
        const done = registry.client.realtime.discard(id);
        if (done) registry.outbox.remove(id);
        return done;
      },
    }),
    [registry],
  );
}

export interface TypingOptions {
  /** `start()` sends at most once per this many ms. Default 2000. */
  intervalMs?: number;
  /** Without a `start()` for this long, typing stops by itself. Default 3000. */
  idleMs?: number;
}

export interface TypingInfo {
  /** Others typing in the thread now (the server never echoes one's own typing). */
  typingUsers: readonly TypingUser[];
  /** Call on every keystroke: throttled to one notification per `intervalMs`. */
  start(): void;
  /** Call on send or blur. The protocol has no "stopped" frame: others drop the indicator on expiry or on the message. */
  stop(): void;
}

/** Who is typing, and a debounced way to say that we are. */
export function useTyping(threadId: string, options: TypingOptions = {}): TypingInfo {
  const registry = useRegistry();
  const store = registry.typingOf(threadId).store;
  const typingUsers = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  const intervalMs = options.intervalMs ?? 2000;
  const idleMs = options.idleMs ?? 3000;
  const state = useRef<{ lastSent: number; idle: ReturnType<typeof setTimeout> | undefined }>({
    lastSent: -Infinity,
    idle: undefined,
  });

  const stop = useCallback(() => {
    clearTimeout(state.current.idle);
    state.current.idle = undefined;
    // The next start() after a stop is news to the others: send it at once.
    state.current.lastSent = -Infinity;
  }, []);

  const start = useCallback(() => {
    const now = Date.now();
    if (now - state.current.lastSent >= intervalMs) {
      state.current.lastSent = now;
      registry.client.realtime.sendTyping(threadId);
    }
    clearTimeout(state.current.idle);
    state.current.idle = setTimeout(stop, idleMs);
  }, [registry, threadId, intervalMs, idleMs, stop]);

  useEffect(() => stop, [threadId, stop]);
  return useMemo(() => ({ typingUsers, start, stop }), [typingUsers, start, stop]);
}

export interface ReadReceiptsInfo {
  /** Each participant's latest receipt. */
  receipts: readonly ReadReceipt[];
  /** Users (other than `exceptUserId`) whose receipt covers the message. */
  readersOf(message: Pick<Message, 'sequence'>, exceptUserId?: string | null): string[];
  /** Marks everything up to the message read; over the socket when connected, else over REST. */
  markRead(messageId: string): Promise<ReadReceipt>;
  loading: boolean;
  error: ParleyError | null;
}

export function useReadReceipts(threadId: string): ReadReceiptsInfo {
  const registry = useRegistry();
  const store = registry.receiptsOf(threadId).store;
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  const markRead = useCallback(
    async (messageId: string) => {
      const client = registry.client;
      try {
        return client.connectionState === 'connected'
          ? await client.realtime.markRead(threadId, messageId)
          : await client.getChatThreadClient(threadId).sendReadReceipt(messageId);
      } catch (err) {
        throw toParleyError(err);
      }
    },
    [registry, threadId],
  );
  return useMemo(
    () => ({
      receipts: snapshot.receipts,
      readersOf: (message, exceptUserId) =>
        snapshot.receipts
          .filter((r) => r.sequence >= message.sequence && r.userId !== exceptUserId)
          .map((r) => r.userId),
      markRead,
      loading: snapshot.loading,
      error: snapshot.error,
    }),
    [snapshot, markRead],
  );
}

/** Unread messages in one thread, or across the listed threads when no id is given. */
export function useUnreadCount(threadId?: string): number {
  const { threads } = useRegistry();
  const getSnapshot = useCallback(() => {
    const list = threads.store.getSnapshot().threads;
    if (threadId !== undefined) return list.find((t) => t.id === threadId)?.unreadCount ?? 0;
    return list.reduce((sum, t) => sum + t.unreadCount, 0);
  }, [threads, threadId]);
  return useSyncExternalStore(threads.store.subscribe, getSnapshot, getSnapshot);
}
