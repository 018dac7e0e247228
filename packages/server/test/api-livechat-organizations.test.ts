// Live-chat organizations over REST, tenant isolation, and seed 002's backend flow
// (departments and agents: api-livechat-departments.test.ts).
import { describe, expect, it } from 'vitest';
import type {
  Agent,
  CreatedTenant,
  Department,
  OperatorToken,
  Organization,
  Thread,
  ThreadEvent,
  TokenValidation,
} from '@parley/protocol';
import { createUserWithToken, makeApi } from './support/server.js';
import { TestSocket } from './support/ws-client.js';
import { expectError, uid, useTestServer, type Page } from './support/fixtures.js';
import { addAgent, createOrganization, createUser } from './support/organizations.js';

const ts = useTestServer();

describe('organizations', () => {
  it('creates, gets, lists by page, renames and deletes', async () => {
    const before = Date.now();
    const org = await createOrganization(ts.api, 'Sales');
    expect(org).toEqual({
      id: expect.stringMatching(/^org_/),
      name: 'Sales',
      createdAt: expect.any(String),
      updatedAt: org.createdAt,
    });
    expect(Date.parse(org.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    expect((await ts.api('GET', `/v1/organizations/${org.id}`)).body).toEqual(org);

    const other = await createOrganization(ts.api, 'Support');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: Page<Organization> } = await ts.api<Page<Organization>>(
        'GET',
        `/v1/organizations?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(1);
      seen.push(...res.body.items.map((o) => o.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort());
    expect(seen).toEqual(expect.arrayContaining([org.id, other.id]));

    const renamed = await ts.api<Organization>('PATCH', `/v1/organizations/${org.id}`, {
      body: { name: 'Ventes' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: org.id, name: 'Ventes', createdAt: org.createdAt });

    expect((await ts.api('DELETE', `/v1/organizations/${org.id}`)).status).toBe(204);
    expectError(await ts.api('GET', `/v1/organizations/${org.id}`), 404, 'organization_not_found');
    expectError(await ts.api('DELETE', `/v1/organizations/${org.id}`), 404, 'organization_not_found');
    expectError(
      await ts.api('PATCH', `/v1/organizations/${org.id}`, { body: { name: 'X' } }),
      404,
      'organization_not_found',
    );
  });

  it('rejects bad input with 400', async () => {
    const org = await createOrganization(ts.api, 'Input');
    for (const body of [{}, { name: '' }, { name: 'x'.repeat(201) }, { name: 7 }, { name: 'A', extra: 1 }]) {
      expectError(await ts.api('POST', '/v1/organizations', { body }), 400, 'invalid_request');
    }
    expectError(
      await ts.api('PATCH', `/v1/organizations/${org.id}`, { body: { name: '' } }),
      400,
      'invalid_request',
    );
    expectError(await ts.api('GET', '/v1/organizations?limit=201'), 400, 'invalid_request');
    expectError(await ts.api('GET', '/v1/organizations?cursor=***'), 400, 'invalid_request');
    expectError(await ts.api('GET', '/v1/organizations/bad%20id'), 400, 'invalid_request');
  });

  it('needs credentials, and only API keys and admins manage', async () => {
    expectError(await ts.api('GET', '/v1/organizations', { auth: null }), 401, 'unauthenticated');
    expectError(
      await ts.api('POST', '/v1/organizations', { auth: null, body: { name: 'X' } }),
      401,
      'unauthenticated',
    );
    const org = await createOrganization(ts.api, 'Guarded');
    const member = await createUserWithToken(ts.api, uid('member'));
    expectError(
      await ts.api('POST', '/v1/organizations', { auth: member.token, body: { name: 'X' } }),
      403,
      'forbidden',
    );
    // A non-agent cannot even tell the organization exists.
    expectError(
      await ts.api('GET', `/v1/organizations/${org.id}`, { auth: member.token }),
      404,
      'organization_not_found',
    );
    expect(
      (await ts.api<Page<Organization>>('GET', '/v1/organizations', { auth: member.token })).body,
    ).toEqual({ items: [], nextCursor: null });

    const admin = await createUserWithToken(ts.api, uid('admin'), { role: 'admin', scopes: ['admin'] });
    const byAdmin = await ts.api<Organization>('POST', '/v1/organizations', {
      auth: admin.token,
      body: { name: 'By admin' },
    });
    expect(byAdmin.status).toBe(201);
    expect(
      (await ts.api('DELETE', `/v1/organizations/${byAdmin.body.id}`, { auth: admin.token })).status,
    ).toBe(204);
  });
});

describe('tenant isolation', () => {
  it("keeps tenant B's key away from tenant A's organizations", async () => {
    const org = await createOrganization(ts.api, 'A only');
    const dep = (
      await ts.api<Department>('POST', `/v1/organizations/${org.id}/departments`, { body: { name: 'D' } })
    ).body;
    const agentId = await createUser(ts.api, 'Ivy');
    await addAgent(ts.api, org.id, agentId);

    const created = await ts.api<CreatedTenant>('POST', '/v1/tenants', { body: { name: uid('tenant-b') } });
    const b = makeApi(ts.url, created.body.apiKey.secret);
    // The same user id exists in B: ids are per tenant.
    await b('POST', '/v1/users', { body: { id: agentId, displayName: 'Ivy of B' } });
    const bOrg = await createOrganization(b, 'B shop');

    expect((await b<Page<Organization>>('GET', '/v1/organizations')).body.items.map((o) => o.id)).toEqual([
      bOrg.id,
    ]);
    const orgPath = `/v1/organizations/${org.id}`;
    for (const [method, path, body] of [
      ['GET', orgPath, undefined],
      ['PATCH', orgPath, { name: 'Taken' }],
      ['DELETE', orgPath, undefined],
      ['GET', `${orgPath}/departments`, undefined],
      ['POST', `${orgPath}/departments`, { name: 'X' }],
      ['DELETE', `${orgPath}/departments/${dep.id}`, undefined],
      ['POST', `${orgPath}/departments/${dep.id}/agents`, { userId: agentId }],
      ['GET', `${orgPath}/agents`, undefined],
      ['POST', `${orgPath}/agents`, { userId: agentId }],
      ['GET', `${orgPath}/agents/${agentId}`, undefined],
      ['PATCH', `${orgPath}/agents/${agentId}`, { status: 'online' }],
      ['DELETE', `${orgPath}/agents/${agentId}`, undefined],
      ['POST', `${orgPath}/operators/${agentId}/tokens`, {}],
    ] as const) {
      expectError(await b(method, path, body ? { body } : {}), 404, 'organization_not_found');
    }
    expectError(
      await b('POST', `/v1/organizations/${bOrg.id}/departments/${dep.id}/agents`, {
        body: { userId: agentId },
      }),
      404,
      'department_not_found',
    );
    // Nothing changed in A.
    expect((await ts.api<Organization>('GET', orgPath)).body.name).toBe('A only');
    expect((await ts.api<Agent>('GET', `${orgPath}/agents/${agentId}`)).body).toMatchObject({
      status: 'offline',
      departmentIds: [],
    });
  });
});

describe('seed 002: a backend lists organizations and operators, and issues operator tokens', () => {
  it('issues a token with expiresAt, validates it, and the operator chats with it', async () => {
    const org = await createOrganization(ts.api, 'ChatHub support');
    const operatorId = await createUser(ts.api, 'Operator Olga');
    await addAgent(ts.api, org.id, operatorId, { status: 'online' });
    const visitor = await createUserWithToken(ts.api, uid('visitor'));

    // 1–3. Organizations, then the organization's operators.
    const orgs = await ts.api<Page<Organization>>('GET', '/v1/organizations?limit=200');
    const found = orgs.body.items.find((o) => o.name === 'ChatHub support')!;
    const operators = await ts.api<Page<Agent>>('GET', `/v1/organizations/${found.id}/agents`);
    const operator = operators.body.items[0]!;
    expect(operator).toMatchObject({ userId: operatorId, displayName: 'Operator Olga' });

    // 4. The operator token, with the backend's own expiry (whole seconds are kept exactly).
    const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 2 * 3600 * 1000).toISOString();
    const tokenPath = `/v1/organizations/${found.id}/operators/${operator.userId}/tokens`;
    const issued = await ts.api<OperatorToken>('POST', tokenPath, { body: { expiresAt } });
    expect(issued.status).toBe(201);
    expect(issued.body).toEqual({
      token: expect.any(String),
      expiresAt,
      userId: operatorId,
      organizationId: org.id,
      scopes: ['chat'],
    });

    // 5. Validation reports the user and the organization.
    const validation = await ts.api<TokenValidation>('POST', '/v1/tokens/validate', {
      body: { token: issued.body.token },
    });
    expect(validation.body).toEqual({
      valid: true,
      subject: operatorId,
      tenantId: 'default',
      scopes: ['chat'],
      expiresAt,
      organizationId: org.id,
    });

    // The token works: real time, and a conversation opened with a visitor.
    const socket = await TestSocket.connect(ts.wsUrl, issued.body.token);
    try {
      const thread = await ts.api<Thread>('POST', '/v1/threads', {
        auth: issued.body.token,
        body: { topic: 'Help', participants: [{ userId: visitor.id }] },
      });
      expect(thread.status).toBe(201);
      const created = await socket.next<ThreadEvent>(
        (f) => f.type === 'thread.created' && 'threadId' in f && f.threadId === thread.body.id,
      );
      expect(created.type).toBe('thread.created');
      socket.send({ type: 'send', id: 'r1', threadId: thread.body.id, content: 'Bonjour !' });
      const ack = await socket.next((f) => (f.type === 'ack' || f.type === 'error') && f.id === 'r1');
      expect(ack).toMatchObject({ type: 'ack', message: { content: 'Bonjour !', senderId: operatorId } });
    } finally {
      socket.close();
    }
  });

  it('defaults to 24 h, bounds the expiry, and answers 404 for a non-operator', async () => {
    const org = await createOrganization(ts.api, 'Bounds');
    const id = await createUser(ts.api, 'Pat');
    await addAgent(ts.api, org.id, id);
    const path = `/v1/organizations/${org.id}/operators/${id}/tokens`;

    const plain = await ts.api<OperatorToken>('POST', path);
    expect(plain.status).toBe(201);
    const lifetime = Date.parse(plain.body.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(24 * 3600 * 1000 - 5000);
    expect(lifetime).toBeLessThanOrEqual(24 * 3600 * 1000 + 1000);
    const short = await ts.api<OperatorToken>('POST', path, { body: { expiresInSeconds: 600 } });
    expect(Date.parse(short.body.expiresAt) - Date.now()).toBeLessThanOrEqual(601_000);

    const inOneHour = new Date(Date.now() + 3600_000).toISOString();
    for (const body of [
      { expiresAt: new Date(Date.now() - 1000).toISOString() },
      { expiresAt: new Date(Date.now() + 10_000).toISOString() },
      { expiresAt: new Date(Date.now() + 31 * 24 * 3600_000).toISOString() },
      { expiresAt: 'tomorrow' },
      { expiresAt: inOneHour, expiresInSeconds: 600 },
      { expiresInSeconds: 30 },
      { scopes: ['admin'] },
    ]) {
      expectError(await ts.api('POST', path, { body }), 400, 'invalid_request');
    }
    const stranger = await createUser(ts.api, 'Quinn');
    expectError(
      await ts.api('POST', `/v1/organizations/${org.id}/operators/${stranger}/tokens`, { body: {} }),
      404,
      'agent_not_found',
    );
    expectError(
      await ts.api('POST', `/v1/organizations/org_nope/operators/${id}/tokens`, { body: {} }),
      404,
      'organization_not_found',
    );
    expectError(await ts.api('POST', path, { auth: null, body: {} }), 401, 'unauthenticated');

    // A plain user's token validates without an organization.
    const plainUser = await createUserWithToken(ts.api, uid('plain'));
    const validation = await ts.api<TokenValidation>('POST', '/v1/tokens/validate', {
      body: { token: plainUser.token },
    });
    expect(validation.body.valid).toBe(true);
    expect(validation.body).not.toHaveProperty('organizationId');
  });
});
