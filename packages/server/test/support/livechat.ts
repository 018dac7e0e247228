// Builders for live-chat tests: an organization with a widget, visitors calling from the site, agents.
import { expect } from 'vitest';
import type {
  Conversation,
  Department,
  Organization,
  OrganizationWidget,
  VisitorSession,
  WidgetSettings,
} from '@parley/protocol';
import type { ServerConfig } from '../../src/config.js';
import type { Api, ApiResponse } from './server.js';
import { uid } from './fixtures.js';
import { createOrganizationDepartment } from './organizations.js';

export const SITE = 'https://shop.example';

export function widgetSettings(extra: Partial<WidgetSettings> = {}): WidgetSettings {
  return {
    allowedOrigins: [SITE],
    title: 'Help',
    subtitle: 'We answer fast',
    color: '#112233',
    position: 'bottom-right',
    launcherText: 'Chat',
    welcomeMessages: ['Hi!'],
    language: 'auto',
    preChatForm: [{ key: 'name', label: 'Name', type: 'name', required: true }],
    offlineForm: { enabled: true, email: 'support@shop.example' },
    fallbackContact: 'call 555',
    ...extra,
  };
}

export interface Widget {
  org: Organization;
  key: string;
}

export async function createWidget(api: Api, extra: Partial<WidgetSettings> = {}): Promise<Widget> {
  const org = (await api<Organization>('POST', '/v1/organizations', { body: { name: uid('org') } })).body;
  const res = await api<OrganizationWidget>('PUT', `/v1/organizations/${org.id}/widget-settings`, {
    body: widgetSettings(extra),
  });
  expect(res.status).toBe(200);
  return { org, key: res.body.widgetKey };
}

/** A call from a browser page on the site, with the visitor's access token when given. */
export function fromSite<T>(
  api: Api,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; origin?: string } = {},
): Promise<ApiResponse<T>> {
  return api<T>(method, path, {
    auth: options.token ?? null,
    headers: { origin: options.origin ?? SITE },
    ...(options.body !== undefined && { body: options.body }),
  });
}

export async function registerVisitor(api: Api, widget: Widget): Promise<VisitorSession> {
  const res = await fromSite<VisitorSession>(api, 'POST', `/v1/widget/${widget.key}/visitors`, { body: {} });
  expect(res.status).toBe(201);
  return res.body;
}

export interface TestAgent {
  id: string;
  token: string;
}

/** A user made an agent of the organization (online unless told), with an operator token. */
export async function createAgent(
  api: Api,
  widget: Widget,
  options: {
    status?: 'online' | 'away' | 'offline';
    maxChats?: number;
    role?: string;
    departmentIds?: string[];
  } = {},
): Promise<TestAgent> {
  const id = uid('agent');
  expect((await api('POST', '/v1/users', { body: { id, displayName: `Agent ${id}` } })).status).toBe(201);
  const added = await api('POST', `/v1/organizations/${widget.org.id}/agents`, {
    body: {
      userId: id,
      status: options.status ?? 'online',
      ...(options.maxChats !== undefined && { maxChats: options.maxChats }),
      ...(options.role !== undefined && { role: options.role }),
    },
  });
  expect(added.status).toBe(201);
  for (const departmentId of options.departmentIds ?? []) {
    const res = await api('POST', `/v1/organizations/${widget.org.id}/departments/${departmentId}/agents`, {
      body: { userId: id },
    });
    expect(res.status).toBe(200);
  }
  const token = await api<{ token: string }>(
    'POST',
    `/v1/organizations/${widget.org.id}/operators/${id}/tokens`,
    {
      body: {},
    },
  );
  expect(token.status).toBe(201);
  return { id, token: token.body.token };
}

/** Lets every test call the visitor API from 127.0.0.1 without meeting the per-IP limit. */
export function manyVisitorRequests(config: ServerConfig): void {
  config.limits.visitorRequestsPerMinute = 1_000_000;
}

export function createDepartment(api: Api, widget: Widget, name = uid('dep')): Promise<Department> {
  return createOrganizationDepartment(api, widget.org.id, name);
}

/** Starts (or resumes) the visitor's conversation; asserts 200 or 201. */
export async function startConversation(
  api: Api,
  widget: Widget,
  visitor: VisitorSession,
  body: Record<string, unknown> = { answers: { name: 'Ann' } },
): Promise<Conversation> {
  const res = await fromSite<Conversation>(api, 'POST', `/v1/widget/${widget.key}/conversations`, {
    token: visitor.accessToken,
    body,
  });
  expect([200, 201], JSON.stringify(res.body)).toContain(res.status);
  return res.body;
}

/** A registered visitor and their new conversation. */
export async function visitorWithConversation(
  api: Api,
  widget: Widget,
  body?: Record<string, unknown>,
): Promise<{ visitor: VisitorSession; conversation: Conversation }> {
  const visitor = await registerVisitor(api, widget);
  return { visitor, conversation: await startConversation(api, widget, visitor, body) };
}

/** The conversation as the API key (or `auth`) sees it. */
export async function conversationOf(
  api: Api,
  widget: Widget,
  id: string,
  auth?: string,
): Promise<Conversation> {
  const res = await api<Conversation>('GET', `/v1/organizations/${widget.org.id}/conversations/${id}`, {
    ...(auth !== undefined && { auth }),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** POSTs a conversation action (take, transfer, snooze, wake, resolve, reopen) as the API key or `auth`. */
export function conversationAction(
  api: Api,
  widget: Widget,
  id: string,
  action: string,
  options: { body?: unknown; auth?: string } = {},
): Promise<ApiResponse<Conversation>> {
  return api<Conversation>('POST', `/v1/organizations/${widget.org.id}/conversations/${id}/${action}`, {
    ...(options.body !== undefined && { body: options.body }),
    ...(options.auth !== undefined && { auth: options.auth }),
  });
}

/** Sets an agent's status as the API key (or the agent's own token as `auth`). */
export async function setAgentStatus(
  api: Api,
  widget: Widget,
  agentId: string,
  status: 'online' | 'away' | 'offline',
  auth?: string,
): Promise<void> {
  const res = await api('PATCH', `/v1/organizations/${widget.org.id}/agents/${agentId}`, {
    body: { status },
    ...(auth !== undefined && { auth }),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/**
 * Polls `read` until `done` holds for its result, and returns that result;
 * fails with the last value seen after `timeoutMs`. For state that changes
 * in the background (timers, routing after a disconnect): never a fixed wait.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 10_000, intervalMs = 25 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
