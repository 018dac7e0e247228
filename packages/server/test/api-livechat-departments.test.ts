// Live-chat departments and agents of an organization over REST.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Agent, Department, Organization } from '@parley/protocol';
import { createUserWithToken } from './support/server.js';
import { expectError, uid, useTestServer, type Page } from './support/fixtures.js';
import { addAgent, createOrganization, createUser } from './support/organizations.js';

const ts = useTestServer();

describe('departments and agents', () => {
  let org: Organization;
  let other: Organization;
  beforeAll(async () => {
    org = await createOrganization(ts.api, 'Shop');
    other = await createOrganization(ts.api, 'Other shop');
  });

  it('creates, lists and deletes departments', async () => {
    const path = `/v1/organizations/${org.id}/departments`;
    const billing = await ts.api<Department>('POST', path, { body: { name: 'Billing' } });
    expect(billing.status).toBe(201);
    expect(billing.body).toEqual({
      id: expect.stringMatching(/^dep_/),
      organizationId: org.id,
      name: 'Billing',
      createdAt: expect.any(String),
    });
    const sales = await ts.api<Department>('POST', path, { body: { name: 'Sales' } });
    const list = await ts.api<{ items: Department[] }>('GET', path);
    expect(list.body.items.map((d) => d.name)).toEqual(['Billing', 'Sales']);

    expectError(await ts.api('POST', path, { body: { name: '' } }), 400, 'invalid_request');
    expectError(
      await ts.api('POST', '/v1/organizations/org_nope/departments', { body: { name: 'X' } }),
      404,
      'organization_not_found',
    );
    expectError(
      await ts.api('DELETE', `/v1/organizations/${other.id}/departments/${sales.body.id}`),
      404,
      'department_not_found',
    );
    expect((await ts.api('DELETE', `${path}/${sales.body.id}`)).status).toBe(204);
    expectError(await ts.api('DELETE', `${path}/${sales.body.id}`), 404, 'department_not_found');
    expect((await ts.api<{ items: Department[] }>('GET', path)).body.items).toEqual([billing.body]);
  });

  it('makes existing users agents of one organization, with defaults and bounds', async () => {
    const ann = await createUser(ts.api, 'Ann');
    const agent = await addAgent(ts.api, org.id, ann);
    expect(agent).toEqual({
      userId: ann,
      organizationId: org.id,
      displayName: 'Ann',
      role: 'agent',
      maxChats: 5,
      status: 'offline',
      departmentIds: [],
      createdAt: expect.any(String),
      updatedAt: agent.createdAt,
    });
    const path = `/v1/organizations/${org.id}/agents`;
    expectError(await ts.api('POST', path, { body: { userId: ann } }), 409, 'already_an_agent');
    expectError(
      await ts.api('POST', `/v1/organizations/${other.id}/agents`, { body: { userId: ann } }),
      409,
      'already_an_agent',
    );
    expectError(await ts.api('POST', path, { body: { userId: 'nobody-here' } }), 404, 'user_not_found');
    expectError(
      await ts.api('POST', '/v1/organizations/org_nope/agents', { body: { userId: ann } }),
      404,
      'organization_not_found',
    );
    const bob = await createUser(ts.api, 'Bob');
    for (const body of [
      {},
      { userId: bob, maxChats: 101 },
      { userId: bob, maxChats: -1 },
      { userId: bob, maxChats: 1.5 },
      { userId: bob, role: 'owner' },
      { userId: bob, status: 'busy' },
      { userId: bob, extra: true },
      { userId: 'bad id' },
    ]) {
      expectError(await ts.api('POST', path, { body }), 400, 'invalid_request');
    }
    const bobAgent = await addAgent(ts.api, org.id, bob, {
      role: 'supervisor',
      maxChats: 0,
      status: 'online',
    });
    expect(bobAgent).toMatchObject({ role: 'supervisor', maxChats: 0, status: 'online' });
  });

  it('gets, lists, updates and removes agents', async () => {
    const shop = await createOrganization(ts.api, 'Agents shop');
    const ids = [
      await createUser(ts.api, 'Cy'),
      await createUser(ts.api, 'Di'),
      await createUser(ts.api, 'Ed'),
    ];
    for (const id of ids) await addAgent(ts.api, shop.id, id);
    const path = `/v1/organizations/${shop.id}/agents`;

    const first = await ts.api<Page<Agent>>('GET', `${path}?limit=2`);
    expect(first.body.items.map((a) => a.userId)).toEqual([...ids].sort().slice(0, 2));
    const second = await ts.api<Page<Agent>>('GET', `${path}?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({
      items: [expect.objectContaining({ userId: [...ids].sort()[2] })],
      nextCursor: null,
    });

    const target = ids[0]!;
    expect((await ts.api<Agent>('GET', `${path}/${target}`)).body.userId).toBe(target);
    const updated = await ts.api<Agent>('PATCH', `${path}/${target}`, {
      body: { role: 'admin', maxChats: 100, status: 'away' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ role: 'admin', maxChats: 100, status: 'away' });
    expectError(
      await ts.api('PATCH', `${path}/${target}`, { body: { maxChats: 101 } }),
      400,
      'invalid_request',
    );
    expectError(
      await ts.api('PATCH', `${path}/${target}`, { body: { status: 'gone' } }),
      400,
      'invalid_request',
    );
    // An agent of another organization is no agent of this one.
    expectError(await ts.api('GET', `/v1/organizations/${org.id}/agents/${target}`), 404, 'agent_not_found');
    expectError(
      await ts.api('PATCH', `/v1/organizations/${org.id}/agents/${target}`, { body: { status: 'online' } }),
      404,
      'agent_not_found',
    );

    expect((await ts.api('DELETE', `${path}/${target}`)).status).toBe(204);
    expectError(await ts.api('DELETE', `${path}/${target}`), 404, 'agent_not_found');
    expectError(await ts.api('GET', `${path}/${target}`), 404, 'agent_not_found');
    expect((await ts.api('GET', `/v1/users/${target}`)).status).toBe(200);
    // Free again: the user may now join another organization.
    await addAgent(ts.api, other.id, target);
  });

  it('adds agents to departments of their organization and removes them', async () => {
    const shop = await createOrganization(ts.api, 'Departments shop');
    const dep = (
      await ts.api<Department>('POST', `/v1/organizations/${shop.id}/departments`, { body: { name: 'D' } })
    ).body;
    const fay = await createUser(ts.api, 'Fay');
    const outsider = await createUser(ts.api, 'Gus');
    await addAgent(ts.api, shop.id, fay);
    await addAgent(ts.api, other.id, outsider);
    const members = `/v1/organizations/${shop.id}/departments/${dep.id}/agents`;

    const added = await ts.api<Agent>('POST', members, { body: { userId: fay } });
    expect(added.status).toBe(200);
    expect(added.body.departmentIds).toEqual([dep.id]);
    expect((await ts.api<Agent>('POST', members, { body: { userId: fay } })).body.departmentIds).toEqual([
      dep.id,
    ]);
    expectError(await ts.api('POST', members, { body: { userId: outsider } }), 404, 'agent_not_found');
    expectError(await ts.api('POST', members, { body: {} }), 400, 'invalid_request');
    expectError(
      await ts.api('POST', `/v1/organizations/${shop.id}/departments/dep_nope/agents`, {
        body: { userId: fay },
      }),
      404,
      'department_not_found',
    );

    expect((await ts.api('DELETE', `${members}/${fay}`)).status).toBe(204);
    expectError(await ts.api('DELETE', `${members}/${fay}`), 404, 'agent_not_found');
    expect(
      (await ts.api<Agent>('GET', `/v1/organizations/${shop.id}/agents/${fay}`)).body.departmentIds,
    ).toEqual([]);

    // Deleting the organization takes departments and agent profiles; the users stay.
    await ts.api('POST', members, { body: { userId: fay } });
    expect((await ts.api('DELETE', `/v1/organizations/${shop.id}`)).status).toBe(204);
    expect((await ts.api('GET', `/v1/users/${fay}`)).status).toBe(200);
    await addAgent(ts.api, other.id, fay);
  });

  it('lets an agent read its own organization, and nothing else', async () => {
    const shop = await createOrganization(ts.api, 'Readable shop');
    await ts.api('POST', `/v1/organizations/${shop.id}/departments`, { body: { name: 'Front' } });
    const hal = await createUserWithToken(ts.api, uid('hal'));
    await addAgent(ts.api, shop.id, hal.id);
    const auth = hal.token;

    expect((await ts.api<Organization>('GET', `/v1/organizations/${shop.id}`, { auth })).body.id).toBe(
      shop.id,
    );
    expect((await ts.api<Page<Organization>>('GET', '/v1/organizations', { auth })).body).toEqual({
      items: [expect.objectContaining({ id: shop.id })],
      nextCursor: null,
    });
    expect(
      (await ts.api<{ items: Department[] }>('GET', `/v1/organizations/${shop.id}/departments`, { auth }))
        .body.items,
    ).toHaveLength(1);
    expect(
      (await ts.api<Page<Agent>>('GET', `/v1/organizations/${shop.id}/agents`, { auth })).body.items.map(
        (a) => a.userId,
      ),
    ).toEqual([hal.id]);

    expectError(
      await ts.api('GET', `/v1/organizations/${other.id}`, { auth }),
      404,
      'organization_not_found',
    );
    expectError(
      await ts.api('GET', `/v1/organizations/${other.id}/agents`, { auth }),
      404,
      'organization_not_found',
    );
    for (const [method, path, body] of [
      ['PATCH', `/v1/organizations/${shop.id}`, { name: 'Mine' }],
      ['DELETE', `/v1/organizations/${shop.id}`, undefined],
      ['POST', `/v1/organizations/${shop.id}/departments`, { name: 'X' }],
      ['PATCH', `/v1/organizations/${shop.id}/agents/${hal.id}`, { maxChats: 100 }],
      ['POST', `/v1/organizations/${shop.id}/operators/${hal.id}/tokens`, {}],
    ] as const) {
      expectError(await ts.api(method, path, { auth, ...(body && { body }) }), 403, 'forbidden');
    }
  });
});
