// Live-chat business hours, availability, widget settings and the widget key over REST.
import { beforeAll, describe, expect, it } from 'vitest';
import type {
  Availability,
  BusinessHours,
  CreatedTenant,
  Department,
  DepartmentWidget,
  Organization,
  OrganizationWidget,
  WidgetSettings,
} from '@parley/protocol';
import { createUserWithToken, makeApi, type Api, type ApiResponse } from './support/server.js';
import { expectError, testClock, uid, useTestServer } from './support/fixtures.js';

// Monday 23 November 2026, 10:00 UTC. Each reading moves the clock by a millisecond.
const MONDAY_10 = Date.parse('2026-11-23T10:00:00.000Z');
const clock = testClock(MONDAY_10);
const ts = useTestServer(() => undefined, { clock });

const utc = (weekly: { day: number; open: string; close: string }[]) => ({ timeZone: 'UTC', weekly });

async function createOrganization(name: string, api: Api = ts.api): Promise<Organization> {
  const res = await api<Organization>('POST', '/v1/organizations', { body: { name } });
  expect(res.status).toBe(201);
  return res.body;
}

async function createDepartment(orgId: string, name: string): Promise<Department> {
  const res = await ts.api<Department>('POST', `/v1/organizations/${orgId}/departments`, { body: { name } });
  expect(res.status).toBe(201);
  return res.body;
}

async function createHours(orgId: string, name: string, schedule: unknown): Promise<BusinessHours> {
  const res = await ts.api<BusinessHours>('POST', `/v1/organizations/${orgId}/business-hours`, {
    body: { name, schedule },
  });
  expect(res.status).toBe(201);
  return res.body;
}

/** A user made an agent of the organization, with a chat token. */
async function createAgent(orgId: string, status: string): Promise<{ id: string; token: string }> {
  const user = await createUserWithToken(ts.api, uid('agent'));
  const res = await ts.api('POST', `/v1/organizations/${orgId}/agents`, {
    body: { userId: user.id, status },
  });
  expect(res.status).toBe(201);
  return user;
}

function expectField(response: ApiResponse, field: string): void {
  expectError(response, 400, 'invalid_request');
  expect((response.body as { error: { field?: string } }).error.field).toBe(field);
}

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

