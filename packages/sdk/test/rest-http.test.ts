// The transport: typed errors, network failures, timeouts, and token refresh against a real server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  ChatClient,
  HttpClient,
  isParleyError,
  ParleyError,
  tokenCredential,
  type RefreshReason,
} from '../src/index.js';
import { expectParleyError, uid, useSdkServer } from './support/sdk-server.js';

const ctx = useSdkServer();

/** A JWT-shaped token with this `exp` (unsigned: the SDK only decodes it). */
function fakeJwt(expSeconds: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: 'x', exp: expSeconds })}.sig`;
}

async function userWithToken(options: { expiresInSeconds?: number } = {}) {
  const id = uid('refresh');
  await ctx.admin.createUser({ id, displayName: 'R' });
  const { token } = await ctx.admin.issueToken(id, options);
  return { id, token };
}

describe('errors', () => {
  it('turns error bodies into ParleyError with code, status, message and field', async () => {
    const user = await ctx.user('err');
    const err = await expectParleyError(user.chat.getChatThread('missing'), 'thread_not_found', 404);
    expect(isParleyError(err)).toBe(true);
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/thread/i);
    expect(isParleyError(new Error('x'))).toBe(false);

    const anonymous = new HttpClient({ endpoint: ctx.url, credential: { getToken: async () => 'garbage' } });
    await expectParleyError(anonymous.request('GET', '/v1/threads'), 'invalid_token', 401);
    await expectParleyError(anonymous.request('GET', '/v1/nowhere'), 'route_not_found', 404);
  });

  it('keeps a typed error when the body is not the server shape (a proxy page)', async () => {
    const proxy = new HttpClient({
      endpoint: 'http://proxy.invalid',
      credential: { getToken: async () => 't' },
      fetch: async () =>
        new Response('<html>Bad gateway</html>', { status: 503, headers: { 'retry-after': '7' } }),
    });
    const err = await expectParleyError(proxy.request('GET', '/v1/threads'), 'service_unavailable', 503);
    expect(err.retryAfter).toBe(7);
  });

  it('reports an unreachable server as network_error with status 0', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const chat = new ChatClient(`http://127.0.0.1:${port}`, 'token');
    const err = await expectParleyError(chat.getChatThread('t'), 'network_error', 0);
    expect(err.message).toMatch(/ECONNREFUSED|fetch failed/);
  });

  it('gives up after timeoutMs with a timeout error', async () => {
    const hanging: Server = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const { port } = hanging.address() as AddressInfo;
    try {
      const http = new HttpClient({
        endpoint: `http://127.0.0.1:${port}`,
        credential: { getToken: async () => 't' },
        timeoutMs: 150,
      });
      await expectParleyError(http.request('GET', '/v1/threads'), 'timeout', 0);
    } finally {
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    }
  });
});

describe('token refresh', () => {
  afterAll(() => {
    ctx.clock.offsetMs = 0;
  });

  it('refreshes a revoked token once on the 401 and retries the request', async () => {
    const { id, token } = await userWithToken();
    const reasons: RefreshReason[] = [];
    const credential = tokenCredential({
      token,
      refresh: async (reason) => {
        reasons.push(reason);
        return (await ctx.admin.issueToken(id)).token;
      },
    });
    const chat = new ChatClient(ctx.url, credential);
    await chat.createChatThread({ topic: 'before' });
    await ctx.admin.revokeTokens(id);
    const thread = await chat.createChatThread({ topic: 'after' });
    expect(thread.topic).toBe('after');
    expect(reasons).toEqual(['rejected']);
  });

  it('refreshes a token the server says has expired (server clock ahead)', async () => {
    const { id, token } = await userWithToken({ expiresInSeconds: 3600 });
    const refresh = vi.fn(async (_reason: RefreshReason) => (await ctx.admin.issueToken(id)).token);
    const chat = new ChatClient(ctx.url, tokenCredential({ token, refresh }));
    ctx.clock.offsetMs = 2 * 3600_000;
    try {
      expect(await collectIds(chat)).toEqual([]);
    } finally {
      ctx.clock.offsetMs = 0;
    }
    expect(refresh.mock.calls).toEqual([['rejected']]);
  });

  it('does not retry when the credential cannot refresh, and stops after one retry', async () => {
    const { id, token } = await userWithToken();
    await ctx.admin.revokeTokens(id);
    await expectParleyError(
      new ChatClient(ctx.url, token).listChatThreads().byPage().next(),
      'token_revoked',
      401,
    );

    // A refresh that hands back another bad token: one retry, then the error.
    const refresh = vi.fn(async () => token);
    const credential = tokenCredential({ token: fakeJwt(Math.floor(Date.now() / 1000) + 3600), refresh });
    await expectParleyError(new ChatClient(ctx.url, credential).getChatThread('t'), 'token_revoked', 401);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('refreshes before expiry (expiring) and when already expired (expired), sharing one refresh', async () => {
    const { id, token } = await userWithToken({ expiresInSeconds: 90 });
    let calls = 0;
    const reasons: RefreshReason[] = [];
    const credential = tokenCredential({
      token,
      refreshBeforeSeconds: 120,
      refresh: async (reason) => {
        calls += 1;
        reasons.push(reason);
        await new Promise((resolve) => setTimeout(resolve, 50));
        return (await ctx.admin.issueToken(id)).token;
      },
    });
    const chat = new ChatClient(ctx.url, credential);
    await Promise.all([1, 2, 3, 4, 5].map(() => chat.listChatThreads().byPage().next()));
    expect(calls).toBe(1);
    expect(reasons).toEqual(['expiring']);
    // The new token lives 24 h: no more refreshes.
    await chat.listChatThreads().byPage().next();
    expect(calls).toBe(1);

    const expiredReasons: RefreshReason[] = [];
    const expired = tokenCredential({
      token: fakeJwt(Math.floor(Date.now() / 1000) - 10),
      refresh: async (reason) => {
        expiredReasons.push(reason);
        return (await ctx.admin.issueToken(id)).token;
      },
    });
    await new ChatClient(ctx.url, expired).createChatThread({ topic: 'fresh' });
    expect(expiredReasons).toEqual(['expired']);
  });

  it('keeps using a still-valid token when an early refresh fails, and surfaces a failed needed refresh', async () => {
    const { token } = await userWithToken({ expiresInSeconds: 90 });
    const failing = tokenCredential({
      token,
      refreshBeforeSeconds: 120,
      refresh: async () => {
        throw new Error('backend down');
      },
    });
    expect(await failing.getToken()).toBe(token);
    await new ChatClient(ctx.url, failing).listChatThreads().byPage().next();

    const noToken = tokenCredential({
      refresh: async () => {
        throw new Error('backend down');
      },
    });
    await expect(noToken.getToken()).rejects.toThrow('backend down');
    expect(() => tokenCredential('')).toThrow(TypeError);
    expect(new ParleyError('timeout', 'x').status).toBe(0);
  });
});

async function collectIds(chat: ChatClient): Promise<string[]> {
  const ids: string[] = [];
  for await (const thread of chat.listChatThreads()) ids.push(thread.id);
  return ids;
}
