// ParleyAdminClient against a real server: users, tokens, API keys, tenants.
import { describe, expect, it } from 'vitest';
import { ChatClient, ParleyAdminClient } from '../src/index.js';
import { collect, expectParleyError, uid, useSdkServer } from './support/sdk-server.js';

const ctx = useSdkServer();

describe('ParleyAdminClient: users', () => {
  it('creates, gets, updates and deletes a user', async () => {
    const id = uid('ana');
    const created = await ctx.admin.createUser({ id, displayName: 'Ana', metadata: { team: 'blue' } });
    expect(created).toMatchObject({ id, displayName: 'Ana', role: 'member', metadata: { team: 'blue' } });
    expect(await ctx.admin.getUser(id)).toEqual(created);
    const updated = await ctx.admin.updateUser(id, { displayName: 'Ana B.', role: 'agent' });
    expect(updated).toMatchObject({ id, displayName: 'Ana B.', role: 'agent' });
    await ctx.admin.deleteUser(id);
    await expectParleyError(ctx.admin.getUser(id), 'user_not_found', 404);
  });

  it('reports user errors with the server code, status and field', async () => {
    const id = uid('dup');
    await ctx.admin.createUser({ id, displayName: 'Dup' });
    await expectParleyError(ctx.admin.createUser({ id, displayName: 'Again' }), 'user_exists', 409);
    const invalid = await expectParleyError(
      ctx.admin.createUser({ id: 'bad id!', displayName: 'x' }),
      'invalid_request',
      400,
    );
    expect(invalid.field).toMatch(/id/);
    await expectParleyError(ctx.admin.updateUser(uid('ghost'), { displayName: 'G' }), 'user_not_found', 404);
    await expectParleyError(ctx.admin.deleteUser(uid('ghost')), 'user_not_found', 404);
  });

  it('lists users across pages, with search, item by item and by page', async () => {
    const tag = uid('zq').replace(/-/g, '');
    for (let i = 0; i < 5; i++) await ctx.admin.createUser({ id: `${tag}-${i}`, displayName: `${tag} ${i}` });
    const all = await collect(ctx.admin.listUsers({ search: tag, maxPageSize: 2 }));
    expect(all.map((u) => u.id).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `${tag}-${i}`));
    const pages = await collect(ctx.admin.listUsers({ search: tag }).byPage({ maxPageSize: 2 }));
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages[0]!.continuationToken).toEqual(expect.any(String));
    expect(pages[2]!.continuationToken).toBeUndefined();
    // A page can be resumed from its continuation token.
    const rest = await collect(
      ctx.admin
        .listUsers({ search: tag })
        .byPage({ maxPageSize: 2, continuationToken: pages[0]!.continuationToken! }),
    );
    expect(rest.flat().map((u) => u.id)).toEqual(
      pages
        .slice(1)
        .flat()
        .map((u) => u.id),
    );
    await expectParleyError(collect(ctx.admin.listUsers({ maxPageSize: 1000 })), 'invalid_request', 400);
  });
});

describe('ParleyAdminClient: tokens', () => {
  it('issues, validates and revokes tokens', async () => {
    const id = uid('tok');
    await ctx.admin.createUser({ id, displayName: 'Tok' });
    const issued = await ctx.admin.issueToken(id, { scopes: ['chat', 'users.read'], expiresInSeconds: 600 });
    expect(issued).toMatchObject({ userId: id, scopes: ['chat', 'users.read'] });
    expect(await ctx.admin.validateToken(issued.token)).toMatchObject({ valid: true, subject: id });
    await ctx.admin.revokeTokens(id);
    expect(await ctx.admin.validateToken(issued.token)).toEqual({ valid: false, reason: 'token_revoked' });
    expect(await ctx.admin.validateToken('not.a.jwt')).toEqual({ valid: false, reason: 'invalid_token' });
  });

  it('reports token errors', async () => {
    await expectParleyError(ctx.admin.issueToken(uid('ghost')), 'user_not_found', 404);
    const id = uid('plain');
    await ctx.admin.createUser({ id, displayName: 'Plain' });
    const err = await expectParleyError(
      ctx.admin.issueToken(id, { scopes: ['admin'] }),
      'invalid_request',
      400,
    );
    expect(err.field).toBe('scopes');
    await expectParleyError(ctx.admin.revokeTokens(uid('ghost')), 'user_not_found', 404);
    // A user token without the admin scope may not validate tokens.
    const { token } = await ctx.admin.issueToken(id);
    const asUser = new ParleyAdminClient(ctx.url, token);
    await expectParleyError(asUser.validateToken(token), 'forbidden', 403);
  });
});

describe('ParleyAdminClient: API keys and tenants', () => {
  it('creates, lists and revokes API keys; a revoked key is refused', async () => {
    const created = await ctx.admin.createApiKey('ci');
    expect(created.secret).toMatch(/^pk_/);
    const keys = await ctx.admin.listApiKeys();
    const listed = keys.find((k) => k.id === created.id);
    expect(listed).toMatchObject({ name: 'ci', prefix: created.prefix });
    expect(listed).not.toHaveProperty('secret');

    const withKey = new ParleyAdminClient(ctx.url, created.secret);
    expect((await withKey.listApiKeys()).length).toBe(keys.length);
    await ctx.admin.revokeApiKey(created.id);
    await expectParleyError(withKey.listApiKeys(), 'invalid_api_key', 401);
    await expectParleyError(ctx.admin.revokeApiKey(created.id), 'api_key_not_found', 404);
    const err = await expectParleyError(ctx.admin.createApiKey(''), 'invalid_request', 400);
    expect(err.field).toMatch(/name/);
  });

  it('creates tenants with the platform key only, and tenants are isolated', async () => {
    const id = uid('acme');
    const { tenant, apiKey } = await ctx.admin.createTenant({ id, name: 'Acme' });
    expect(tenant).toMatchObject({ id, name: 'Acme' });
    await expectParleyError(ctx.admin.createTenant({ id, name: 'Acme again' }), 'tenant_exists', 409);

    const acme = new ParleyAdminClient(ctx.url, apiKey.secret);
    await expectParleyError(acme.createTenant({ name: 'Nested' }), 'forbidden', 403);
    const user = uid('acme-user');
    await acme.createUser({ id: user, displayName: 'In Acme' });
    await expectParleyError(ctx.admin.getUser(user), 'user_not_found', 404);
    const { token } = await acme.issueToken(user);
    const thread = await new ChatClient(ctx.url, token).createChatThread({ topic: 'acme only' });
    const platformChat = new ChatClient(ctx.url, ctx.server.apiKey);
    await expectParleyError(platformChat.getChatThread(thread.id), 'thread_not_found', 404);
  });
});
