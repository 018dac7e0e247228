import { expect } from 'vitest';
import type {
  Message,
  Participant,
  ReadReceipt,
  ServerFrame,
  Thread,
  ThreadEvent,
  ThreadSummary,
} from '@parley/protocol';
import type { Api } from './server.js';
import type { TestSocket } from './ws-client.js';
import { isThreadEvent } from './realtime.js';

/**
 * STYLE.md item 12 (Zulip's `verify_action`): the events a client receives
 * must carry it from the state it fetched before an action to the state a
 * fresh fetch returns after it. A client that keeps its state from events
 * alone then never drifts from the server.
 */

/** What one user sees of one thread over REST. */
export interface ThreadState {
  thread: Pick<Thread, 'id' | 'topic' | 'metadata' | 'updatedAt' | 'lastSequence' | 'lastPosition'>;
  /** Visible messages, ascending by sequence. */
  messages: Message[];
  /** Latest receipt of each participant, by user id. */
  receipts: ReadReceipt[];
  /** Participants, by user id. */
  participants: Participant[];
  /** The user's unread count, from GET /v1/threads. */
  unreadCount: number;
}

const byUserId = <T extends { userId: string }>(items: T[]) =>
  [...items].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));

async function get<T>(api: Api, token: string, path: string): Promise<T> {
  const res = await api<T>('GET', path, { auth: token });
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Fetches the user's view of the thread over REST, following every page. */
export async function fetchThreadState(api: Api, token: string, threadId: string): Promise<ThreadState> {
  const base = `/v1/threads/${threadId}`;
  const thread = await get<Thread>(api, token, base);

  const messages: Message[] = [];
  let cursor: string | null = null;
  do {
    const query: string =
      cursor === null ? 'after=0&limit=200' : `cursor=${encodeURIComponent(cursor)}&limit=200`;
    const page: { items: Message[]; nextCursor: string | null } = await get(
      api,
      token,
      `${base}/messages?${query}`,
    );
    messages.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);

  const skipPaged = async <T>(path: string): Promise<T[]> => {
    const items: T[] = [];
    let skip: number | null = 0;
    while (skip !== null) {
      const page: { items: T[]; nextSkip: number | null } = await get(
        api,
        token,
        `${path}?limit=200&skip=${skip}`,
      );
      items.push(...page.items);
      skip = page.nextSkip;
    }
    return items;
  };
  const receipts = await skipPaged<ReadReceipt>(`${base}/read-receipts`);
  const participants = await skipPaged<Participant>(`${base}/participants`);

  let unreadCount: number | null = null;
  let threadsCursor: string | null = null;
  do {
    const query: string =
      threadsCursor === null ? 'limit=200' : `limit=200&cursor=${encodeURIComponent(threadsCursor)}`;
    const page: { items: ThreadSummary[]; nextCursor: string | null } = await get(
      api,
      token,
      `/v1/threads?${query}`,
    );
    const summary = page.items.find((s) => s.id === threadId);
    if (summary) unreadCount = summary.unreadCount;
    threadsCursor = summary ? null : page.nextCursor;
  } while (threadsCursor !== null);
  if (unreadCount === null) throw new Error(`thread ${threadId} is not in the user's GET /v1/threads`);

  return {
    thread: {
      id: thread.id,
      topic: thread.topic,
      metadata: thread.metadata,
      updatedAt: thread.updatedAt,
      lastSequence: thread.lastSequence,
      lastPosition: thread.lastPosition,
    },
    messages,
    receipts: byUserId(receipts),
    participants: byUserId(participants),
    unreadCount,
  };
}

/**
 * The unread count a client derives on its own: text and html messages from
 * others, not deleted, above the user's read position.
 */
export function unreadCountOf(state: Omit<ThreadState, 'unreadCount'>, userId: string): number {
  const readUpTo = state.receipts.find((r) => r.userId === userId)?.sequence ?? 0;
  return state.messages.filter(
    (m) =>
      (m.type === 'text' || m.type === 'html') &&
      m.deletedAt === null &&
      m.senderId !== userId &&
      m.sequence > readUpTo,
  ).length;
}

/** The reducer a client keeps its thread state with. Returns a new state. */
export function applyEvent(state: ThreadState, event: ThreadEvent, userId: string): ThreadState {
  const next: ThreadState = structuredClone(state);
  next.thread.lastPosition = event.pos;
  switch (event.type) {
    case 'message.created':
      next.messages.push(event.message);
      next.messages.sort((a, b) => a.sequence - b.sequence);
      next.thread.lastSequence = Math.max(next.thread.lastSequence, event.message.sequence);
      break;
    case 'message.updated':
    case 'message.deleted': {
      const i = next.messages.findIndex((m) => m.id === event.message.id);
      if (i < 0) throw new Error(`${event.type} for a message the client does not have: ${event.message.id}`);
      next.messages[i] = event.message;
      break;
    }
    case 'receipt.created':
      next.receipts = byUserId([
        ...next.receipts.filter((r) => r.userId !== event.receipt.userId),
        event.receipt,
      ]);
      break;
    case 'participant.added': {
      const added = new Set(event.participants.map((p) => p.userId));
      next.participants = byUserId([
        ...next.participants.filter((p) => !added.has(p.userId)),
        ...event.participants,
      ]);
      break;
    }
    case 'participant.removed': {
      const removed = new Set(event.userIds);
      next.participants = next.participants.filter((p) => !removed.has(p.userId));
      // A former participant's read position goes with them.
      next.receipts = next.receipts.filter((r) => !removed.has(r.userId));
      break;
    }
    case 'thread.updated':
      next.thread.topic = event.thread.topic;
      next.thread.metadata = event.thread.metadata;
      next.thread.updatedAt = event.thread.updatedAt;
      next.thread.lastSequence = event.thread.lastSequence;
      break;
    case 'thread.created':
    case 'thread.deleted':
      throw new Error(`verifyEvents does not follow ${event.type}; test it directly`);
  }
  next.unreadCount = unreadCountOf(next, userId);
  return next;
}

export interface VerifyOptions {
  api: Api;
  /** The observing user's token; `socket` must be connected with it. */
  token: string;
  threadId: string;
  socket: TestSocket;
  /** The action under test (REST or WebSocket, by this user or another). */
  action: () => Promise<unknown>;
  /** When given, the exact types of the events the action must produce, in order. */
  expectTypes?: ThreadEvent['type'][];
  timeoutMs?: number;
}

/**
 * Fetches the state, runs the action while the socket records, waits until
 * the socket has every event up to the thread's new last position, applies
 * them to the earlier state and asserts that the result equals a fresh fetch.
 * Also asserts that the server's unread counts agree with the client's rule,
 * and that the events are contiguous: none missing, none twice.
 */
export async function verifyEvents(options: VerifyOptions): Promise<{
  events: ThreadEvent[];
  before: ThreadState;
  after: ThreadState;
}> {
  const { api, token, threadId, socket } = options;
  const ready = socket.frames.find((f): f is Extract<ServerFrame, { type: 'ready' }> => f.type === 'ready');
  if (!ready) throw new Error('verifyEvents needs a socket that received ready');
  const userId = ready.userId;

  const mark = socket.frames.length;
  const before = await fetchThreadState(api, token, threadId);
  expect(before.unreadCount, 'server unread count before the action').toBe(unreadCountOf(before, userId));

  await options.action();

  const after = await fetchThreadState(api, token, threadId);
  if (after.thread.lastPosition > before.thread.lastPosition) {
    await socket.next(
      (f) => isThreadEvent(f) && f.threadId === threadId && f.pos === after.thread.lastPosition,
      options.timeoutMs ?? 3000,
    );
  }
  // Events already reflected in `before` may still have been in flight when it was fetched.
  const events = socket.frames
    .slice(mark)
    .filter(isThreadEvent)
    .filter((e) => e.threadId === threadId && e.pos > before.thread.lastPosition);
  expect(
    events.map((e) => e.pos),
    'event positions: contiguous from the position before the action',
  ).toEqual(
    Array.from(
      { length: after.thread.lastPosition - before.thread.lastPosition },
      (_, i) => before.thread.lastPosition + 1 + i,
    ),
  );
  if (options.expectTypes) expect(events.map((e) => e.type)).toEqual(options.expectTypes);

  let state = before;
  for (const event of events) state = applyEvent(state, event, userId);
  expect(state, 'state from events equals a fresh fetch').toEqual(after);
  expect(after.unreadCount, 'server unread count after the action').toBe(unreadCountOf(after, userId));
  return { events, before, after };
}
