// User access tokens and what each credential may do.
import { describe, expect, it } from 'vitest';
import type { IssuedToken, TokenValidation, User } from '@parley/protocol';
import { createUserWithToken } from './support/server.js';
import { expectError, uid, useTestServer, type Page } from './support/fixtures.js';

const ts = useTestServer();

describe('tokens', () => {
  it('issues a 24 h chat token by default and validates it', async () => {
    const id = uid('dora');
    await ts.api('POST', '/v1/users', { body: { id, displayName: 'Dora' } });
    const before = Date.now();
    const issued = await ts.api<IssuedToken>('POST', `/v1/users/${id}/tokens`);
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ userId: id, scopes: ['chat'], token: expect.any(String) });
    const lifetime = Date.parse(issued.body.expiresAt) - before;
    expect(lifetime).toBeGreaterThan(24 * 3600 * 1000 - 5_000);
    expect(lifetime).toBeLessThanOrEqual(24 * 3600 * 1000 + 1_000);

    const validation = await ts.api<TokenValidation>('POST', '/v1/tokens/validate', {
      body: { token: issued.body.token },
    });
    expect(validation.status).toBe(200);
    expect(validation.body).toEqual({
      valid: true,
      subject: id,
      tenantId: 'default',
      scopes: ['chat'],
      expiresAt: issued.body.expiresAt,
    });
    expect((await ts.api('GET', '/v1/threads', { auth: issued.body.token })).status).toBe(200);
  });

  it('honours scopes and lifetime, and gives the admin scope only to admins', async () => {
    const member = uid('member');
    const admin = uid('admin');
    await ts.api('POST', '/v1/users', { body: { id: member, displayName: 'M' } });
    await ts.api('POST', '/v1/users', { body: { id: admin, displayName: 'A', role: 'admin' } });

    const custom = await ts.api<IssuedToken>('POST', `/v1/users/${member}/tokens`, {
      body: { scopes: ['chat', 'users.read'], expiresInSeconds: 600 },
    });
    expect(custom.status).toBe(201);
    expect(custom.body.scopes).toEqual(['chat', 'users.read']);
    const lifetime = Date.parse(custom.body.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(590_000);
    expect(lifetime).toBeLessThanOrEqual(601_000);

    const refused = await ts.api<{ error: { field?: string } }>('POST', `/v1/users/${member}/tokens`, {
      body: { scopes: ['admin'] },
    });
    expectError(refused, 400, 'invalid_request');
    expect(refused.body.error.field).toBe('scopes');
    const adminToken = await ts.api<IssuedToken>('POST', `/v1/users/${admin}/tokens`, {
      body: { scopes: ['admin'] },
    });
    expect(adminToken.status).toBe(201);
    expect(adminToken.body.scopes).toEqual(['admin']);

    for (const body of [
      { scopes: [] },
      { scopes: ['root'] },
      { scopes: ['chat', 'chat'] },
      { expiresInSeconds: 59 },
      { expiresInSeconds: 31 * 24 * 3600 },
      { expiresInSeconds: '600' },
    ]) {
      expectError(await ts.api('POST', `/v1/users/${member}/tokens`, { body }), 400, 'invalid_request');
    }
    expectError(await ts.api('POST', '/v1/users/nobody-here/tokens'), 404, 'user_not_found');
  });

  it('validate answers valid:false with a reason instead of failing', async () => {
    const garbage = await ts.api<TokenValidation>('POST', '/v1/tokens/validate', {
      body: { token: 'not.a.jwt' },
    });
    expect(garbage.status).toBe(200);
    expect(garbage.body).toEqual({ valid: false, reason: 'invalid_token' });
    const junk = await ts.api<TokenValidation>('POST', '/v1/tokens/validate', { body: { token: 'x' } });
    expect(junk.body).toEqual({ valid: false, reason: 'invalid_token' });
    expectError(await ts.api('POST', '/v1/tokens/validate', { body: { token: '' } }), 400, 'invalid_request');
    expectError(await ts.api('POST', '/v1/tokens/validate', { body: {} }), 400, 'invalid_request');
  });

  it('revoking all tokens rejects the old ones with token_revoked while new ones work', async () => {
    const user = await createUserWithToken(ts.api, uid('erin'));
    expect((await ts.api('GET', '/v1/threads', { auth: user.token })).status).toBe(200);
    expect((await ts.api('DELETE', `/v1/users/${user.id}/tokens`)).status).toBe(204);

    expectError(await ts.api('GET', '/v1/threads', { auth: user.token }), 401, 'token_revoked');
    expectError(await ts.api('GET', `/v1/users/${user.id}`, { auth: user.token }), 401, 'token_revoked');
    const validation = await ts.api<TokenValidation>('POST', '/v1/tokens/validate', {
      body: { token: user.token },
    });
    expect(validation.body).toEqual({ valid: false, reason: 'token_revoked' });

    const fresh = await ts.api<IssuedToken>('POST', `/v1/users/${user.id}/tokens`);
    expect((await ts.api('GET', '/v1/threads', { auth: fresh.body.token })).status).toBe(200);
    expectError(await ts.api('DELETE', '/v1/users/nobody-here/tokens'), 404, 'user_not_found');
  });

  it("a deleted user's token stops working", async () => {
    const user = await createUserWithToken(ts.api, uid('gone'));
    expect((await ts.api('DELETE', `/v1/users/${user.id}`)).status).toBe(204);
    expectError(await ts.api('GET', '/v1/threads', { auth: user.token }), 401, 'invalid_token');
  });
});