describe('business hours', () => {
  let org: Organization;
  beforeAll(async () => {
    org = await createOrganization('Hours');
  });

  it('creates, lists, gets, changes and deletes named schedules', async () => {
    const path = `/v1/organizations/${org.id}/business-hours`;
    const weekdays = await createHours(org.id, 'Weekdays', {
      timeZone: 'Europe/Paris',
      weekly: [1, 2, 3, 4, 5].map((day) => ({ day, open: '09:00', close: '18:00' })),
      holidays: [{ date: '2026-12-25', name: 'Noël' }],
    });
    expect(weekdays).toMatchObject({
      id: expect.stringMatching(/^bh_/),
      organizationId: org.id,
      name: 'Weekdays',
      schedule: { timeZone: 'Europe/Paris', holidays: [{ date: '2026-12-25', name: 'Noël' }] },
      updatedAt: weekdays.createdAt,
    });
    const night = await createHours(org.id, 'Night', utc([{ day: 6, open: '22:00', close: '02:00' }]));
    expect(night.schedule.holidays).toEqual([]);
    expect((await ts.api<{ items: BusinessHours[] }>('GET', path)).body.items).toEqual([weekdays, night]);
    expect((await ts.api('GET', `${path}/${night.id}`)).body).toEqual(night);

    const renamed = await ts.api<BusinessHours>('PATCH', `${path}/${night.id}`, { body: { name: 'Late' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Late', schedule: night.schedule });
    const moved = await ts.api<BusinessHours>('PATCH', `${path}/${night.id}`, {
      body: { schedule: utc([{ day: 0, open: '10:00', close: '12:00' }]) },
    });
    expect(moved.body).toMatchObject({ name: 'Late', schedule: { weekly: [{ day: 0, open: '10:00' }] } });

    expect((await ts.api('DELETE', `${path}/${night.id}`)).status).toBe(204);
    for (const method of ['GET', 'DELETE'] as const) {
      expectError(await ts.api(method, `${path}/${night.id}`), 404, 'business_hours_not_found');
    }
    expectError(
      await ts.api('PATCH', `${path}/${night.id}`, { body: { name: 'X' } }),
      404,
      'business_hours_not_found',
    );
    const other = await createOrganization('Not the owner');
    expectError(
      await ts.api('GET', `/v1/organizations/${other.id}/business-hours/${weekdays.id}`),
      404,
      'business_hours_not_found',
    );
    expectError(
      await ts.api('GET', '/v1/organizations/org_nope/business-hours'),
      404,
      'organization_not_found',
    );
  });

  it('rejects bad schedules with 400 naming the field', async () => {
    const path = `/v1/organizations/${org.id}/business-hours`;
    const post = (schedule: unknown, name: unknown = 'X') =>
      ts.api('POST', path, { body: { name, schedule } });
    expectField(await post({ timeZone: 'Mars/Olympus', weekly: [] }), 'schedule.timeZone');
    expectField(await post(utc([{ day: 7, open: '09:00', close: '10:00' }])), 'schedule.weekly[0].day');
    expectField(await post(utc([{ day: 1, open: '09:00', close: '25:00' }])), 'schedule.weekly[0].close');
    expectField(
      await post(
        utc([
          { day: 1, open: '09:00', close: '12:00' },
          { day: 1, open: '11:00', close: '13:00' },
        ]),
      ),
      'schedule.weekly[1]',
    );
    expectField(
      await post({ timeZone: 'UTC', weekly: [], holidays: [{ date: '2026-02-30' }] }),
      'schedule.holidays[0].date',
    );
    expectError(await post(utc([]), ''), 400, 'invalid_request');
    expectError(await post({ timeZone: 'UTC' }), 400, 'invalid_request');
    expectError(await post({ ...utc([]), extra: 1 }), 400, 'invalid_request');
    const hours = await createHours(org.id, 'Valid', utc([]));
    expectField(
      await ts.api('PATCH', `${path}/${hours.id}`, {
        body: { schedule: { timeZone: 'Nowhere', weekly: [] } },
      }),
      'schedule.timeZone',
    );
    expect((await ts.api('GET', `${path}/${hours.id}`)).body).toEqual(hours);
  });

  it('attaches schedules to departments of the same organization and detaches them', async () => {
    const dep = await createDepartment(org.id, 'Sales');
    const a = await createHours(org.id, 'A', utc([]));
    const b = await createHours(org.id, 'B', utc([]));
    const path = `/v1/organizations/${org.id}/departments/${dep.id}/business-hours`;
    expect((await ts.api<{ items: BusinessHours[] }>('GET', path)).body.items).toEqual([]);
    const attached = await ts.api<{ items: BusinessHours[] }>('POST', path, {
      body: { businessHoursId: b.id },
    });
    expect(attached.status).toBe(200);
    expect(attached.body.items.map((h) => h.id)).toEqual([b.id]);
    await ts.api('POST', path, { body: { businessHoursId: a.id } });
    const again = await ts.api<{ items: BusinessHours[] }>('POST', path, { body: { businessHoursId: a.id } });
    expect(again.body.items.map((h) => h.id)).toEqual([a.id, b.id]);

    const foreign = await createHours((await createOrganization('Foreign')).id, 'F', utc([]));
    const unknown = await ts.api('POST', path, { body: { businessHoursId: foreign.id } });
    expectError(unknown, 404, 'business_hours_not_found');
    expect((unknown.body as { error: { field?: string } }).error.field).toBe('businessHoursId');
    expectError(await ts.api('POST', path, { body: {} }), 400, 'invalid_request');
    const noDep = `/v1/organizations/${org.id}/departments/dep_nope/business-hours`;
    expectError(await ts.api('GET', noDep), 404, 'department_not_found');
    expectError(
      await ts.api('POST', noDep, { body: { businessHoursId: a.id } }),
      404,
      'department_not_found',
    );

    expect((await ts.api('DELETE', `${path}/${a.id}`)).status).toBe(204);
    expectError(await ts.api('DELETE', `${path}/${a.id}`), 404, 'business_hours_not_found');
    // Deleting business hours detaches them everywhere.
    expect((await ts.api('DELETE', `/v1/organizations/${org.id}/business-hours/${b.id}`)).status).toBe(204);
    expect((await ts.api<{ items: BusinessHours[] }>('GET', path)).body.items).toEqual([]);
  });
});

describe('availability', () => {
  it('answers open or closed by the hours that apply, with the next change and agents online', async () => {
    const org = await createOrganization('Open');
    const sales = await createDepartment(org.id, 'Sales');
    const support = await createDepartment(org.id, 'Support');
    const path = `/v1/organizations/${org.id}/availability`;
    const get = async (query = '') => {
      const res = await ts.api<Availability>('GET', `${path}${query}`);
      expect(res.status).toBe(200);
      return res.body;
    };

    // No hours anywhere: always open; nobody online yet.
    expect(await get()).toEqual({ open: true, nextChange: null, agentsOnline: 0 });
    const ann = await createAgent(org.id, 'online');
    await createAgent(org.id, 'online');
    const cid = await createAgent(org.id, 'away');
    for (const agent of [ann, cid]) {
      await ts.api('POST', `/v1/organizations/${org.id}/departments/${sales.id}/agents`, {
        body: { userId: agent.id },
      });
    }
    expect((await get()).agentsOnline).toBe(2);
    expect((await get(`?departmentId=${sales.id}`)).agentsOnline).toBe(1);
    expect((await get(`?departmentId=${support.id}`)).agentsOnline).toBe(0);

    const day = await createHours(org.id, 'Day', utc([{ day: 1, open: '09:00', close: '17:00' }]));
    await createHours(org.id, 'Evening', utc([{ day: 1, open: '17:30', close: '20:00' }]));
    await ts.api('POST', `/v1/organizations/${org.id}/departments/${sales.id}/business-hours`, {
      body: { businessHoursId: day.id },
    });
    const at = (iso: string, open: boolean) => ({ open, at: iso });

    // Monday 10:00: the organization's hours (either schedule) close at 17:00, reopen at 17:30.
    expect(await get()).toEqual({
      open: true,
      nextChange: at('2026-11-23T17:00:00.000Z', false),
      agentsOnline: 2,
    });
    expect(await get(`?departmentId=${sales.id}`)).toMatchObject({ open: true, agentsOnline: 1 });

    clock.advance(8 * 3_600_000); // Monday 18:00
    try {
      // Support has nothing attached: the organization's schedules apply, and Evening is open.
      expect(await get(`?departmentId=${support.id}`)).toEqual({
        open: true,
        nextChange: at('2026-11-23T20:00:00.000Z', false),
        agentsOnline: 0,
      });
      // Sales follows only Day, closed until next Monday.
      expect(await get(`?departmentId=${sales.id}`)).toEqual({
        open: false,
        nextChange: at('2026-11-30T09:00:00.000Z', true),
        agentsOnline: 1,
      });
      clock.advance(3 * 3_600_000); // Monday 21:00
      expect(await get()).toMatchObject({ open: false, nextChange: at('2026-11-30T09:00:00.000Z', true) });
    } finally {
      clock.advance(-11 * 3_600_000);
    }

    expectError(await ts.api('GET', `${path}?departmentId=dep_nope`), 404, 'department_not_found');
    expectError(await ts.api('GET', `${path}?departmentId=bad%20id`), 400, 'invalid_request');
    expectError(await ts.api('GET', `${path}?other=1`), 400, 'invalid_request');
  });
});

describe('widget settings', () => {
  let org: Organization;
  let dep: Department;
  beforeAll(async () => {
    org = await createOrganization('Widget');
    dep = await createDepartment(org.id, 'Billing');
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
    const gone = await createOrganization('Gone');
    const d = await createDepartment(gone.id, 'D');
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
    const org = await createOrganization('Guarded');
    const dep = await createDepartment(org.id, 'D');
    const hours = await createHours(org.id, 'H', utc([]));
    const agent = await createAgent(org.id, 'online');
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
    const org = await createOrganization('A only');
    const dep = await createDepartment(org.id, 'D');
    const hours = await createHours(org.id, 'H', utc([]));
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
