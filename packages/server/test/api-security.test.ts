// Tenant isolation, non-participants and attacks on access tokens.
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CreatedApiKey, CreatedTenant, Message, Thread, TokenValidation } from '@parley/protocol';
import { createUserWithToken, makeApi, type Api, type ApiResponse } from './support/server.js';
import {
  allMessages,
  call,
  errorCode,
  expectError,
  makeThread,
  sendMessage,
  testClock,
  uid,
  useTestServer,
  type Call,
  type TestUser,
} from './support/fixtures.js';

const SECRET = randomBytes(32).toString('hex');
const clock = testClock();
const ts = useTestServer(
  (c) => {
    c.secrets.tokenSecret = SECRET;
  },
  { clock },
);

describe('tenant isolation', () => {
  const marker = uid('B-SECRET');
  let b: { tenantId: string; key: string; api: Api; keyId: string; alice: TestUser; bob: TestUser };
  let bThread: Thread;
  let bMessage: Message;
  let attackers: [name: string, auth: string][];

  /** Everything tenant B can see of itself, minus what mere reading changes. */
  const snapshotB = async () => {
    const get = async (path: string) => {
      const response = await b.api('GET', path);
      expect(response.status, path).toBe(200);
      return response.body;
    };
    const keys = (await get('/v1/api-keys')) as { items: Record<string, unknown>[] };
    const threadPath = `/v1/threads/${bThread.id}`;
    return {
      users: await get('/v1/users?limit=200'),
      threads: await get('/v1/threads'),
      thread: await get(threadPath),
      participants: await get(`${threadPath}/participants`),
      messages: await get(`${threadPath}/messages?after=0`),
      receipts: await get(`${threadPath}/read-receipts`),
      keys: keys.items.map(({ lastUsedAt: _lastUsedAt, ...rest }) => rest),
      aliceToken: (await b.api('POST', '/v1/tokens/validate', { body: { token: b.alice.token } })).body,
      bobCanRead: (await b.api('GET', threadPath, { auth: b.bob.token })).status,
    };
  };

  beforeAll(async () => {
    const created = await ts.api<CreatedTenant>('POST', '/v1/tenants', {
      body: { name: `Tenant ${marker}` },
    });
    const key = created.body.apiKey.secret;
    const api = makeApi(ts.url, key);
    const alice = await createUserWithToken(api, uid('b-alice'), { displayName: `${marker}-alice` });
    const bob = await createUserWithToken(api, uid('b-bob'), { displayName: `${marker}-bob` });
    const second = await api<CreatedApiKey>('POST', '/v1/api-keys', { body: { name: `${marker}-key` } });
    b = { tenantId: created.body.tenant.id, key, api, keyId: second.body.id, alice, bob };
    bThread = await makeThread(api, alice, [bob.id], {
      topic: `${marker}-topic`,
      metadata: { s: `${marker}-meta` },
    });
    bMessage = await sendMessage(api, alice, bThread.id, `${marker}-message`);
    await api('POST', `/v1/threads/${bThread.id}/read-receipts`, {
      auth: bob.token,
      body: { messageId: bMessage.id },
    });

    const admin = await createUserWithToken(ts.api, uid('a-admin'), {
      role: 'admin',
      scopes: ['chat', 'users.read', 'admin'],
    });
    const member = await createUserWithToken(ts.api, uid('a-member'), { scopes: ['chat', 'users.read'] });
    attackers = [
      ["A's API key", ts.apiKey],
      ["A's admin token", admin.token],
      ["A's member token", member.token],
    ];
  });

  const routesOnB = (): Call[] => {
    const t = `/v1/threads/${bThread.id}`;
    const m = `${t}/messages/${bMessage.id}`;
    return [
      ['GET', `/v1/users/${b.alice.id}`],
      ['PATCH', `/v1/users/${b.alice.id}`, { displayName: 'pwned' }],
      ['DELETE', `/v1/users/${b.bob.id}`],
      ['POST', `/v1/users/${b.alice.id}/tokens`, { scopes: ['chat'] }],
      ['DELETE', `/v1/users/${b.alice.id}/tokens`],
      ['DELETE', `/v1/api-keys/${b.keyId}`],
      ['POST', '/v1/threads', { participants: [{ userId: b.alice.id }] }],
      ['GET', t],
      ['PATCH', t, { topic: 'pwned' }],
      ['DELETE', t],
      ['POST', `${t}/participants`, { participants: [{ userId: b.bob.id }] }],
      ['GET', `${t}/participants`],
      ['DELETE', `${t}/participants/${b.bob.id}`],
      ['POST', `${t}/messages`, { content: 'pwned' }],
      ['GET', `${t}/messages`],
      ['GET', `${t}/messages?after=0`],
      ['GET', m],
      ['PATCH', m, { content: 'pwned' }],
      ['DELETE', m],
      ['POST', `${t}/read-receipts`, { messageId: bMessage.id }],
      ['GET', `${t}/read-receipts`],
      ['POST', `${t}/typing`],
    ];
  };
  // Lists answer 200 but must hold only the caller's own tenant.
  const listsOfA = (): Call[] => [
    ['GET', '/v1/users?limit=200'],
    ['GET', `/v1/users?search=${marker}`],
    ['GET', '/v1/threads?limit=200'],
    ['GET', '/v1/api-keys'],
    ['POST', '/v1/tokens/validate', { token: b.alice.token }],
  ];

  const leaks = (response: ApiResponse) => {
    const text = JSON.stringify(response.body) + [...response.headers.values()].join(' ');
    return [marker, b.tenantId, b.key, b.alice.token, bMessage.content].filter((s) => text.includes(s));
  };

  it("refuses tenant A's key and tokens on every tenant-B resource, leaking nothing and changing nothing", async () => {
    const before = await snapshotB();
    const failures: string[] = [];
    for (const [name, auth] of attackers) {
      for (const route of routesOnB()) {
        const response = await call(ts.api, auth, route);
        if (response.status !== 403 && response.status !== 404) {
          failures.push(
            `${name} ${route[0]} ${route[1]} → ${response.status} ${JSON.stringify(response.body)}`,
          );
        }
        if (leaks(response).length > 0)
          failures.push(`${name} ${route[0]} ${route[1]} leaked ${leaks(response)}`);
      }
      for (const route of listsOfA()) {
        const response = await call(ts.api, auth, route);
        if (leaks(response).length > 0)
          failures.push(`${name} ${route[0]} ${route[1]} leaked ${leaks(response)}`);
        if (route[1] === '/v1/tokens/validate' && response.status === 200) {
          expect(response.body).toEqual({ valid: false, reason: 'invalid_token' });
        }
      }
    }
    expect(failures).toEqual([]);
    expect(await snapshotB()).toEqual(before);
  });

  it("refuses tenant B's token on tenant A, and B's key cannot validate A's tokens", async () => {
    const aUser = await createUserWithToken(ts.api, uid('a-user'));
    const aThread = await makeThread(ts.api, aUser, []);
    expectError(
      await ts.api('GET', `/v1/threads/${aThread.id}`, { auth: b.alice.token }),
      404,
      'thread_not_found',
    );
    expectError(await b.api('GET', `/v1/threads/${aThread.id}`), 404, 'thread_not_found');
    expectError(await b.api('GET', `/v1/users/${aUser.id}`), 404, 'user_not_found');
    const validation = await b.api<TokenValidation>('POST', '/v1/tokens/validate', {
      body: { token: aUser.token },
    });
    expect(validation.body).toEqual({ valid: false, reason: 'invalid_token' });
  });
});

