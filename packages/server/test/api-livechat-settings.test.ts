// Live-chat widget settings and the widget key over REST, and who may read and change the settings
// (business hours included).
import { beforeAll, describe, expect, it } from 'vitest';
import type {
  CreatedTenant,
  Department,
  DepartmentWidget,
  Organization,
  OrganizationWidget,
  WidgetSettings,
} from '@parley/protocol';
import { createUserWithToken, makeApi } from './support/server.js';
import { expectError, uid, useTestServer } from './support/fixtures.js';
import {
  createBusinessHours,
  createOrganization,
  createOrganizationAgent,
  createOrganizationDepartment,
  expectField,
  utc,
} from './support/organizations.js';

const ts = useTestServer();

function settings(extra: Partial<WidgetSettings> = {}): WidgetSettings {
  return {
    allowedOrigins: ['https://Shop.Example:443', 'http://localhost:5173', 'https://shop.example'],
    title: 'Talk to us',
    subtitle: 'We answer fast',
    color: '#112233',
    position: 'bottom-left',
    launcherText: 'Help',
    welcomeMessages: ['Hello!'],
    language: 'fr',
    preChatForm: [
      { key: 'name', label: 'Nom', type: 'name', required: true },
      { key: 'email', label: 'Email', type: 'email', required: false },
    ],
    offlineForm: { enabled: true, email: 'support@shop.example' },
    fallbackContact: '+33 1 23 45 67 89',
    ...extra,
  };
}

