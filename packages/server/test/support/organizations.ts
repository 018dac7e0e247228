// REST helpers for live-chat organizations and their parts, shared by the organization, department,
// business-hours and widget-settings suites. Each checks the call succeeded.
import { expect } from 'vitest';
import type { Agent, BusinessHours, Department, Organization } from '@parley/protocol';
import { createUserWithToken, type Api, type ApiResponse } from './server.js';
import { expectError, uid } from './fixtures.js';

export async function createOrganization(api: Api, name: string): Promise<Organization> {
  const res = await api<Organization>('POST', '/v1/organizations', { body: { name } });
  expect(res.status).toBe(201);
  return res.body;
}

/** A user of the tenant named `name` (its id derived from it); returns the id. */
export async function createUser(api: Api, name: string): Promise<string> {
  const id = uid(name.toLowerCase().replace(/[^a-z0-9]+/g, '-'));
  expect((await api('POST', '/v1/users', { body: { id, displayName: name } })).status).toBe(201);
  return id;
}

export async function addAgent(
  api: Api,
  orgId: string,
  userId: string,
  extra: Partial<Agent> = {},
): Promise<Agent> {
  const res = await api<Agent>('POST', `/v1/organizations/${orgId}/agents`, { body: { userId, ...extra } });
  expect(res.status).toBe(201);
  return res.body;
}

/** A new user made an agent of the organization, with a chat token. */
export async function createOrganizationAgent(
  api: Api,
  orgId: string,
  status: string,
): Promise<{ id: string; token: string }> {
  const user = await createUserWithToken(api, uid('agent'));
  const res = await api('POST', `/v1/organizations/${orgId}/agents`, { body: { userId: user.id, status } });
  expect(res.status).toBe(201);
  return user;
}

export async function createOrganizationDepartment(
  api: Api,
  orgId: string,
  name: string,
): Promise<Department> {
  const res = await api<Department>('POST', `/v1/organizations/${orgId}/departments`, { body: { name } });
  expect(res.status).toBe(201);
  return res.body;
}

export async function createBusinessHours(
  api: Api,
  orgId: string,
  name: string,
  schedule: unknown,
): Promise<BusinessHours> {
  const res = await api<BusinessHours>('POST', `/v1/organizations/${orgId}/business-hours`, {
    body: { name, schedule },
  });
  expect(res.status).toBe(201);
  return res.body;
}

/** A weekly schedule in UTC. */
export const utc = (weekly: { day: number; open: string; close: string }[]) => ({ timeZone: 'UTC', weekly });

/** A 400 `invalid_request` naming `field`. */
export function expectField(response: ApiResponse, field: string): void {
  expectError(response, 400, 'invalid_request');
  expect((response.body as { error: { field?: string } }).error.field).toBe(field);
}
