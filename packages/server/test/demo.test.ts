// `npm start`'s demo: the shop page with the widget, a demo organization allowing the server's own
// origins, and an online demo agent who receives the conversations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent, Conversation, Session, VisitorSession } from '@parley/protocol';
import { ensureDemo } from '../src/demo.js';
import { startTestServer, type TestServer } from './support/server.js';

let ts: TestServer;

beforeAll(async () => {
  ts = await startTestServer((c) => void (c.demo = true));
});
afterAll(async () => ts?.close());

describe('the demo', () => {
  it('serves /demo with the demo widget, whose conversations reach the demo agent', async () => {
    const demo = ts.server.demo!;
    expect(demo).toMatchObject({ agentId: 'demo-agent' });
    const page = await fetch(`${ts.url}/demo`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain(demo.widgetKey);

    // Browsers send no Origin on a same-origin GET, but always Sec-Fetch-Site: the demo page's config.
    const config = `/v1/widget/${demo.widgetKey}/config`;
    const sameOrigin = await ts.api('GET', config, {
      auth: null,
      headers: { 'sec-fetch-site': 'same-origin' },
    });
    expect(sameOrigin.status).toBe(200);
    const crossSite = await ts.api('GET', config, {
      auth: null,
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);

    // A visitor on the demo page (the server's own origin).
    const origin = ts.url;
    const call = <T>(method: string, path: string, body: unknown, token?: string) =>
      ts.api<T>(method, path, { auth: token ?? null, headers: { origin }, body });
    const visitor = (await call<VisitorSession>('POST', `/v1/widget/${demo.widgetKey}/visitors`, {})).body;
    const started = await call<Conversation>(
      'POST',
      `/v1/widget/${demo.widgetKey}/conversations`,
      { answers: { name: 'Zoé' } },
      visitor.accessToken,
    );
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ status: 'open', agentId: 'demo-agent', queuePosition: null });

    // The printed operator token works: the agent replies in the conversation.
    const reply = await ts.api('POST', `/v1/threads/${started.body.id}/messages`, {
      auth: demo.agentToken,
      body: { content: 'Hello Zoé, how can I help?' },
    });
    expect(reply.status).toBe(201);
  });

  it('is brought up to date on each start, never duplicated (the port may change)', async () => {
    const first = ts.server.demo!;
    const again = await ensureDemo(ts.server.core, ['http://localhost:9999']);
    expect(again).toMatchObject({ organizationId: first.organizationId, widgetKey: first.widgetKey });
    const list = await ts.api<{ items: { name: string }[] }>('GET', '/v1/organizations');
    expect(list.body.items.filter((o) => o.name === 'Demo shop')).toHaveLength(1);
    const settings = await ts.api<{ settings: { allowedOrigins: string[] } }>(
      'GET',
      `/v1/organizations/${first.organizationId}/widget-settings`,
    );
    expect(settings.body.settings.allowedOrigins).toEqual(
      expect.arrayContaining([ts.url.replace('127.0.0.1', 'localhost'), ts.url, 'http://localhost:9999']),
    );
  });

  it('hands its chats over to the first admin who takes the demo shop at setup', async () => {
    const demo = ts.server.demo!;
    const status = await ts.api<{ organizations: { id: string; name: string }[] }>('GET', '/v1/auth/setup', {
      auth: null,
    });
    expect(status.body.organizations).toContainEqual({ id: demo.organizationId, name: 'Demo shop' });
    const setup = await ts.api<Session>('POST', '/v1/auth/setup', {
      auth: null,
      body: {
        email: 'owner@example.com',
        password: 'correct horse battery',
        displayName: 'Owner',
        organizationId: demo.organizationId,
      },
    });
    expect(setup.status).toBe(201);
    const agentPath = `/v1/organizations/${demo.organizationId}/agents`;
    const camille = await ts.api<Agent>('GET', `${agentPath}/${demo.agentId}`);
    expect(camille.body.status).toBe('offline');
    // The next start leaves the demo agent offline: the shop is the admin's now.
    await ensureDemo(ts.server.core, [ts.url]);
    expect((await ts.api<Agent>('GET', `${agentPath}/${demo.agentId}`)).body.status).toBe('offline');

    // A new visitor's chat goes to the admin, online since setup.
    const origin = ts.url;
    const visitor = await ts.api<VisitorSession>('POST', `/v1/widget/${demo.widgetKey}/visitors`, {
      auth: null,
      headers: { origin },
      body: {},
    });
    const started = await ts.api<Conversation>('POST', `/v1/widget/${demo.widgetKey}/conversations`, {
      auth: visitor.body.accessToken,
      headers: { origin },
      body: { answers: { name: 'Yann' } },
    });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ status: 'open', agentId: setup.body.account.userId });
  });
});
