import { afterEach, beforeEach, expect } from 'vitest';
import type { Message, ThreadEvent, User } from '@parley/protocol';
import type {
  AddParticipantsInput,
  ApiKeyRecord,
  AppendMessageInput,
  CreateThreadInput,
  NewParticipant,
  Store,
  UpdateThreadInput,
} from '../../src/core/ports/store.js';

/** Creates a fresh, empty store for one test, and a way to dispose of it. */
export type MakeStore = () => Promise<{ store: Store; cleanup: () => Promise<void> }>;

/** What every area of the suite shares: the store of the running test and helpers that write through it. */
export type StoreSuite = ReturnType<typeof storeSuite>;

/**
 * Gives each test of the enclosing `describe` a fresh store from `makeStore`
 * and disposes of it afterwards. `store` forwards every call to the store of
 * the running test, so the areas can hold on to it; use it only inside hooks
 * and tests.
 */
export function storeSuite(makeStore: MakeStore) {
  let current: Store | undefined;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ store: current, cleanup } = await makeStore());
  });
  afterEach(async () => {
    await cleanup();
  });

  const store = new Proxy({} as Store, {
    get(_target, method) {
      if (!current) throw new Error('the store exists only inside a test');
      const value: unknown = Reflect.get(current, method);
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });

  /** Asserts that each returned event is exactly what the log holds at its position. */
  async function expectLogged(tenantId: string, events: ThreadEvent[]): Promise<void> {
    for (const event of events) {
      expect(await store.eventsAfter(tenantId, event.threadId, event.pos - 1, 1)).toEqual([event]);
    }
  }

  async function thread(input: Partial<CreateThreadInput> & { id: string; members?: string[] }) {
    const { members = ['alice', 'bob'], ...rest } = input;
    const result = await store.createThread({
      tenantId: A,
      topic: 'Topic',
      metadata: {},
      createdBy: members[0] ?? null,
      participants: members.map((u) => participant(u)),
      at: at(0),
      ...rest,
    });
    return result.thread;
  }

  async function send(
    threadId: string,
    senderId: string | null,
    s: number,
    extra: Partial<AppendMessageInput> = {},
  ) {
    const result = await store.appendMessage(message(threadId, senderId, s, extra));
    if (!result?.created) throw new Error('expected a new message');
    return result;
  }

  async function lastPosition(tenantId: string, threadId: string): Promise<number> {
    return (await store.getThread(tenantId, threadId))!.lastPosition;
  }

  return { store, expectLogged, thread, send, lastPosition };
}

export const A = 'tenant-a';
export const B = 'tenant-b';
const BASE = Date.UTC(2025, 0, 1);

/** A fixed instant `s` seconds after the base: the store never reads the clock. */
export function at(s: number): string {
  return new Date(BASE + s * 1000).toISOString();
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export function participant(userId: string, role: NewParticipant['role'] = 'member'): NewParticipant {
  return { userId, displayName: `User ${userId}`, role, shareHistoryTime: at(0) };
}

export function user(id: string, displayName: string, metadata: Record<string, string> = {}): User {
  return { id, displayName, role: 'member', metadata, createdAt: at(0), updatedAt: at(0) };
}

export function apiKey(id: string, tenantId: string, s: number): ApiKeyRecord {
  return {
    id,
    tenantId,
    name: `key ${id}`,
    prefix: `pk_${id}`,
    hash: id.padEnd(64, 'f'),
    createdAt: at(s),
    lastUsedAt: null,
  };
}

export function threadInput(
  id: string,
  createdBy: string | null,
  idempotencyKey: string | undefined,
): CreateThreadInput {
  return {
    tenantId: A,
    id,
    topic: 'Topic',
    metadata: {},
    createdBy,
    participants: [participant('alice'), participant('bob')],
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    at: at(0),
  };
}

export function message(
  threadId: string,
  senderId: string | null,
  s: number,
  extra: Partial<AppendMessageInput> = {},
): AppendMessageInput {
  return {
    tenantId: A,
    threadId,
    id: `msg-${threadId}-${s}`,
    type: 'text',
    content: `message ${s}`,
    senderId,
    senderDisplayName: senderId === null ? 'Service' : `User ${senderId}`,
    metadata: {},
    clientMessageId: null,
    at: at(s),
    ...extra,
  };
}

export function addInput(
  threadId: string,
  userIds: string[],
  maxParticipants: number,
  when = at(5),
): AddParticipantsInput {
  return {
    tenantId: A,
    threadId,
    participants: userIds.map((u) => participant(u)),
    initiatorId: null,
    systemMessageId: `sys-add-${threadId}-${userIds.join('-')}`,
    maxParticipants,
    at: when,
  };
}

/** A topic and/or metadata change of a thread in tenant A, at second `s`. */
export function updateInput(
  threadId: string,
  change: Pick<UpdateThreadInput, 'topic' | 'metadata'>,
  systemMessageId: string,
  s: number,
  initiatorId: string | null = null,
): UpdateThreadInput {
  return { tenantId: A, threadId, ...change, initiatorId, systemMessageId, at: at(s) };
}

/** The removal of `userId` from a thread in tenant A, at second `s`. */
export function removeInput(threadId: string, userId: string, s: number, initiatorId: string | null = null) {
  return { tenantId: A, threadId, userId, initiatorId, systemMessageId: 'sys-rm', at: at(s) };
}

/** `userId` reading up to a message of a thread in tenant A, at second `s`. */
export function readInput(threadId: string, userId: string, messageId: string, sequence: number, s: number) {
  return { tenantId: A, threadId, userId, messageId, sequence, at: at(s) };
}

/** A system message as the store writes it: no sender, no content, no metadata. */
export function storedSystemMessage(
  fields: Pick<Message, 'id' | 'threadId' | 'sequence' | 'type' | 'system' | 'createdAt'>,
): Message {
  return {
    ...fields,
    content: '',
    senderId: null,
    senderDisplayName: '',
    metadata: {},
    clientMessageId: null,
    editedAt: null,
    deletedAt: null,
  };
}
