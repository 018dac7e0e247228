import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import type {
  ErrorBody,
  ErrorCode,
  Message,
  Participant,
  ParticipantInput,
  Thread,
  ThreadSummary,
} from '@parley/protocol';
import type { ServerConfig } from '../../src/config.js';
import type { Clock } from '../../src/core/clock.js';
import {
  createUserWithToken,
  startTestServer,
  type Api,
  type ApiResponse,
  type TestServer,
} from './server.js';

/** A user created through the API, with an access token. */
export interface TestUser {
  id: string;
  token: string;
}

/** A page of a list paged by cursor (threads, messages, users). */
export type Page<T> = { items: T[]; nextCursor: string | null };

/** A page of a list paged by offset (participants, read receipts). */
export type SkipPage<T> = { items: T[]; nextSkip: number | null };

/**
 * Starts one server for the calling test file, or `describe`, before its
 * tests and closes it after them. The returned server forwards to the one
 * running, so it can be held from the start; use it only inside hooks and tests.
 */
export function useTestServer(...args: Parameters<typeof startTestServer>): TestServer {
  let running: TestServer | undefined;
  beforeAll(async () => {
    running = await startTestServer(...args);
  });
  afterAll(async () => {
    await running?.close();
  });
  const current = (): TestServer => {
    if (!running) throw new Error('the test server runs only between beforeAll and afterAll');
    return running;
  };
  return {
    get server() {
      return current().server;
    },
    get url() {
      return current().url;
    },
    get wsUrl() {
      return current().wsUrl;
    },
    get dataDir() {
      return current().dataDir;
    },
    get apiKey() {
      return current().apiKey;
    },
    api: (method, path, options) => current().api(method, path, options),
    close: () => current().close(),
  };
}

/** Sets the send rate limits per user and per thread (a configure function for the test server). */
export function sendRates(userPerSecond: number, threadPerSecond = userPerSecond) {
  return (config: ServerConfig): void => {
    config.limits.userSendsPerSecond = userPerSecond;
    config.limits.threadSendsPerSecond = threadPerSecond;
  };
}

/** A fresh id with a readable prefix, so tests never collide inside one server. */
export function uid(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/**
 * A clock the test drives. Each reading advances it by `step` ms (1 by
 * default), so that two events never share a timestamp; `setStep(0)` freezes it.
 */
export interface TestClock extends Clock {
  /** The current time without advancing it. */
  peek(): number;
  advance(ms: number): void;
  setStep(ms: number): void;
}

export function testClock(start = Date.now()): TestClock {
  let t = start;
  let step = 1;
  return {
    now: () => (t += step),
    peek: () => t,
    advance: (ms) => void (t += ms),
    setStep: (ms) => void (step = ms),
  };
}

/** A request as data: method, path and optional JSON body. */
export type Call = [method: string, path: string, body?: unknown];

export function call(api: Api, auth: string, [method, path, body]: Call): Promise<ApiResponse> {
  return api(method, path, { auth, ...(body !== undefined && { body }) });
}

/** Asserts the catalogue error shape, status and code. */
export function expectError(response: ApiResponse, status: number, code: ErrorCode): void {
  expect({ status: response.status, body: response.body }).toMatchObject({
    status,
    body: { error: { code, message: expect.any(String) } },
  });
}

/** The error code of a response, or null when it is not an error body. */
export function errorCode(response: ApiResponse): string | null {
  const body = response.body as Partial<ErrorBody> | null;
  return typeof body === 'object' && body?.error ? body.error.code : null;
}

/** Creates users (member role unless told) with chat tokens. */
export async function makeUsers(
  api: Api,
  prefix: string,
  count: number,
  options: Parameters<typeof createUserWithToken>[2] = {},
): Promise<TestUser[]> {
  return Promise.all(Array.from({ length: count }, () => createUserWithToken(api, uid(prefix), options)));
}

/** An owner and a member in a fresh thread. */
export async function makePair(
  api: Api,
  prefix: string,
): Promise<{ owner: TestUser; member: TestUser; threadId: string }> {
  const [owner, member] = (await makeUsers(api, prefix, 2)) as [TestUser, TestUser];
  const thread = await makeThread(api, owner, [member.id]);
  return { owner, member, threadId: thread.id };
}

/**
 * Creates a thread as `owner` (a user, who becomes its owner) or, with null,
 * as the API key of `api`. `participants` are user ids or full inputs.
 */
export async function makeThread(
  api: Api,
  owner: TestUser | null,
  participants: (string | ParticipantInput)[] = [],
  extra: { topic?: string; metadata?: Record<string, string>; idempotencyKey?: string } = {},
): Promise<Thread> {
  const response = await api<Thread>('POST', '/v1/threads', {
    body: { participants: participants.map((p) => (typeof p === 'string' ? { userId: p } : p)), ...extra },
    ...(owner && { auth: owner.token }),
  });
  if (response.status !== 201) {
    throw new Error(`create thread: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

/** Sends a text message (or the given body) and returns it; throws unless 201. */
export async function sendMessage(
  api: Api,
  sender: TestUser | null,
  threadId: string,
  content: string,
  extra: Record<string, unknown> = {},
): Promise<Message> {
  const response = await api<Message>('POST', `/v1/threads/${threadId}/messages`, {
    body: { content, ...extra },
    ...(sender && { auth: sender.token }),
  });
  if (response.status !== 201) {
    throw new Error(`send: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

/** Every message of a thread visible to `auth`, oldest first, following `nextCursor`. */
export async function allMessages(api: Api, threadId: string, auth?: string): Promise<Message[]> {
  const messages: Message[] = [];
  let path = `/v1/threads/${threadId}/messages?after=0&limit=200`;
  for (;;) {
    const page = await api<{ items: Message[]; nextCursor: string | null }>('GET', path, {
      ...(auth !== undefined && { auth }),
    });
    if (page.status !== 200) throw new Error(`list: ${page.status} ${JSON.stringify(page.body)}`);
    messages.push(...page.body.items);
    if (page.body.nextCursor === null) return messages;
    path = `/v1/threads/${threadId}/messages?limit=200&cursor=${page.body.nextCursor}`;
  }
}

/** The threads `user` sees (one page, with `query`); asserts a 200. */
export async function listThreads(api: Api, user: TestUser, query = ''): Promise<Page<ThreadSummary>> {
  const response = await api<Page<ThreadSummary>>('GET', `/v1/threads${query}`, { auth: user.token });
  expect(response.status).toBe(200);
  return response.body;
}

/** The participants of a thread (up to 200), as the API key of `api` sees them. */
export async function participantsOf(api: Api, threadId: string): Promise<Participant[]> {
  const response = await api<SkipPage<Participant>>('GET', `/v1/threads/${threadId}/participants?limit=200`);
  return response.body.items;
}
