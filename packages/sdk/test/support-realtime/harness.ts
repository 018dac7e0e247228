import { WebSocket as WsWebSocket } from 'ws';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { ThreadEvent } from '@parley/protocol';
import {
  startTestServer,
  createUserWithToken,
  type TestServer,
} from '../../../server/test/support/server.js';
import { uid } from '../../../server/test/support/fixtures.js';
import type { Clock } from '../../../server/src/core/clock.js';
import type { ServerConfig } from '../../../server/src/config.js';
import { RealtimeSession, type RealtimeOptions } from '../../src/realtime/realtime-session.js';
import type { WebSocketConstructorLike } from '../../src/realtime/websocket-like.js';
import type { StorageLike } from '../../src/storage.js';
import type { TokenCredential } from '../../src/credentials.js';
import type { ChatEvents } from '../../src/events.js';

/** A server clock the test can move forward (to expire tokens). */
export class ShiftableClock implements Clock {
  offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
}

/**
 * `ws`, with every client socket kept so a test can cut one (`terminate`: no
 * close frame, as when a network drops) or make it deaf (`muted`: frames from
 * the client are dropped, so the server never answers its pings).
 */
export class SocketTap {
  readonly sockets: TappedSocket[] = [];
  readonly WebSocket: WebSocketConstructorLike;

  constructor() {
    const sockets = this.sockets;
    class Tapped extends WsWebSocket {
      muted = false;
      constructor(url: string) {
        super(url);
        sockets.push(this);
      }
      override send(data: string): void {
        if (!this.muted) super.send(data);
      }
    }
    this.WebSocket = Tapped as unknown as WebSocketConstructorLike;
  }

  last(): TappedSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error('no socket opened yet');
    return socket;
  }
}

export type TappedSocket = WsWebSocket & { muted: boolean };

/** A `StorageLike` in memory, shared between sessions to stand for a page reload. */
export function memoryStorage(): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

/** Every event a session emitted, in order, and a way to wait for a condition on them. */
export class Recorder {
  readonly log: { name: keyof ChatEvents; payload: unknown }[] = [];
  private waiters = new Set<() => void>();

  constructor(session: RealtimeSession) {
    const names: (keyof ChatEvents)[] = [
      'chatMessageReceived',
      'chatMessageEdited',
      'chatMessageDeleted',
      'readReceiptReceived',
      'chatThreadCreated',
      'chatThreadPropertiesUpdated',
      'chatThreadDeleted',
      'participantsAdded',
      'participantsRemoved',
      'typingIndicatorReceived',
      'presenceChanged',
      'event',
      'resyncRequired',
      'caughtUp',
      'connectionStateChanged',
      'connected',
      'disconnected',
      'realTimeNotificationConnected',
      'realTimeNotificationDisconnected',
      'reconnecting',
      'messageStateChanged',
    ];
    for (const name of names)
      session.on(name, (payload) => {
        this.log.push({ name, payload });
        for (const wake of [...this.waiters]) wake();
      });
  }

  all<K extends keyof ChatEvents>(name: K): ChatEvents[K][] {
    return this.log.filter((e) => e.name === name).map((e) => e.payload as ChatEvents[K]);
  }

  events(threadId: string): ThreadEvent[] {
    return this.all('event').filter((e) => e.threadId === threadId);
  }

  /** Resolves once `check` holds, re-checked on every event; fails after `timeoutMs`. */
  until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const wake = () => {
        if (!check()) return;
        this.waiters.delete(wake);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      this.waiters.add(wake);
    });
  }
}

export interface Harness {
  server: TestServer;
  clock: ShiftableClock;
  user(prefix: string, options?: { expiresInSeconds?: number }): Promise<{ id: string; token: string }>;
  /** A session on the test server through `ws`, stopped after the test. */
  session(
    credential: TokenCredential | string,
    options?: Partial<RealtimeOptions>,
  ): { session: RealtimeSession; events: Recorder; tap: SocketTap };
}

/** One real server per test file, and sessions that are stopped after each test. */
export function useRealtimeServer(configure?: (config: ServerConfig) => void): Harness {
  const clock = new ShiftableClock();
  let server: TestServer | undefined;
  const sessions: RealtimeSession[] = [];
  beforeAll(async () => {
    server = await startTestServer(configure, { clock });
  });
  afterEach(() => {
    for (const session of sessions.splice(0)) session.stop();
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    get server() {
      if (!server) throw new Error('the server runs between beforeAll and afterAll');
      return server;
    },
    clock,
    async user(prefix, options = {}) {
      return createUserWithToken(this.server.api, uid(prefix), options);
    },
    session(credential, options = {}) {
      const tap = new SocketTap();
      const session = new RealtimeSession({
        endpoint: this.server.url,
        credential: typeof credential === 'string' ? { getToken: async () => credential } : credential,
        WebSocket: tap.WebSocket,
        storage: null,
        backoff: { initialMs: 50, maxMs: 200 },
        ...options,
      });
      sessions.push(session);
      const events = new Recorder(session);
      return { session, events, tap };
    },
  };
}