describe('non-participants', () => {
  it('get thread_not_found on every thread route, as for a thread that does not exist', async () => {
    const [owner, member, outsider] = await Promise.all(
      ['own', 'mem', 'out'].map((p) => createUserWithToken(ts.api, uid(p))),
    );
    const thread = await makeThread(ts.api, owner!, [member!.id], { topic: 'private topic' });
    const message = await sendMessage(ts.api, member!, thread.id, 'private content');
    const t = `/v1/threads/${thread.id}`;
    const routes: Call[] = [
      ['GET', t],
      ['PATCH', t, { topic: 'mine' }],
      ['DELETE', t],
      ['POST', `${t}/participants`, { participants: [{ userId: outsider!.id }] }],
      ['GET', `${t}/participants`],
      ['DELETE', `${t}/participants/${member!.id}`],
      ['DELETE', `${t}/participants/${outsider!.id}`],
      ['POST', `${t}/messages`, { content: 'hi' }],
      ['GET', `${t}/messages`],
      ['GET', `${t}/messages/${message.id}`],
      ['PATCH', `${t}/messages/${message.id}`, { content: 'x' }],
      ['DELETE', `${t}/messages/${message.id}`],
      ['POST', `${t}/read-receipts`, { messageId: message.id }],
      ['GET', `${t}/read-receipts`],
      ['POST', `${t}/typing`],
    ];
    for (const route of routes) {
      const response = await call(ts.api, outsider!.token, route);
      expect({ route, status: response.status, code: errorCode(response) }).toEqual({
        route,
        status: 404,
        code: 'thread_not_found',
      });
      expect(JSON.stringify(response.body)).not.toMatch(/private|member/);
    }
    const list = await ts.api<{ items: Thread[] }>('GET', '/v1/threads', { auth: outsider!.token });
    expect(list.body.items).toEqual([]);
    expect((await allMessages(ts.api, thread.id, owner!.token)).map((m) => m.id)).toEqual([message.id]);
  });
});