describe('permissions', () => {
  it('a member token cannot administer users, tokens or keys', async () => {
    const member = await createUserWithToken(ts.api, uid('member'));
    const other = await createUserWithToken(ts.api, uid('other'));
    const denied = [
      await ts.api('POST', '/v1/users', { auth: member.token, body: { displayName: 'Mallory' } }),
      await ts.api('PATCH', `/v1/users/${other.id}`, { auth: member.token, body: { role: 'admin' } }),
      await ts.api('PATCH', `/v1/users/${member.id}`, { auth: member.token, body: { role: 'admin' } }),
      await ts.api('DELETE', `/v1/users/${other.id}`, { auth: member.token }),
      await ts.api('POST', `/v1/users/${member.id}/tokens`, {
        auth: member.token,
        body: { scopes: ['chat'] },
      }),
      await ts.api('DELETE', `/v1/users/${other.id}/tokens`, { auth: member.token }),
      await ts.api('POST', '/v1/tokens/validate', { auth: member.token, body: { token: other.token } }),
      await ts.api('GET', '/v1/users', { auth: member.token }),
      await ts.api('GET', `/v1/users/${other.id}`, { auth: member.token }),
    ];
    for (const response of denied) expectError(response, 403, 'forbidden');
    // Nothing changed: the other user is still a member with a working token.
    expect((await ts.api<User>('GET', `/v1/users/${other.id}`)).body.role).toBe('member');
    expect((await ts.api<User>('GET', `/v1/users/${member.id}`)).body.role).toBe('member');
    expect((await ts.api('GET', '/v1/threads', { auth: other.token })).status).toBe(200);
  });

  it('a user may read their own profile without users.read', async () => {
    const member = await createUserWithToken(ts.api, uid('self'));
    const me = await ts.api<User>('GET', `/v1/users/${member.id}`, { auth: member.token });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(member.id);
  });

  it('the users.read scope lists and reads users but grants no chat', async () => {
    const reader = await createUserWithToken(ts.api, uid('dir'), { scopes: ['users.read'] });
    const listed = await ts.api<Page<User>>('GET', '/v1/users?limit=200', { auth: reader.token });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((u) => u.id)).toContain(reader.id);
    expect((await ts.api('GET', `/v1/users/${reader.id}`, { auth: reader.token })).status).toBe(200);
    expectError(await ts.api('GET', '/v1/threads', { auth: reader.token }), 403, 'forbidden');
    expectError(
      await ts.api('POST', '/v1/users', { auth: reader.token, body: { displayName: 'x' } }),
      403,
      'forbidden',
    );
  });

  it('an admin token with the admin scope administers users', async () => {
    const admin = await createUserWithToken(ts.api, uid('boss'), {
      role: 'admin',
      scopes: ['chat', 'admin'],
    });
    const id = uid('hired');
    const created = await ts.api<User>('POST', '/v1/users', {
      auth: admin.token,
      body: { id, displayName: 'Hired' },
    });
    expect(created.status).toBe(201);
    const issued = await ts.api<IssuedToken>('POST', `/v1/users/${id}/tokens`, { auth: admin.token });
    expect(issued.status).toBe(201);
    const validation = await ts.api<TokenValidation>('POST', '/v1/tokens/validate', {
      auth: admin.token,
      body: { token: issued.body.token },
    });
    expect(validation.body).toMatchObject({ valid: true, subject: id });
    expect((await ts.api('GET', '/v1/users', { auth: admin.token })).status).toBe(200);
    expect((await ts.api('DELETE', `/v1/users/${id}`, { auth: admin.token })).status).toBe(204);
  });
});

describe('tokens across changes to their user', () => {
  it('a demoted admin loses admin rights at once, with the very same token', async () => {
    const admin = await createUserWithToken(ts.api, uid('demoted'), {
      role: 'admin',
      scopes: ['chat', 'admin'],
    });
    expect((await ts.api('GET', '/v1/api-keys', { auth: admin.token })).status).toBe(200);
    await ts.api('PATCH', `/v1/users/${admin.id}`, { body: { role: 'member' } });
    expectError(await ts.api('GET', '/v1/api-keys', { auth: admin.token }), 403, 'forbidden');
    expectError(
      await ts.api('POST', '/v1/users', { auth: admin.token, body: { displayName: 'x' } }),
      403,
      'forbidden',
    );
  });

  it('tokens of a deleted user stay invalid when a new user gets the same id', async () => {
    const id = uid('reused');
    const first = await createUserWithToken(ts.api, id);
    expect((await ts.api('DELETE', `/v1/users/${id}`)).status).toBe(204);
    expectError(await ts.api('GET', '/v1/threads', { auth: first.token }), 401, 'invalid_token');

    // The same id now names someone else, who must not inherit the old credentials.
    const second = await createUserWithToken(ts.api, id, { displayName: 'Someone else' });
    expect((await ts.api('GET', '/v1/threads', { auth: second.token })).status).toBe(200);
    const old = await ts.api('GET', '/v1/threads', { auth: first.token });
    expect(old.status).toBe(401);
    const validation = await ts.api<TokenValidation>('POST', '/v1/tokens/validate', {
      body: { token: first.token },
    });
    expect(validation.body.valid).toBe(false);
  });

  it('revoked tokens stay revoked when the user is deleted and created again', async () => {
    const id = uid('revoked');
    const user = await createUserWithToken(ts.api, id);
    await ts.api('DELETE', `/v1/users/${id}/tokens`);
    expectError(await ts.api('GET', '/v1/threads', { auth: user.token }), 401, 'token_revoked');
    await ts.api('DELETE', `/v1/users/${id}`);
    await ts.api('POST', '/v1/users', { body: { id, displayName: 'Again' } });
    expect((await ts.api('GET', '/v1/threads', { auth: user.token })).status).toBe(401);
  });
});
