// API keys, tenants and users through the REST API.
import { describe, expect, it } from 'vitest';
import type { ApiKey, CreatedApiKey, CreatedTenant, TokenValidation, User } from '@parley/protocol';
import { createUserWithToken, makeApi } from './support/server.js';
import { expectError, uid, useTestServer, type Page } from './support/fixtures.js';

const ts = useTestServer();

describe('credentials', () => {
  it('rejects a missing, malformed or unknown credential with 401', async () => {
    expectError(await ts.api('GET', '/v1/users', { auth: null }), 401, 'unauthenticated');
    expectError(
      await ts.api('GET', '/v1/users', { auth: null, headers: { authorization: `Basic ${ts.apiKey}` } }),
      401,
      'unauthenticated',
    );
    expectError(await ts.api('GET', '/v1/users', { auth: `pk_${'x'.repeat(43)}` }), 401, 'invalid_api_key');
  });
});

describe('API keys', () => {
  it('shows the secret once, lists keys without it, and revoking makes the key unusable', async () => {
    const created = await ts.api<CreatedApiKey>('POST', '/v1/api-keys', { body: { name: 'ci key' } });
    expect(created.status).toBe(201);
    const key = created.body;
    expect(key).toMatchObject({ id: expect.any(String), name: 'ci key', lastUsedAt: null });
    expect(key.secret).toMatch(/^pk_/);
    expect(key.secret.startsWith(key.prefix)).toBe(true);
    expect(key.prefix.length).toBeLessThan(key.secret.length);

    const keyApi = makeApi(ts.url, key.secret);
    expect((await keyApi('GET', '/v1/users')).status).toBe(200);

    const listed = await ts.api<{ items: ApiKey[] }>('GET', '/v1/api-keys');
    expect(listed.status).toBe(200);
    const entry = listed.body.items.find((k) => k.id === key.id);
    expect(entry).toMatchObject({ id: key.id, name: 'ci key', prefix: key.prefix });
    for (const item of listed.body.items) {
      expect(Object.keys(item).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name', 'prefix']);
    }
    expect(JSON.stringify(listed.body)).not.toContain(key.secret);
    expect(JSON.stringify(listed.body)).not.toContain(ts.apiKey);

    expect((await ts.api('DELETE', `/v1/api-keys/${key.id}`)).status).toBe(204);
    expectError(await keyApi('GET', '/v1/users'), 401, 'invalid_api_key');
    const after = await ts.api<{ items: ApiKey[] }>('GET', '/v1/api-keys');
    expect(after.body.items.map((k) => k.id)).not.toContain(key.id);
    expectError(await ts.api('DELETE', `/v1/api-keys/${key.id}`), 404, 'api_key_not_found');
  });

  it('answers 404 for an unknown key and 400 for a bad name', async () => {
    expectError(await ts.api('DELETE', '/v1/api-keys/key_unknown'), 404, 'api_key_not_found');
    expectError(await ts.api('POST', '/v1/api-keys', { body: {} }), 400, 'invalid_request');
    expectError(await ts.api('POST', '/v1/api-keys', { body: { name: '' } }), 400, 'invalid_request');
  });

  it('lets admins with the admin scope manage keys, and nobody else', async () => {
    const admin = await createUserWithToken(ts.api, uid('admin'), {
      role: 'admin',
      scopes: ['chat', 'admin'],
    });
    const created = await ts.api<CreatedApiKey>('POST', '/v1/api-keys', {
      auth: admin.token,
      body: { name: 'by admin' },
    });
    expect(created.status).toBe(201);
    expect((await ts.api('GET', '/v1/api-keys', { auth: admin.token })).status).toBe(200);

    const adminChatOnly = await createUserWithToken(ts.api, uid('admin'), { role: 'admin' });
    const member = await createUserWithToken(ts.api, uid('member'));
    for (const token of [adminChatOnly.token, member.token]) {
      expectError(
        await ts.api('POST', '/v1/api-keys', { auth: token, body: { name: 'x' } }),
        403,
        'forbidden',
      );
      expectError(await ts.api('GET', '/v1/api-keys', { auth: token }), 403, 'forbidden');
      expectError(
        await ts.api('DELETE', `/v1/api-keys/${created.body.id}`, { auth: token }),
        403,
        'forbidden',
      );
    }
    // The key survived the refused revocations.
    expect((await makeApi(ts.url, created.body.secret)('GET', '/v1/users')).status).toBe(200);
  });
});

describe('tenants', () => {
  it('creates a tenant and its first key from a platform key', async () => {
    const id = uid('acme');
    const created = await ts.api<CreatedTenant>('POST', '/v1/tenants', { body: { id, name: 'Acme' } });
    expect(created.status).toBe(201);
    expect(created.body.tenant).toEqual({ id, name: 'Acme', createdAt: expect.any(String) });
    expect(created.body.apiKey.secret).toMatch(/^pk_/);

    const acme = makeApi(ts.url, created.body.apiKey.secret);
    const users = await acme<Page<User>>('GET', '/v1/users');
    expect(users.status).toBe(200);
    expect(users.body.items).toEqual([]);
    const user = await createUserWithToken(acme, 'acme-user');
    const validation = await acme<TokenValidation>('POST', '/v1/tokens/validate', {
      body: { token: user.token },
    });
    expect(validation.body).toMatchObject({ valid: true, subject: 'acme-user', tenantId: id });

    expectError(await ts.api('POST', '/v1/tenants', { body: { id, name: 'Again' } }), 409, 'tenant_exists');
  });

  it('generates an id when none is given', async () => {
    const created = await ts.api<CreatedTenant>('POST', '/v1/tenants', { body: { name: 'Anonymous' } });
    expect(created.status).toBe(201);
    expect(created.body.tenant.id).toMatch(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/);
  });

  it('refuses tenant ids with ":" or "@", which would blur bus topics and Redis keys', async () => {
    for (const id of ['a:b', 'a@b']) {
      expectError(await ts.api('POST', '/v1/tenants', { body: { id, name: 'X' } }), 400, 'invalid_request');
    }
  });

  it('refuses non-platform keys and user tokens', async () => {
    const other = await ts.api<CreatedTenant>('POST', '/v1/tenants', { body: { name: 'Other' } });
    const otherApi = makeApi(ts.url, other.body.apiKey.secret);
    expectError(await otherApi('POST', '/v1/tenants', { body: { name: 'Nested' } }), 403, 'forbidden');
    const admin = await createUserWithToken(ts.api, uid('admin'), { role: 'admin', scopes: ['admin'] });
    expectError(
      await ts.api('POST', '/v1/tenants', { auth: admin.token, body: { name: 'By token' } }),
      403,
      'forbidden',
    );
    expectError(await ts.api('POST', '/v1/tenants', { body: {} }), 400, 'invalid_request');
  });
});

describe('users', () => {
  it('creates, gets, updates and deletes a user', async () => {
    const id = uid('carol');
    const created = await ts.api<User>('POST', '/v1/users', {
      body: { id, displayName: 'Carol', role: 'agent', metadata: { team: 'support' } },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id,
      displayName: 'Carol',
      role: 'agent',
      metadata: { team: 'support' },
      createdAt: expect.any(String),
      updatedAt: created.body.createdAt,
    });
    expect((await ts.api<User>('GET', `/v1/users/${id}`)).body).toEqual(created.body);

    await new Promise((resolve) => setTimeout(resolve, 5));
    const updated = await ts.api<User>('PATCH', `/v1/users/${id}`, {
      body: { displayName: 'Carol B.', role: 'admin', metadata: { team: 'sales' } },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      id,
      displayName: 'Carol B.',
      role: 'admin',
      metadata: { team: 'sales' },
      createdAt: created.body.createdAt,
    });
    expect(updated.body.updatedAt > created.body.updatedAt).toBe(true);
    expect((await ts.api<User>('GET', `/v1/users/${id}`)).body).toEqual(updated.body);

    expect((await ts.api('DELETE', `/v1/users/${id}`)).status).toBe(204);
    expectError(await ts.api('GET', `/v1/users/${id}`), 404, 'user_not_found');
    expectError(await ts.api('DELETE', `/v1/users/${id}`), 404, 'user_not_found');
    expectError(
      await ts.api('PATCH', `/v1/users/${id}`, { body: { displayName: 'x' } }),
      404,
      'user_not_found',
    );
  });

  it('fills in defaults: generated id, member role, empty metadata', async () => {
    const created = await ts.api<User>('POST', '/v1/users', { body: { displayName: 'No Id' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ displayName: 'No Id', role: 'member', metadata: {} });
    expect(created.body.id).toMatch(/^[A-Za-z0-9][A-Za-z0-9_.:@-]*$/);
  });

  it('refuses a duplicate id with 409 and leaves the first user unchanged', async () => {
    const id = uid('dup');
    await ts.api('POST', '/v1/users', { body: { id, displayName: 'First' } });
    const again = await ts.api('POST', '/v1/users', { body: { id, displayName: 'Second' } });
    expectError(again, 409, 'user_exists');
    expect((await ts.api<User>('GET', `/v1/users/${id}`)).body.displayName).toBe('First');
  });

  it('validates bodies: missing or bad fields are 400 naming the field', async () => {
    const missing = await ts.api<{ error: { field?: string } }>('POST', '/v1/users', {
      body: { id: uid('u') },
    });
    expectError(missing, 400, 'invalid_request');
    expect(missing.body.error.field).toBe('displayName');
    expectError(
      await ts.api('POST', '/v1/users', { body: { displayName: 'X', role: 'king' } }),
      400,
      'invalid_request',
    );
    expectError(await ts.api('POST', '/v1/users', { body: { displayName: '' } }), 400, 'invalid_request');
    expectError(
      await ts.api('POST', '/v1/users', { body: { displayName: 'X', metadata: { n: 1 } } }),
      400,
      'invalid_request',
    );
    expectError(
      await ts.api('POST', '/v1/users', { body: { id: 'has space', displayName: 'X' } }),
      400,
      'invalid_request',
    );
    const id = uid('u');
    await ts.api('POST', '/v1/users', { body: { id, displayName: 'X' } });
    expectError(await ts.api('PATCH', `/v1/users/${id}`, { body: {} }), 400, 'invalid_request');
    expectError(await ts.api('PATCH', `/v1/users/${id}`, { body: { id: 'other' } }), 400, 'invalid_request');
  });

  it('lists users by id with paging and case-insensitive search', async () => {
    const prefix = uid('page');
    const ids = Array.from({ length: 7 }, (_, i) => `${prefix}-${i}`);
    for (const [i, id] of ids.entries()) {
      const name = i % 2 === 0 ? `Zebra Keeper ${i}` : `Lion ${i}`;
      await ts.api('POST', '/v1/users', { body: { id, displayName: name } });
    }
    const seen: string[] = [];
    let path = `/v1/users?limit=3&search=${prefix}`;
    let pages = 0;
    for (;;) {
      const page = await ts.api<Page<User>>('GET', path);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((u) => u.id));
      pages += 1;
      if (page.body.nextCursor === null) break;
      path = `/v1/users?limit=3&search=${prefix}&cursor=${page.body.nextCursor}`;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].sort());

    const zebras = await ts.api<Page<User>>('GET', '/v1/users?search=ZEBRA%20keeper&limit=200');
    const zebraIds = zebras.body.items.map((u) => u.id).filter((id) => id.startsWith(prefix));
    expect(zebraIds).toEqual([ids[0], ids[2], ids[4], ids[6]]);

    expectError(await ts.api('GET', '/v1/users?limit=201'), 400, 'invalid_request');
    expectError(await ts.api('GET', '/v1/users?limit=0'), 400, 'invalid_request');
    expectError(await ts.api('GET', '/v1/users?cursor=bm90LWEtY3Vyc29y'), 400, 'invalid_request');
  });
});
