// The public visitor API over REST: widget config, visitors, identification, CORS and limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CreatedTenant,
  IdentifiedVisitor,
  Organization,
  OrganizationWidget,
  VisitorSession,
  WidgetConfig,
  WidgetSettings,
} from '@parley/protocol';
import { signIdentity } from '../src/core/livechat/visitor-identity.js';
import {
  createUserWithToken,
  makeApi,
  startTestServer,
  type Api,
  type ApiResponse,
} from './support/server.js';
import { expectError, testClock, uid, useTestServer } from './support/fixtures.js';
import { TestSocket } from './support/ws-client.js';

// Monday 23 November 2026, 10:00 UTC.
const clock = testClock(Date.parse('2026-11-23T10:00:00.000Z'));
// Every test calls from 127.0.0.1: the per-IP limit is raised here and tested on its own server.
const ts = useTestServer((c) => void (c.limits.visitorRequestsPerMinute = 1_000_000), { clock });

const SITE = 'https://shop.example';
const SECRET = 'a-very-long-identity-secret-of-more-than-32-bytes';

function settings(extra: Partial<WidgetSettings> = {}): WidgetSettings {
  return {
    allowedOrigins: [SITE, 'http://localhost:5173'],
    title: 'Help',
    subtitle: 'We answer fast',
    color: '#112233',
    position: 'bottom-left',
    launcherText: 'Chat',
    welcomeMessages: ['Hi!'],
    language: 'auto',
    preChatForm: [{ key: 'name', label: 'Name', type: 'name', required: true }],
    offlineForm: { enabled: true, email: 'support@shop.example' },
    fallbackContact: 'call 555',
    ...extra,
  };
}

interface Widget {
  org: Organization;
  key: string;
}

async function createWidget(api: Api = ts.api, extra: Partial<WidgetSettings> = {}): Promise<Widget> {
  const org = (await api<Organization>('POST', '/v1/organizations', { body: { name: uid('org') } })).body;
  const res = await api<OrganizationWidget>('PUT', `/v1/organizations/${org.id}/widget-settings`, {
    body: settings(extra),
  });
  expect(res.status).toBe(200);
  return { org, key: res.body.widgetKey };
}

/** A call from a browser page on `origin` (no credential). */
function fromSite<T>(
  method: string,
  path: string,
  options: { body?: unknown; origin?: string | null; headers?: Record<string, string>; api?: Api } = {},
): Promise<ApiResponse<T>> {
  const origin = options.origin === undefined ? SITE : options.origin;
  return (options.api ?? ts.api)<T>(method, path, {
    auth: null,
    headers: { ...options.headers, ...(origin !== null && { origin }) },
    ...(options.body !== undefined && { body: options.body }),
  });
}

async function register(widget: Widget, body: unknown = {}): Promise<VisitorSession> {
  const res = await fromSite<VisitorSession>('POST', `/v1/widget/${widget.key}/visitors`, { body });
  expect(res.status).toBe(201);
  return res.body;
}

function proof(userId: string, timestamp = clock.peek(), secret = SECRET) {
  return { userId, timestamp, signature: signIdentity(secret, userId, timestamp) };
}

async function setSecret(orgId: string, secret = SECRET): Promise<void> {
  const res = await ts.api('PUT', `/v1/organizations/${orgId}/identity-secret`, { body: { secret } });
  expect(res.status).toBe(204);
}

