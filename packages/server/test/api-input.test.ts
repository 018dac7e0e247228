// Hostile and oversized input: operator injection, limits, malformed requests, rate limits.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Message, Thread } from '@parley/protocol';
import { createUserWithToken, type ApiResponse } from './support/server.js';
import {
  allMessages,
  call,
  errorCode,
  expectError,
  makeThread,
  sendMessage,
  sendRates,
  testClock,
  uid,
  useTestServer,
  type Call,
  type TestUser,
} from './support/fixtures.js';

const ts = useTestServer();

describe('operator injection', () => {
  const values: unknown[] = [{ $ne: null }, { $regex: '.*' }, ['x'], { a: { b: { c: 1 } } }, 42, true, null];
  const idStrings = ['$ne', '{"$ne":null}', '../../etc/passwd', 'a b', 'x'.repeat(129), ''];
  let owner: TestUser;
  let thread: Thread;
  let message: Message;

  beforeAll(async () => {
    owner = await createUserWithToken(ts.api, uid('inj'));
    thread = await makeThread(ts.api, owner, []);
    message = await sendMessage(ts.api, owner, thread.id, 'target');
  });

  const bodies = (v: unknown): [string, Call][] => {
    const t = `/v1/threads/${thread.id}`;
    return [
      ['user id', ['POST', '/v1/users', { id: v, displayName: 'x' }]],
      ['tenant id', ['POST', '/v1/tenants', { id: v, name: 'x' }]],
      ['thread participant', ['POST', '/v1/threads', { participants: [{ userId: v }] }]],
      ['idempotencyKey', ['POST', '/v1/threads', { idempotencyKey: v }]],
      ['added participant', ['POST', `${t}/participants`, { participants: [{ userId: v }] }]],
      ['receipt messageId', ['POST', `${t}/read-receipts`, { messageId: v }]],
      ['clientMessageId', ['POST', `${t}/messages`, { content: 'x', clientMessageId: v }]],
    ];
  };

  /** Users and tenants are managed with the API key, the rest as the thread owner. */
  const authFor = ([, path]: Call) =>
    path === '/v1/users' || path === '/v1/tenants' ? ts.apiKey : owner.token;

  it('gives 400 for non-string values in every id field of a body, and for the token of validate', async () => {
    for (const v of values) {
      for (const [field, route] of bodies(v)) {
        const response = await call(ts.api, authFor(route), route);
        expect({ field, v, status: response.status, code: errorCode(response) }).toEqual({
          field,
          v,
          status: 400,
          code: 'invalid_request',
        });
      }
      expectError(
        await ts.api('POST', '/v1/tokens/validate', { body: { token: v } }),
        400,
        'invalid_request',
      );
    }
    for (const v of idStrings) {
      for (const [field, route] of bodies(v)) {
        const response = await call(ts.api, authFor(route), route);
        expect({ field, v, status: response.status }).toEqual({ field, v, status: 400 });
      }
    }
    expect((await allMessages(ts.api, thread.id, owner.token)).map((m) => m.id)).toEqual([message.id]);
  });

  it('gives 400 for operator values in path segments', async () => {
    const t = `/v1/threads/${thread.id}`;
    for (const v of [{ $ne: null }, { $regex: '.*' }, ['x'], { a: { b: 1 } }, '$ne', 'a b']) {
      const x = encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v));
      const routes: [string, Call][] = [
        ['userId', ['GET', `/v1/users/${x}`]],
        ['userId', ['PATCH', `/v1/users/${x}`, { displayName: 'y' }]],
        ['userId', ['DELETE', `/v1/users/${x}`]],
        ['userId', ['POST', `/v1/users/${x}/tokens`, {}]],
        ['userId', ['DELETE', `/v1/users/${x}/tokens`]],
        ['keyId', ['DELETE', `/v1/api-keys/${x}`]],
        ['threadId', ['GET', `/v1/threads/${x}`]],
        ['threadId', ['PATCH', `/v1/threads/${x}`, { topic: 'y' }]],
        ['threadId', ['DELETE', `/v1/threads/${x}`]],
        ['threadId', ['GET', `/v1/threads/${x}/participants`]],
        ['threadId', ['POST', `/v1/threads/${x}/participants`, { participants: [{ userId: owner.id }] }]],
        ['userId', ['DELETE', `${t}/participants/${x}`]],
        ['threadId', ['GET', `/v1/threads/${x}/messages`]],
        ['threadId', ['POST', `/v1/threads/${x}/messages`, { content: 'y' }]],
        ['messageId', ['GET', `${t}/messages/${x}`]],
        ['messageId', ['PATCH', `${t}/messages/${x}`, { content: 'y' }]],
        ['messageId', ['DELETE', `${t}/messages/${x}`]],
        ['threadId', ['POST', `/v1/threads/${x}/read-receipts`, { messageId: message.id }]],
        ['threadId', ['GET', `/v1/threads/${x}/read-receipts`]],
        ['threadId', ['POST', `/v1/threads/${x}/typing`]],
      ];
      for (const [param, route] of routes) {
        const auth = route[1].startsWith('/v1/threads') ? owner.token : ts.apiKey;
        const response = await call(ts.api, auth, route);
        const field = (response.body as { error?: { field?: string } }).error?.field;
        expect({ route, status: response.status, field }).toEqual({ route, status: 400, field: param });
      }
    }
  });

  it('gives 400 for operator and array forms in query strings', async () => {
    const t = `/v1/threads/${thread.id}`;
    const queries = [
      '/v1/threads?cursor[$ne]=x',
      '/v1/threads?limit[]=1',
      '/v1/threads?limit[$gt]=0',
      '/v1/threads?limit=1&limit=2',
      '/v1/threads?updatedSince[$ne]=x',
      '/v1/users?search[$regex]=.*',
      '/v1/users?cursor[$ne]=x',
      `${t}/messages?cursor[$ne]=x`,
      `${t}/messages?after[$gt]=0`,
      `${t}/messages?limit[]=1`,
      `${t}/messages?before=1&before=2`,
      `${t}/participants?skip[$gt]=0`,
      `${t}/read-receipts?limit[]=1`,
    ];
    for (const path of queries) {
      const auth = path.startsWith('/v1/users') ? ts.apiKey : owner.token;
      const response = await ts.api('GET', path, { auth });
      expect({ path, status: response.status, code: errorCode(response) }).toEqual({
        path,
        status: 400,
        code: 'invalid_request',
      });
    }
    // Search text is matched literally, never as a pattern.
    for (const search of ['%25', '.*', '_', '%5E']) {
      const found = await ts.api<{ items: unknown[] }>('GET', `/v1/users?search=${search}&limit=200`);
      expect({ search, status: found.status, items: found.body.items }).toEqual({
        search,
        status: 200,
        items: [],
      });
    }
  });
});