describe('access tokens', () => {
  let user: TestUser;
  let claims: Record<string, unknown>;
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const key = new TextEncoder().encode(SECRET);
  const sign = (payload: Record<string, unknown>, secret = key, alg = 'HS256') =>
    new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT' }).sign(secret);
  const threads = (token: string) => ts.api('GET', '/v1/threads', { auth: token });

  beforeAll(async () => {
    user = await createUserWithToken(ts.api, uid('jwt'));
    claims = JSON.parse(Buffer.from(user.token.split('.')[1]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
  });

  it('accepts a token re-signed with the server secret (the control for the attacks below)', async () => {
    expect((await threads(await sign(claims))).status).toBe(200);
  });

  it('rejects alg none, a wrong key, another algorithm, a wrong issuer and a tampered payload', async () => {
    const [header, , signature] = user.token.split('.') as [string, string, string];
    const attacks: Record<string, string> = {
      'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`,
      'alg None with the real signature': `${b64({ alg: 'None', typ: 'JWT' })}.${b64(claims)}.${signature}`,
      'wrong key': await sign(claims, new TextEncoder().encode(randomBytes(32).toString('hex'))),
      HS512: await sign(claims, key, 'HS512'),
      'wrong issuer': await sign({ ...claims, iss: 'someone-else' }),
      'no issuer': await sign(Object.fromEntries(Object.entries(claims).filter(([k]) => k !== 'iss'))),
      'admin scope added': `${header}.${b64({ ...claims, scp: ['chat', 'admin'] })}.${signature}`,
      'other tenant': `${header}.${b64({ ...claims, tid: 'other' })}.${signature}`,
      'later expiry': `${header}.${b64({ ...claims, exp: Number(claims.exp) + 3600 })}.${signature}`,
      'bad scope, well signed': await sign({ ...claims, scp: ['root'] }),
      garbage: 'abc.def.ghi',
      'not a jwt': 'hello',
    };
    for (const [name, token] of Object.entries(attacks)) {
      const response = await threads(token);
      expect({ name, status: response.status, code: errorCode(response) }).toEqual({
        name,
        status: 401,
        code: 'invalid_token',
      });
      const validation = await ts.api<TokenValidation>('POST', '/v1/tokens/validate', { body: { token } });
      expect({ name, body: validation.body }).toEqual({
        name,
        body: { valid: false, reason: 'invalid_token' },
      });
    }
  });

  it('rejects an expired token with token_expired', async () => {
    const issued = await ts.api<{ token: string }>('POST', `/v1/users/${user.id}/tokens`, {
      body: { expiresInSeconds: 60 },
    });
    const token = issued.body.token;
    expect((await threads(token)).status).toBe(200);
    const pastExp = await sign({ ...claims, exp: Math.floor(clock.peek() / 1000) - 1 });
    expectError(await threads(pastExp), 401, 'token_expired');

    clock.advance(61_000);
    expectError(await threads(token), 401, 'token_expired');
    expectError(await ts.api('GET', `/v1/users/${user.id}`, { auth: token }), 401, 'token_expired');
    const validation = await ts.api<TokenValidation>('POST', '/v1/tokens/validate', { body: { token } });
    expect(validation.body).toEqual({ valid: false, reason: 'token_expired' });
    // The 24 h token issued earlier is still good.
    expect((await threads(user.token)).status).toBe(200);
  });
});
