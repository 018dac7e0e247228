import { afterAll, beforeAll } from 'vitest';
import type { ServerConfig } from '../../../server/src/config.js';
import type { Clock } from '../../../server/src/core/clock.js';
import { startTestServer, type TestServer } from '../../../server/test/support/server.js';
import { ChatClient, ParleyAdminClient, ParleyError, type TokenCredential } from '../../src/index.js';

/** A server clock the test can move forward, e.g. to expire tokens. */
export class ShiftableClock implements Clock {
  offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
}

export interface SdkTestContext {
  server: TestServer;
  url: string;
  admin: ParleyAdminClient;
  clock: ShiftableClock;
  /** Creates a user with a fresh chat token and a `ChatClient` acting as them. */
  user(prefix: string, options?: { credential?: TokenCredential; displayName?: string }): Promise<TestUser>;
}

export interface TestUser {
  id: string;
  token: string;
  chat: ChatClient;
}

/** One real server per test file (port 0, fresh SQLite file), reached through the SDK. */
export function useSdkServer(configure?: (config: ServerConfig) => void): SdkTestContext {
  const clock = new ShiftableClock();
  const context = {} as SdkTestContext;
  beforeAll(async () => {
    const server = await startTestServer(configure, { clock });
    const admin = new ParleyAdminClient(server.url, server.apiKey);
    Object.assign(context, {
      server,
      url: server.url,
      admin,
      clock,
      async user(prefix: string, options: { credential?: TokenCredential; displayName?: string } = {}) {
        const id = uid(prefix);
        await admin.createUser({ id, displayName: options.displayName ?? prefix });
        const { token } = await admin.issueToken(id);
        return {
          id,
          token,
          chat: new ChatClient(server.url, options.credential ?? token, { storage: null }),
        };
      },
    });
  });
  afterAll(async () => {
    await context.server?.close();
  });
  return context;
}

let counter = 0;
/** Ids unique within a run, so tests of one file never collide. */
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Awaits a promise expected to fail with a `ParleyError` of this code and status; returns it. */
export async function expectParleyError(
  promise: Promise<unknown>,
  code: string,
  status: number,
): Promise<ParleyError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  if (!(caught instanceof ParleyError)) {
    throw new Error(`expected ParleyError ${code}, got ${caught === undefined ? 'success' : String(caught)}`);
  }
  if (caught.code !== code || caught.status !== status) {
    throw new Error(`expected ${status} ${code}, got ${caught.status} ${caught.code}: ${caught.message}`);
  }
  return caught;
}

/** Collects an async iterable into an array. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