describe('request limits and malformed requests', () => {
  let owner: TestUser;
  let thread: Thread;
  let path: string;

  beforeAll(async () => {
    owner = await createUserWithToken(ts.api, uid('lim'));
    thread = await makeThread(ts.api, owner, []);
    path = `/v1/threads/${thread.id}/messages`;
  });

  it('gives 413 message_too_large past 28 KB of UTF-8 content, on send and edit', async () => {
    const send = (content: string, type = 'text') =>
      ts.api<Message>('POST', path, { auth: owner.token, body: { content, type } });
    expect((await send('a'.repeat(28 * 1024))).status).toBe(201);
    expect((await send('é'.repeat(14 * 1024))).status).toBe(201);
    for (const [content, type] of [
      ['a'.repeat(28 * 1024 + 1), 'text'],
      ['é'.repeat(14 * 1024 + 1), 'text'],
      [`<b>${'a'.repeat(28 * 1024)}</b>`, 'html'],
    ] as const) {
      const response = await send(content, type);
      expectError(response, 413, 'message_too_large');
      expect((response.body as unknown as { error: { field?: string } }).error.field).toBe('content');
    }
    const small = await sendMessage(ts.api, owner, thread.id, 'small');
    expectError(
      await ts.api('PATCH', `${path}/${small.id}`, {
        auth: owner.token,
        body: { content: 'a'.repeat(28 * 1024 + 1) },
      }),
      413,
      'message_too_large',
    );
    expect((await allMessages(ts.api, thread.id, owner.token)).map((m) => m.content.length)).toEqual([
      28 * 1024,
      14 * 1024,
      5,
    ]);
  });

  it('gives 400 for the NUL character in any text, and stores nothing', async () => {
    const nul = 'a\u0000b';
    const before = await allMessages(ts.api, thread.id, owner.token);
    const calls: [string, string, unknown, string][] = [
      ['POST', path, { content: nul }, owner.token],
      ['POST', path, { content: 'x', metadata: { [nul]: 'v' } }, owner.token],
      ['POST', path, { content: 'x', senderDisplayName: nul }, owner.token],
      ['PATCH', `/v1/threads/${thread.id}`, { topic: nul }, owner.token],
      ['POST', '/v1/users', { id: uid('nul'), displayName: nul }, ts.apiKey],
    ];
    for (const [method, url, body, auth] of calls) {
      const response = await ts.api(method, url, { auth, body });
      expectError(response, 400, 'invalid_request');
      expect(JSON.stringify(response.body)).toContain('U+0000');
    }
    expect(await allMessages(ts.api, thread.id, owner.token)).toEqual(before);
    expect(
      (await ts.api<Thread>('GET', `/v1/threads/${thread.id}`, { auth: owner.token })).body.topic,
    ).not.toContain('\u0000');
  });

  it('gives 413 payload_too_large past the body limit, 400 for bad JSON, 415 for other media types', async () => {
    const before = await allMessages(ts.api, thread.id, owner.token);
    expectError(
      await ts.api('POST', path, { auth: owner.token, body: { content: 'a'.repeat(70_000) } }),
      413,
      'payload_too_large',
    );
    for (const rawBody of [
      '{"content": ',
      '{content: "x"}',
      'null',
      '',
      '{"content":"x","__proto__":{"admin":true}}',
      '{"content":"x","constructor":{"prototype":{"admin":true}}}',
    ]) {
      const response = await ts.api('POST', path, { auth: owner.token, rawBody });
      expect({ rawBody, status: response.status, code: errorCode(response) }).toEqual({
        rawBody,
        status: 400,
        code: 'invalid_request',
      });
    }
    const typed: { type: string; route: string; status: number; code: string | null }[] = [];
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      // A route with a body schema, and one that takes no body at all.
      for (const route of [path, `/v1/threads/${thread.id}/typing`]) {
        const response = await ts.api('POST', route, {
          auth: owner.token,
          rawBody: 'content=x',
          headers: { 'content-type': type },
        });
        typed.push({ type, route, status: response.status, code: errorCode(response) });
      }
    }
    expect(typed).toEqual(
      typed.map(({ type, route }) => ({ type, route, status: 415, code: 'unsupported_media_type' })),
    );
    expect(await allMessages(ts.api, thread.id, owner.token)).toEqual(before);
  });

  it('gives 404 route_not_found for unknown routes, with or without credentials', async () => {
    for (const [method, route] of [
      ['GET', '/v1/nope'],
      ['GET', '/v2/threads'],
      ['PUT', '/v1/threads'],
      ['POST', `/v1/threads/${thread.id}/unknown`],
    ]) {
      expectError(await ts.api(method!, route!, { auth: null }), 404, 'route_not_found');
      expectError(await ts.api(method!, route!, { auth: owner.token }), 404, 'route_not_found');
    }
  });

  it('gives 400 naming the field for unknown fields in every body', async () => {
    const t = `/v1/threads/${thread.id}`;
    const message = await sendMessage(ts.api, owner, thread.id, 'm');
    const cases: [string, Call, string][] = [
      [ts.apiKey, ['POST', '/v1/api-keys', { name: 'k', scopes: ['all'] }], 'scopes'],
      [ts.apiKey, ['POST', '/v1/tenants', { name: 't', plan: 'free' }], 'plan'],
      [ts.apiKey, ['POST', '/v1/users', { displayName: 'u', tenantId: 'other' }], 'tenantId'],
      [ts.apiKey, ['PATCH', `/v1/users/${owner.id}`, { displayName: 'u', tokenVersion: 0 }], 'tokenVersion'],
      [ts.apiKey, ['POST', `/v1/users/${owner.id}/tokens`, { scopes: ['chat'], sub: 'x' }], 'sub'],
      [ts.apiKey, ['POST', '/v1/tokens/validate', { token: 'x', tenantId: 'y' }], 'tenantId'],
      [owner.token, ['POST', '/v1/threads', { topic: 't', createdBy: 'x' }], 'createdBy'],
      [owner.token, ['PATCH', t, { topic: 't', lastSequence: 0 }], 'lastSequence'],
      [
        owner.token,
        ['POST', `${t}/participants`, { participants: [{ userId: owner.id, admin: true }] }],
        'admin',
      ],
      [
        owner.token,
        ['POST', `${t}/participants`, { participants: [{ userId: owner.id }], force: true }],
        'force',
      ],
      [owner.token, ['POST', `${t}/messages`, { content: 'x', senderId: 'someone-else' }], 'senderId'],
      [owner.token, ['PATCH', `${t}/messages/${message.id}`, { content: 'x', senderId: 'y' }], 'senderId'],
      [owner.token, ['POST', `${t}/read-receipts`, { messageId: message.id, userId: 'y' }], 'userId'],
    ];
    for (const [auth, route, field] of cases) {
      const response = await call(ts.api, auth, route);
      const got = (response.body as { error?: { field?: string } }).error?.field ?? '';
      expect({ route, status: response.status, field: got.endsWith(field) }).toEqual({
        route,
        status: 400,
        field: true,
      });
    }
  });
});

