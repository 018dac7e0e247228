import type { Socket } from 'node:net';
import { afterEach, expect } from 'vitest';
import WebSocket from 'ws';
import {
  THREAD_EVENT_TYPES,
  type EphemeralEvent,
  type Message,
  type ResumeState,
  type ServerFrame,
  type Thread,
  type ThreadEvent,
} from '@parley/protocol';
import { uid, useTestServer, type TestUser } from './fixtures.js';
import { createUserWithToken, type Api, type ApiResponse, type startTestServer } from './server.js';
import { TestSocket } from './ws-client.js';

/** Helpers for the real-time tests, on top of TestSocket. */

export type User = TestUser;
export type Ack = Extract<ServerFrame, { type: 'ack' }>;
export type ErrorFrame = Extract<ServerFrame, { type: 'error' }>;

/**
 * A server for the enclosing `describe` (see useTestServer), with users and
 * sockets on it. The sockets opened through `connect` and `open` are closed
 * after each test.
 */
export function useRealtimeServer(...args: Parameters<typeof startTestServer>) {
  const server = useTestServer(...args);
  const sockets: TestSocket[] = [];

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  /** A user named `name` (displayed so), with a chat token issued with `options`. */
  const user = (
    name: string,
    options: { expiresInSeconds?: number; scopes?: string[] } = {},
  ): Promise<User> => createUserWithToken(server.api, uid(name), { displayName: name, ...options });
  const users = <N extends string[]>(...names: N) =>
    Promise.all(names.map((name) => user(name))) as Promise<{ [K in keyof N]: User }>;

  /** Connects as `u` (resuming from `resume` if given) and waits for `ready`. */
  async function connect(u: User, resume?: ResumeState): Promise<TestSocket> {
    const socket = await TestSocket.connect(server.wsUrl, u.token, resume);
    sockets.push(socket);
    return socket;
  }

  /** Opens a socket without saying hello. */
  async function open(options: { origin?: string } = {}): Promise<TestSocket> {
    const socket = await TestSocket.open(server.wsUrl, options);
    sockets.push(socket);
    return socket;
  }

  return { server, user, users, connect, open };
}

let requestSeq = 0;

/** Sends a frame with a fresh request id and waits for its ack or error. */
export async function request(socket: TestSocket, frame: Record<string, unknown>): Promise<Ack | ErrorFrame> {
  const id = `req-${++requestSeq}`;
  socket.send({ ...frame, id });
  return socket.next<Ack | ErrorFrame>((f) => (f.type === 'ack' || f.type === 'error') && f.id === id);
}

/** Asserts the status of a REST response, showing its body when it differs. */
export function expectStatus(res: ApiResponse, status: number): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
}

const threadEventTypes = new Set<string>(THREAD_EVENT_TYPES);

export function isThreadEvent(frame: ServerFrame): frame is ThreadEvent {
  return threadEventTypes.has(frame.type);
}

/** A short id unique across the test run (users, threads, request ids). */
export { uid };

/** The thread events a socket received, optionally of one thread, from frame index `from` on. */
export function threadEvents(socket: TestSocket, threadId?: string, from = 0): ThreadEvent[] {
  return socket.frames
    .slice(from)
    .filter(isThreadEvent)
    .filter((e) => threadId === undefined || e.threadId === threadId);
}

/** The ephemeral frames (typing, presence) a socket received. */
export function ephemeralEvents(socket: TestSocket): EphemeralEvent[] {
  return socket.frames.filter((f): f is EphemeralEvent => f.type === 'typing' || f.type === 'presence');
}

/** Waits until the socket has received the event at `pos` of the thread. */
export function waitForPos(
  socket: TestSocket,
  threadId: string,
  pos: number,
  timeoutMs = 5000,
): Promise<ThreadEvent> {
  return socket.next<ThreadEvent>(
    (f) => isThreadEvent(f) && f.threadId === threadId && f.pos === pos,
    timeoutMs,
  );
}

let pingSeq = 0;

/**
 * A round trip through the server's handling of this connection: resolves on
 * the `pong`. Anything the server wrote to the socket before it read the
 * `ping` has arrived by then, so a test can assert that something did not.
 */
export async function sync(socket: TestSocket, timeoutMs = 3000): Promise<void> {
  const id = `sync-${++pingSeq}`;
  socket.send({ type: 'ping', id });
  await socket.next((f) => f.type === 'pong' && f.id === id, timeoutMs);
}

/** Creates a thread over REST as `auth` (a user token or an API key) and returns it. */
export async function createThread(
  api: Api,
  auth: string,
  participants: string[],
  extra: { topic?: string } = {},
): Promise<Thread> {
  const res = await api<Thread>('POST', '/v1/threads', {
    auth,
    body: { ...extra, participants: participants.map((userId) => ({ userId })) },
  });
  if (res.status !== 201) throw new Error(`create thread: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Sends a message over REST and returns it. */
export async function restSend(api: Api, auth: string, threadId: string, content: string): Promise<Message> {
  const res = await api<Message>('POST', `/v1/threads/${threadId}/messages`, { auth, body: { content } });
  if (res.status !== 201) throw new Error(`send: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The thread's current last position, read over REST. */
export async function lastPosition(api: Api, auth: string, threadId: string): Promise<number> {
  const res = await api<Thread>('GET', `/v1/threads/${threadId}`, { auth });
  if (res.status !== 200) throw new Error(`get thread: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.lastPosition;
}

/**
 * A bare `ws` client for the cases TestSocket cannot express: one that stops
 * reading (slow consumer) or does not answer pings (heartbeat).
 */
export class RawClient {
  readonly frames: ServerFrame[] = [];
  readonly closed: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.frames.push(JSON.parse(data.toString()) as ServerFrame));
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
  }

  /** Opens, says hello and waits for `ready`. */
  static async connect(url: string, token: string, options: { autoPong?: boolean } = {}): Promise<RawClient> {
    const ws = new WebSocket(url, { perMessageDeflate: false, autoPong: options.autoPong ?? true });
    const client = new RawClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no ready frame')), 5000);
      const onMessage = (data: WebSocket.RawData) => {
        if ((JSON.parse(data.toString()) as ServerFrame).type !== 'ready') return;
        clearTimeout(timer);
        ws.off('message', onMessage);
        resolve();
      };
      ws.on('message', onMessage);
    });
    ws.send(JSON.stringify({ type: 'hello', token }));
    await ready;
    return client;
  }

  /** The underlying TCP socket, to stop and restart reading from it. */
  get tcp(): Socket {
    return (this.ws as unknown as { _socket: Socket })._socket;
  }

  /** Resolves with the close code, or rejects after `timeoutMs`. */
  closedWithin(timeoutMs: number): Promise<number> {
    return Promise.race([
      this.closed,
      new Promise<number>((_, reject) =>
        setTimeout(() => reject(new Error(`not closed within ${timeoutMs} ms`)), timeoutMs),
      ),
    ]);
  }

  terminate(): void {
    this.ws.terminate();
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