describe('widget configuration', () => {
  let widget: Widget;
  beforeAll(async () => {
    widget = await createWidget();
  });

  it('answers an allowed origin with the public settings and the browser language', async () => {
    const res = await fromSite<WidgetConfig>('GET', `/v1/widget/${widget.key}/config`, {
      headers: { 'accept-language': 'fr-CA,fr;q=0.9,en;q=0.5' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(SITE);
    expect(res.body).toEqual({
      organizationId: widget.org.id,
      departmentId: null,
      language: 'fr',
      settings: {
        title: 'Help',
        subtitle: 'We answer fast',
        color: '#112233',
        position: 'bottom-left',
        launcherText: 'Chat',
        welcomeMessages: ['Hi!'],
        preChatForm: [{ key: 'name', label: 'Name', type: 'name', required: true }],
        offlineForm: { enabled: true },
        fallbackContact: 'call 555',
      },
      availability: { open: true, nextChange: null, agentsOnline: 0 },
      online: false,
    });
    const english = await fromSite<WidgetConfig>('GET', `/v1/widget/${widget.key}/config`, {
      origin: 'http://localhost:5173',
    });
    expect(english.body.language).toBe('en');
  });

  it('refuses other origins, requests without an Origin, and unknown or rotated keys', async () => {
    const path = `/v1/widget/${widget.key}/config`;
    const other = await fromSite('GET', path, { origin: 'https://evil.example' });
    expectError(other, 403, 'origin_not_allowed');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expectError(await fromSite('GET', path, { origin: null }), 403, 'origin_not_allowed');
    expectError(await fromSite('GET', '/v1/widget/wk_unknown/config'), 404, 'widget_not_found');
    const rotated = await createWidget();
    await ts.api('POST', `/v1/organizations/${rotated.org.id}/widget-key/rotate`);
    const fresh = await ts.api<OrganizationWidget>(
      'GET',
      `/v1/organizations/${rotated.org.id}/widget-settings`,
    );
    expect(fresh.body.widgetKey).not.toBe(rotated.key);
    expectError(await fromSite('GET', `/v1/widget/${rotated.key}/config`), 404, 'widget_not_found');
    expect((await fromSite('GET', `/v1/widget/${fresh.body.widgetKey}/config`)).status).toBe(200);
  });

  it('says online only when open and an agent is online', async () => {
    const w = await createWidget();
    const path = `/v1/widget/${w.key}/config`;
    expect((await fromSite<WidgetConfig>('GET', path)).body.online).toBe(false);
    const agent = await createUserWithToken(ts.api, uid('agent'));
    await ts.api('POST', `/v1/organizations/${w.org.id}/agents`, {
      body: { userId: agent.id, status: 'online' },
    });
    const open = await fromSite<WidgetConfig>('GET', path);
    expect(open.body).toMatchObject({ online: true, availability: { open: true, agentsOnline: 1 } });
    // Hours that never open: closed, so offline whoever is online.
    await ts.api('POST', `/v1/organizations/${w.org.id}/business-hours`, {
      body: { name: 'Never', schedule: { timeZone: 'UTC', weekly: [] } },
    });
    const closed = await fromSite<WidgetConfig>('GET', path);
    expect(closed.body).toMatchObject({ online: false, availability: { open: false, agentsOnline: 1 } });
  });

  it('resolves a department’s overrides and refuses an unknown department', async () => {
    const dep = (
      await ts.api<{ id: string }>('POST', `/v1/organizations/${widget.org.id}/departments`, {
        body: { name: 'Sales' },
      })
    ).body;
    await ts.api('PUT', `/v1/organizations/${widget.org.id}/departments/${dep.id}/widget-settings`, {
      body: { title: 'Sales', language: 'en' },
    });
    const res = await fromSite<WidgetConfig>(
      'GET',
      `/v1/widget/${widget.key}/config?departmentId=${dep.id}`,
      {
        headers: { 'accept-language': 'fr' },
      },
    );
    expect(res.body).toMatchObject({ departmentId: dep.id, language: 'en', settings: { title: 'Sales' } });
    expectError(
      await fromSite('GET', `/v1/widget/${widget.key}/config?departmentId=nope`),
      404,
      'department_not_found',
    );
  });

  it('answers CORS preflights for allowed origins only', async () => {
    const preflight = (origin: string) =>
      fetch(`${ts.url}/v1/widget/${widget.key}/visitors`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    const ok = await preflight(SITE);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(SITE);
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    const refused = await preflight('https://evil.example');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const unknown = await fetch(`${ts.url}/v1/widget/wk_unknown/visitors`, {
      method: 'OPTIONS',
      headers: { origin: SITE, 'access-control-request-method': 'POST' },
    });
    expect(unknown.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('visitors', () => {
  let widget: Widget;
  beforeAll(async () => {
    widget = await createWidget();
  });

  it('registers a visitor with a server-generated token and a working access token', async () => {
    const session = await register(widget, { displayName: 'Ann', email: 'ann@example.com' });
    expect(session.visitorId).toMatch(/^vis_/);
    expect(session.customerId).toBeNull();
    const random = session.visitorToken!.replace(/^vt_/, '');
    expect(random).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    const user = await ts.api<{ displayName: string; role: string }>('GET', `/v1/users/${session.visitorId}`);
    expect(user.body).toMatchObject({ displayName: 'Ann', role: 'member' });
    const threads = await ts.api('GET', '/v1/threads', { auth: session.accessToken });
    expect(threads.status).toBe(200);
    const socket = await TestSocket.connect(ts.wsUrl, session.accessToken);
    socket.close();
    expect((await register(widget)).visitorId).not.toBe(session.visitorId);
    const anonymous = await register(widget);
    expect(
      (await ts.api<{ displayName: string }>('GET', `/v1/users/${anonymous.visitorId}`)).body.displayName,
    ).toBe('Visitor');
  });

  it('never accepts a client-chosen token or id', async () => {
    const res = await fromSite('POST', `/v1/widget/${widget.key}/visitors`, {
      body: { visitorToken: 'vt_mine', id: 'vis_mine' },
    });
    expectError(res, 400, 'invalid_request');
  });

  it('resumes the same visitor with a fresh access token', async () => {
    const session = await register(widget);
    clock.advance(2000);
    const res = await fromSite<VisitorSession>('POST', `/v1/widget/${widget.key}/visitors/resume`, {
      body: { visitorToken: session.visitorToken },
    });
    expect(res.status).toBe(200);
    expect(res.body.visitorId).toBe(session.visitorId);
    expect(res.body.visitorToken).toBeUndefined();
    expect(res.body.accessToken).not.toBe(session.accessToken);
    expect((await ts.api('GET', '/v1/threads', { auth: res.body.accessToken })).status).toBe(200);
    expectError(
      await fromSite('POST', `/v1/widget/${widget.key}/visitors/resume`, {
        body: { visitorToken: 'vt_unknown' },
      }),
      401,
      'invalid_visitor_token',
    );
    expectError(
      await fromSite('POST', `/v1/widget/${widget.key}/visitors/resume`, {
        body: { visitorToken: session.visitorToken },
        origin: 'https://evil.example',
      }),
      403,
      'origin_not_allowed',
    );
  });

  it('refuses a visitor token on another organization’s widget, in this tenant or another', async () => {
    const session = await register(widget);
    const other = await createWidget();
    expectError(
      await fromSite('POST', `/v1/widget/${other.key}/visitors/resume`, {
        body: { visitorToken: session.visitorToken },
      }),
      401,
      'invalid_visitor_token',
    );
    const created = await ts.api<CreatedTenant>('POST', '/v1/tenants', { body: { name: uid('tenant-b') } });
    const b = makeApi(ts.url, created.body.apiKey.secret);
    const bWidget = await createWidget(b);
    expectError(
      await fromSite('POST', `/v1/widget/${bWidget.key}/visitors/resume`, {
        body: { visitorToken: session.visitorToken },
      }),
      401,
      'invalid_visitor_token',
    );
    // Tenant B's key cannot touch tenant A's identity secret.
    expectError(
      await b('PUT', `/v1/organizations/${widget.org.id}/identity-secret`, { body: { secret: SECRET } }),
      404,
      'organization_not_found',
    );
    expectError(
      await b('DELETE', `/v1/organizations/${widget.org.id}/identity-secret`),
      404,
      'organization_not_found',
    );
  });
});

describe('identification', () => {
  let widget: Widget;
  beforeAll(async () => {
    widget = await createWidget();
    await setSecret(widget.org.id);
  });
  const identify = (body: unknown, w: Widget = widget) =>
    fromSite<IdentifiedVisitor>('POST', `/v1/widget/${w.key}/visitors/identify`, { body });

  it('links a visitor to the customer on a good signature, once', async () => {
    const session = await register(widget);
    const body = { visitorToken: session.visitorToken, ...proof('customer-42') };
    const res = await identify(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ visitorId: session.visitorId, customerId: 'customer-42' });
    expectError(await identify(body), 401, 'identity_signature_replayed');
    // Case changes do not dodge the replay check.
    expectError(
      await identify({ ...body, signature: body.signature.toUpperCase() }),
      401,
      'identity_signature_replayed',
    );
    const resumed = await fromSite<VisitorSession>('POST', `/v1/widget/${widget.key}/visitors/resume`, {
      body: { visitorToken: session.visitorToken },
    });
    expect(resumed.body.customerId).toBe('customer-42');
  });

  it('recognises the same customer on two devices, and refuses relinking to another', async () => {
    const laptop = await register(widget);
    const phone = await register(widget);
    expect((await identify({ visitorToken: laptop.visitorToken, ...proof('cust-7') })).status).toBe(200);
    expect((await identify({ visitorToken: phone.visitorToken, ...proof('cust-7') })).body).toEqual({
      visitorId: phone.visitorId,
      customerId: 'cust-7',
    });
    const other = proof('cust-8');
    expectError(
      await identify({ visitorToken: phone.visitorToken, ...other }),
      409,
      'visitor_identity_conflict',
    );
    // The refused proof is not spent: the widget uses it on a new visitor for that customer.
    const fresh = await register(widget);
    expect((await identify({ visitorToken: fresh.visitorToken, ...other })).body).toEqual({
      visitorId: fresh.visitorId,
      customerId: 'cust-8',
    });
  });

  it('refuses stale, future and bad signatures', async () => {
    const session = await register(widget);
    const visitorToken = session.visitorToken;
    expectError(
      await identify({ visitorToken, ...proof('c1', clock.peek() - 10 * 60_000) }),
      401,
      'identity_signature_stale',
    );
    expectError(
      await identify({ visitorToken, ...proof('c1', clock.peek() + 10 * 60_000) }),
      401,
      'identity_signature_stale',
    );
    const good = proof('c1');
    const flipped = (good.signature[0] === 'a' ? 'b' : 'a') + good.signature.slice(1);
    expectError(
      await identify({ visitorToken, ...good, signature: flipped }),
      401,
      'identity_signature_invalid',
    );
    expectError(
      await identify({
        visitorToken,
        ...proof('c1', clock.peek(), 'another-secret-that-is-long-enough-too!'),
      }),
      401,
      'identity_signature_invalid',
    );
    expectError(await identify({ visitorToken, ...good, userId: 'c2' }), 401, 'identity_signature_invalid');
    expectError(await identify({ visitorToken: 'vt_unknown', ...proof('c1') }), 401, 'invalid_visitor_token');
    expectError(await identify({ visitorToken, ...good, signature: 'zz' }), 400, 'invalid_request');
  });

  it('needs an identity secret, which is write-only and can be deleted', async () => {
    const w = await createWidget();
    const session = await register(w);
    expectError(
      await identify({ visitorToken: session.visitorToken, ...proof('c1') }, w),
      409,
      'identity_not_configured',
    );
    expectError(
      await ts.api('PUT', `/v1/organizations/${w.org.id}/identity-secret`, { body: { secret: 'short' } }),
      400,
      'invalid_request',
    );
    await setSecret(w.org.id);
    expect((await ts.api('GET', `/v1/organizations/${w.org.id}/identity-secret`)).status).toBe(404);
    const settingsRes = await ts.api('GET', `/v1/organizations/${w.org.id}/widget-settings`);
    expect(JSON.stringify(settingsRes.body)).not.toContain(SECRET);
    expect((await identify({ visitorToken: session.visitorToken, ...proof('c1') }, w)).status).toBe(200);
    expect((await ts.api('DELETE', `/v1/organizations/${w.org.id}/identity-secret`)).status).toBe(204);
    const other = await register(w);
    expectError(
      await identify({ visitorToken: other.visitorToken, ...proof('c1') }, w),
      409,
      'identity_not_configured',
    );
  });

  it('lets only admins set the secret', async () => {
    const member = await createUserWithToken(ts.api, uid('member'));
    expectError(
      await ts.api('PUT', `/v1/organizations/${widget.org.id}/identity-secret`, {
        body: { secret: SECRET },
        auth: member.token,
      }),
      403,
      'forbidden',
    );
  });
});

describe('visitor rate limit', () => {
  let limited: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    limited = await startTestServer((c) => void (c.limits.visitorRequestsPerMinute = 3), {
      clock: testClock(Date.parse('2026-11-23T10:00:00.000Z')),
    });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it('answers 429 with Retry-After past the per-IP limit', async () => {
    const widget = await createWidget(limited.api);
    const call = () => fromSite('GET', `/v1/widget/${widget.key}/config`, { api: limited.api });
    for (let i = 0; i < 3; i++) expect((await call()).status).toBe(200);
    const res = await call();
    expectError(res, 429, 'rate_limited');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Registration shares the bucket.
    expectError(
      await fromSite('POST', `/v1/widget/${widget.key}/visitors`, { body: {}, api: limited.api }),
      429,
      'rate_limited',
    );
  });
});