describe('widget settings', () => {
  let org: Organization;
  let dep: Department;
  beforeAll(async () => {
    org = await createOrganization(ts.api, 'Widget');
    dep = await createOrganizationDepartment(ts.api, org.id, 'Billing');
  });

  it('gives defaults and a stable server-generated key until settings are saved', async () => {
    const path = `/v1/organizations/${org.id}/widget-settings`;
    const first = await ts.api<OrganizationWidget>('GET', path);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      organizationId: org.id,
      widgetKey: expect.stringMatching(/^wk_[A-Za-z0-9_-]{22,}$/),
      settings: expect.objectContaining({ allowedOrigins: [], title: 'Chat with us', language: 'auto' }),
      updatedAt: null,
    });
    expect((await ts.api<OrganizationWidget>('GET', path)).body.widgetKey).toBe(first.body.widgetKey);
    const other = await ts.api<OrganizationWidget>(
      'GET',
      `/v1/organizations/${dep.organizationId}/widget-settings`,
    );
    expect(other.body.widgetKey).toBe(first.body.widgetKey);

    const saved = await ts.api<OrganizationWidget>('PUT', path, { body: settings() });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({
      organizationId: org.id,
      widgetKey: first.body.widgetKey,
      // Origins normalised as browsers send them, duplicates dropped.
      settings: settings({ allowedOrigins: ['https://shop.example', 'http://localhost:5173'] }),
      updatedAt: expect.any(String),
    });
    expect((await ts.api('GET', path)).body).toEqual(saved.body);
  });

  it('rejects bad settings with 400 naming the field, keeping the stored ones', async () => {
    const path = `/v1/organizations/${org.id}/widget-settings`;
    const before = (await ts.api('GET', path)).body;
    expectField(
      await ts.api('PUT', path, {
        body: settings({ allowedOrigins: ['https://ok.example', 'http://evil.example'] }),
      }),
      'allowedOrigins.1',
    );
    const duplicate = settings({
      preChatForm: [
        { key: 'name', label: 'Name', type: 'name', required: true },
        { key: 'name', label: 'Again', type: 'text', required: false },
      ],
    });
    expectField(await ts.api('PUT', path, { body: duplicate }), 'preChatForm[1].key');
    expectField(
      await ts.api('PUT', path, { body: settings({ offlineForm: { enabled: true, email: null } }) }),
      'offlineForm.email',
    );
    expectError(await ts.api('PUT', path, { body: settings({ color: 'red' }) }), 400, 'invalid_request');
    const { title: _title, ...missing } = settings();
    expectError(await ts.api('PUT', path, { body: missing }), 400, 'invalid_request');
    expectError(
      await ts.api('PUT', path, { body: { ...settings(), widgetKey: 'wk_mine' } }),
      400,
      'invalid_request',
    );
    expect((await ts.api('GET', path)).body).toEqual(before);
  });

  it('rotates the widget key: the old key no longer finds the organization', async () => {
    const store = ts.server.core.deps.store;
    const path = `/v1/organizations/${org.id}/widget-settings`;
    const before = (await ts.api<OrganizationWidget>('GET', path)).body;
    expect(await store.livechat.findWidgetKey(before.widgetKey)).toEqual({
      tenantId: 'default',
      organizationId: org.id,
    });
    const rotated = await ts.api<OrganizationWidget>('POST', `/v1/organizations/${org.id}/widget-key/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({ ...before, widgetKey: expect.stringMatching(/^wk_/) });
    expect(rotated.body.widgetKey).not.toBe(before.widgetKey);
    expect(await store.livechat.findWidgetKey(before.widgetKey)).toBeNull();
    expect(await store.livechat.findWidgetKey(rotated.body.widgetKey)).toEqual({
      tenantId: 'default',
      organizationId: org.id,
    });
    expect((await ts.api<OrganizationWidget>('GET', path)).body.widgetKey).toBe(rotated.body.widgetKey);
    expectError(
      await ts.api('POST', '/v1/organizations/org_nope/widget-key/rotate'),
      404,
      'organization_not_found',
    );
  });

  it('overrides per department and resolves the settings a department shows', async () => {
    const base = `/v1/organizations/${org.id}`;
    await ts.api('PUT', `${base}/widget-settings`, { body: settings() });
    const path = `${base}/departments/${dep.id}/widget-settings`;
    expect((await ts.api('GET', path)).body).toEqual({
      organizationId: org.id,
      departmentId: dep.id,
      override: {},
      updatedAt: null,
    });
    const override = {
      title: 'Billing desk',
      welcomeMessages: [],
      offlineForm: { enabled: false, email: null },
    };
    const put = await ts.api<DepartmentWidget>('PUT', path, { body: override });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      organizationId: org.id,
      departmentId: dep.id,
      override,
      updatedAt: expect.any(String),
    });
    expect((await ts.api('GET', path)).body).toEqual(put.body);

    const orgSettings = (await ts.api<OrganizationWidget>('GET', `${base}/widget-settings`)).body.settings;
    expect((await ts.api('GET', `${base}/widget-settings/resolved`)).body).toEqual(orgSettings);
    expect((await ts.api('GET', `${base}/widget-settings/resolved?departmentId=${dep.id}`)).body).toEqual({
      ...orgSettings,
      ...override,
    });

    // Origins are the organization's alone; keys stay unique within a form.
    expectError(await ts.api('PUT', path, { body: { allowedOrigins: [] } }), 400, 'invalid_request');
    const dup = [
      { key: 'x', label: 'X', type: 'text', required: false },
      { key: 'x', label: 'Y', type: 'text', required: false },
    ];
    expectField(await ts.api('PUT', path, { body: { preChatForm: dup } }), 'preChatForm[1].key');

    expect((await ts.api('DELETE', path)).status).toBe(204);
    expect((await ts.api('DELETE', path)).status).toBe(204);
    expect((await ts.api('GET', `${base}/widget-settings/resolved?departmentId=${dep.id}`)).body).toEqual(
      orgSettings,
    );

    const noDep = `${base}/departments/dep_nope/widget-settings`;
    expectError(await ts.api('GET', noDep), 404, 'department_not_found');
    expectError(await ts.api('PUT', noDep, { body: {} }), 404, 'department_not_found');
    expectError(await ts.api('DELETE', noDep), 404, 'department_not_found');
    expectError(
      await ts.api('GET', `${base}/widget-settings/resolved?departmentId=dep_nope`),
      404,
      'department_not_found',
    );
  });

  it('goes with its department and organization', async () => {
    const gone = await createOrganization(ts.api, 'Gone');
    const d = await createOrganizationDepartment(ts.api, gone.id, 'D');
    const key = (await ts.api<OrganizationWidget>('GET', `/v1/organizations/${gone.id}/widget-settings`)).body
      .widgetKey;
    await ts.api('PUT', `/v1/organizations/${gone.id}/departments/${d.id}/widget-settings`, {
      body: { title: 'T' },
    });
    expect((await ts.api('DELETE', `/v1/organizations/${gone.id}/departments/${d.id}`)).status).toBe(204);
    expectError(
      await ts.api('GET', `/v1/organizations/${gone.id}/departments/${d.id}/widget-settings`),
      404,
      'department_not_found',
    );
    expect((await ts.api('DELETE', `/v1/organizations/${gone.id}`)).status).toBe(204);
    expect(await ts.server.core.deps.store.livechat.findWidgetKey(key)).toBeNull();
    expectError(
      await ts.api('GET', `/v1/organizations/${gone.id}/widget-settings`),
      404,
      'organization_not_found',
    );
  });
});

describe('access', () => {
  it('lets agents of the organization read, API keys and admins write, and nobody else', async () => {
    const org = await createOrganization(ts.api, 'Guarded');
    const dep = await createOrganizationDepartment(ts.api, org.id, 'D');
    const hours = await createBusinessHours(ts.api, org.id, 'H', utc([]));
    const agent = await createOrganizationAgent(ts.api, org.id, 'online');
    const member = await createUserWithToken(ts.api, uid('member'));
    const base = `/v1/organizations/${org.id}`;
    const reads = [
      `${base}/business-hours`,
      `${base}/business-hours/${hours.id}`,
      `${base}/departments/${dep.id}/business-hours`,
      `${base}/availability`,
      `${base}/widget-settings`,
      `${base}/widget-settings/resolved`,
      `${base}/departments/${dep.id}/widget-settings`,
    ];
    const writes: [string, string, unknown?][] = [
      ['POST', `${base}/business-hours`, { name: 'X', schedule: utc([]) }],
      ['PATCH', `${base}/business-hours/${hours.id}`, { name: 'X' }],
      ['POST', `${base}/departments/${dep.id}/business-hours`, { businessHoursId: hours.id }],
      ['DELETE', `${base}/departments/${dep.id}/business-hours/${hours.id}`],
      ['PUT', `${base}/widget-settings`, settings()],
      ['POST', `${base}/widget-key/rotate`],
      ['PUT', `${base}/departments/${dep.id}/widget-settings`, { title: 'X' }],
      ['DELETE', `${base}/departments/${dep.id}/widget-settings`],
      // Last, so the admin's run below still finds the hours to attach.
      ['DELETE', `${base}/business-hours/${hours.id}`],
    ];
    for (const path of reads) {
      expect((await ts.api('GET', path, { auth: agent.token })).status, path).toBe(200);
      expectError(await ts.api('GET', path, { auth: member.token }), 404, 'organization_not_found');
      expectError(await ts.api('GET', path, { auth: null }), 401, 'unauthenticated');
    }
    for (const [method, path, body] of writes) {
      const options = body === undefined ? {} : { body };
      expectError(await ts.api(method, path, { ...options, auth: agent.token }), 403, 'forbidden');
      expectError(await ts.api(method, path, { ...options, auth: member.token }), 403, 'forbidden');
      expectError(await ts.api(method, path, { ...options, auth: null }), 401, 'unauthenticated');
    }
    const admin = await createUserWithToken(ts.api, uid('admin'), { role: 'admin', scopes: ['admin'] });
    for (const [method, path, body] of writes) {
      const res = await ts.api(method, path, { ...(body !== undefined && { body }), auth: admin.token });
      expect(res.status, `${method} ${path}`).toBeLessThan(300);
    }
  });

  it("keeps tenant B's key away from tenant A's settings", async () => {
    const org = await createOrganization(ts.api, 'A only');
    const dep = await createOrganizationDepartment(ts.api, org.id, 'D');
    const hours = await createBusinessHours(ts.api, org.id, 'H', utc([]));
    const key = (await ts.api<OrganizationWidget>('GET', `/v1/organizations/${org.id}/widget-settings`)).body
      .widgetKey;
    const created = await ts.api<CreatedTenant>('POST', '/v1/tenants', { body: { name: uid('tenant-b') } });
    const b = makeApi(ts.url, created.body.apiKey.secret);
    const base = `/v1/organizations/${org.id}`;
    for (const [method, path, body] of [
      ['GET', `${base}/business-hours`],
      ['POST', `${base}/business-hours`, { name: 'X', schedule: utc([]) }],
      ['GET', `${base}/business-hours/${hours.id}`],
      ['PATCH', `${base}/business-hours/${hours.id}`, { name: 'X' }],
      ['DELETE', `${base}/business-hours/${hours.id}`],
      ['GET', `${base}/departments/${dep.id}/business-hours`],
      ['POST', `${base}/departments/${dep.id}/business-hours`, { businessHoursId: hours.id }],
      ['DELETE', `${base}/departments/${dep.id}/business-hours/${hours.id}`],
      ['GET', `${base}/availability`],
      ['GET', `${base}/widget-settings`],
      ['PUT', `${base}/widget-settings`, settings()],
      ['GET', `${base}/widget-settings/resolved`],
      ['POST', `${base}/widget-key/rotate`],
      ['GET', `${base}/departments/${dep.id}/widget-settings`],
      ['PUT', `${base}/departments/${dep.id}/widget-settings`, { title: 'X' }],
      ['DELETE', `${base}/departments/${dep.id}/widget-settings`],
    ] as [string, string, unknown?][]) {
      expectError(await b(method, path, body === undefined ? {} : { body }), 404, 'organization_not_found');
    }
    // Nothing changed in A.
    expect((await ts.api<OrganizationWidget>('GET', `${base}/widget-settings`)).body).toMatchObject({
      widgetKey: key,
      updatedAt: null,
    });
    expect((await ts.api('GET', `${base}/business-hours/${hours.id}`)).body).toEqual(hours);
  });
});
