// Live-chat business hours and availability over REST, on a test clock.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Availability, BusinessHours, Organization } from '@parley/protocol';
import { expectError, testClock, useTestServer } from './support/fixtures.js';
import {
  createBusinessHours,
  createOrganization,
  createOrganizationAgent,
  createOrganizationDepartment,
  expectField,
  utc,
} from './support/organizations.js';

// Monday 23 November 2026, 10:00 UTC. Each reading moves the clock by a millisecond.
const MONDAY_10 = Date.parse('2026-11-23T10:00:00.000Z');
const clock = testClock(MONDAY_10);
const ts = useTestServer(() => undefined, { clock });

describe('business hours', () => {
  let org: Organization;
  beforeAll(async () => {
    org = await createOrganization(ts.api, 'Hours');
  });

  it('creates, lists, gets, changes and deletes named schedules', async () => {
    const path = `/v1/organizations/${org.id}/business-hours`;
    const weekdays = await createBusinessHours(ts.api, org.id, 'Weekdays', {
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
    const night = await createBusinessHours(
      ts.api,
      org.id,
      'Night',
      utc([{ day: 6, open: '22:00', close: '02:00' }]),
    );
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
    const other = await createOrganization(ts.api, 'Not the owner');
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
    const hours = await createBusinessHours(ts.api, org.id, 'Valid', utc([]));
    expectField(
      await ts.api('PATCH', `${path}/${hours.id}`, {
        body: { schedule: { timeZone: 'Nowhere', weekly: [] } },
      }),
      'schedule.timeZone',
    );
    expect((await ts.api('GET', `${path}/${hours.id}`)).body).toEqual(hours);
  });

  it('attaches schedules to departments of the same organization and detaches them', async () => {
    const dep = await createOrganizationDepartment(ts.api, org.id, 'Sales');
    const a = await createBusinessHours(ts.api, org.id, 'A', utc([]));
    const b = await createBusinessHours(ts.api, org.id, 'B', utc([]));
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

    const foreign = await createBusinessHours(
      ts.api,
      (await createOrganization(ts.api, 'Foreign')).id,
      'F',
      utc([]),
    );
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
    const org = await createOrganization(ts.api, 'Open');
    const sales = await createOrganizationDepartment(ts.api, org.id, 'Sales');
    const support = await createOrganizationDepartment(ts.api, org.id, 'Support');
    const path = `/v1/organizations/${org.id}/availability`;
    const get = async (query = '') => {
      const res = await ts.api<Availability>('GET', `${path}${query}`);
      expect(res.status).toBe(200);
      return res.body;
    };

    // No hours anywhere: always open; nobody online yet.
    expect(await get()).toEqual({ open: true, nextChange: null, agentsOnline: 0 });
    const ann = await createOrganizationAgent(ts.api, org.id, 'online');
    await createOrganizationAgent(ts.api, org.id, 'online');
    const cid = await createOrganizationAgent(ts.api, org.id, 'away');
    for (const agent of [ann, cid]) {
      await ts.api('POST', `/v1/organizations/${org.id}/departments/${sales.id}/agents`, {
        body: { userId: agent.id },
      });
    }
    expect((await get()).agentsOnline).toBe(2);
    expect((await get(`?departmentId=${sales.id}`)).agentsOnline).toBe(1);
    expect((await get(`?departmentId=${support.id}`)).agentsOnline).toBe(0);

    const day = await createBusinessHours(
      ts.api,
      org.id,
      'Day',
      utc([{ day: 1, open: '09:00', close: '17:00' }]),
    );
    await createBusinessHours(ts.api, org.id, 'Evening', utc([{ day: 1, open: '17:30', close: '20:00' }]));
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
