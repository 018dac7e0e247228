// The audit log: administrative changes through the API, who made them, and who may read them.
import { describe, expect, it } from 'vitest';
import type { AuditEntry, Organization } from '@parley/protocol';
import { expectError, uid, useTestServer, type Page } from './support/fixtures.js';
import { auditedAction } from '../src/http/audit-hook.js';
import {
  createAgent,
  createWidget,
  manyVisitorRequests,
  visitorWithConversation,
} from './support/livechat.js';

const ts = useTestServer(manyVisitorRequests);

const log = (query = '', auth?: string) =>
  ts.api<Page<AuditEntry>>('GET', `/v1/audit-log${query}`, { ...(auth !== undefined && { auth }) });

describe('audit log', () => {
  it('records administrative changes with their author, not reads, failures or conversation work', async () => {
    const org = (await ts.api<Organization>('POST', '/v1/organizations', { body: { name: uid('org') } }))
      .body;
    await ts.api('PATCH', `/v1/organizations/${org.id}`, { body: { name: 'Renamed' } });
    await ts.api('GET', `/v1/organizations/${org.id}`);
    expectError(
      await ts.api('POST', `/v1/organizations/${org.id}/departments`, { body: {} }),
      400,
      'invalid_request',
    );
    const widget = await createWidget(ts.api);
    const agent = await createAgent(ts.api, widget);
    const { conversation } = await visitorWithConversation(ts.api, widget);
    await ts.api('POST', `/v1/organizations/${widget.org.id}/conversations/${conversation.id}/resolve`, {
      auth: agent.token,
    });

    const mine = (await log(`?organizationId=${org.id}`)).body.items;
    expect(mine.map((e) => e.action)).toEqual([
      'PATCH /v1/organizations/{organizationId}',
      // The creation has no organization id in its route: it is in the tenant-wide log.
    ]);
    expect(mine[0]).toMatchObject({ actorKind: 'api_key', path: `/v1/organizations/${org.id}`, status: 200 });
    const all = (await log('?limit=200')).body.items.map((e) => e.action);
    expect(all).toContain('POST /v1/organizations');
    expect(all).toContain('PUT /v1/organizations/{organizationId}/widget-settings');
    expect(all).toContain('POST /v1/organizations/{organizationId}/agents');
    expect(all.some((a) => a.includes('/conversations'))).toBe(false);
    expect(all.some((a) => a.startsWith('GET'))).toBe(false);
    expect(all.some((a) => a === 'POST /v1/organizations/{organizationId}/departments')).toBe(false);
  });

  it('pages newest first', async () => {
    for (let i = 0; i < 3; i++) await ts.api('POST', '/v1/organizations', { body: { name: uid('paged') } });
    const first = await log('?limit=2');
    expect(first.body.items).toHaveLength(2);
    const next = await log(`?limit=2&cursor=${first.body.nextCursor}`);
    const ats = [...first.body.items, ...next.body.items].map((e) => e.at);
    expect([...ats].sort().reverse()).toEqual(ats);
    expect(new Set([...first.body.items, ...next.body.items].map((e) => e.id)).size).toBe(4);
  });

  it('is read by tenant admins, and by an organization’s admin for that organization only', async () => {
    const widget = await createWidget(ts.api);
    const orgAdmin = await createAgent(ts.api, widget, { role: 'admin' });
    const agent = await createAgent(ts.api, widget);
    expect((await log(`?organizationId=${widget.org.id}`, orgAdmin.token)).status).toBe(200);
    expectError(await log('', orgAdmin.token), 403, 'forbidden');
    expectError(await log(`?organizationId=${widget.org.id}`, agent.token), 403, 'forbidden');
  });
});

describe('which routes are audited', () => {
  it('takes administration, leaves conversation work and token issuing', () => {
    expect(auditedAction('PUT', '/v1/organizations/:organizationId/widget-settings')).toBe(
      'PUT /v1/organizations/{organizationId}/widget-settings',
    );
    expect(auditedAction('DELETE', '/v1/api-keys/:keyId')).toBe('DELETE /v1/api-keys/{keyId}');
    expect(auditedAction('POST', '/v1/users')).toBe('POST /v1/users');
    expect(auditedAction('GET', '/v1/organizations')).toBeNull();
    expect(
      auditedAction('POST', '/v1/organizations/:organizationId/conversations/:conversationId/take'),
    ).toBeNull();
    expect(auditedAction('POST', '/v1/users/:userId/tokens')).toBeNull();
    expect(auditedAction('POST', '/v1/threads')).toBeNull();
  });
});