describe('rate limits', () => {
  const frozen = testClock();
  frozen.setStep(0);
  const limited = useTestServer(sendRates(2, 3), { clock: frozen });

  const sendAs = (user: TestUser, threadId: string, content: string) =>
    limited.api<Message>('POST', `/v1/threads/${threadId}/messages`, { auth: user.token, body: { content } });

  it('gives 429 rate_limited with Retry-After once a user exceeds their rate, and nothing is stored', async () => {
    const user = await createUserWithToken(limited.api, uid('fast'));
    const other = await createUserWithToken(limited.api, uid('calm'));
    const threads = [
      await makeThread(limited.api, user, [other.id]),
      await makeThread(limited.api, user, []),
    ];
    const statuses: number[] = [];
    let refused: ApiResponse | undefined;
    for (let i = 0; i < 6; i++) {
      const response = await sendAs(user, threads[i % 2]!.id, `n${i}`);
      statuses.push(response.status);
      if (response.status === 429) refused ??= response;
    }
    // Burst is twice the rate (4), across threads; the clock is frozen so nothing refills.
    expect(statuses).toEqual([201, 201, 201, 201, 429, 429]);
    expectError(refused!, 429, 'rate_limited');
    const retryAfter = refused!.headers.get('retry-after');
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect((refused!.body as { error: { retryAfter?: number } }).error.retryAfter).toBe(Number(retryAfter));
    expect((await allMessages(limited.api, threads[0]!.id, user.token)).map((m) => m.content)).toEqual([
      'n0',
      'n2',
    ]);

    // Others are not limited by this user; and after the advertised delay the user may send again.
    expect((await sendAs(other, threads[0]!.id, 'calm')).status).toBe(201);
    frozen.advance(Number(retryAfter) * 1000);
    expect((await sendAs(user, threads[0]!.id, 'again')).status).toBe(201);
  });

  it('limits one thread across senders', async () => {
    const users = await Promise.all([1, 2, 3, 4].map((i) => createUserWithToken(limited.api, uid(`t${i}`))));
    const thread = await makeThread(
      limited.api,
      users[0]!,
      users.slice(1).map((u) => u.id),
    );
    const statuses: number[] = [];
    for (let round = 0; round < 2; round++) {
      for (const user of users) statuses.push((await sendAs(user, thread.id, `r${round}`)).status);
    }
    expect(statuses).toEqual([201, 201, 201, 201, 201, 201, 429, 429]);
  });
});
