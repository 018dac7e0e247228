import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, CannedResponse, Conversation, WidgetSettings } from '@parley/protocol';
import { startSmtp, type TestSmtp } from '../../server/test/support/smtp.js';
import { fromSite, manyVisitorRequests, SITE, widgetSettings } from '../../server/test/support/livechat.js';
import {
  browserAvailable,
  patientPolls,
  seriousViolations,
  setUpFirstAdmin,
  shot,
  startBrowserFixture,
  type BrowserFixture,
} from './support/dashboard.js';

const ADMIN = { email: 'ines@example.com', password: 'correct horse battery', name: 'Inès' };
const XSS = '<img src=x onerror="window.__xss=1">';

/**
 * Issue 6 §4–5 in Chromium: the first admin sets up the organization, then
 * the administration (widget with its live preview and snippet, canned
 * responses, an invitation by email, an API key shown once, the audit log)
 * and the reports (totals, the lazily loaded chart, the CSV export).
 */
describe.skipIf(!browserAvailable)('administration and reports, in Chromium', () => {
  patientPolls(15_000);
  let fx: BrowserFixture;
  let smtp: TestSmtp;
  let page: Page;
  let orgId: string;
  let token: string;
  let userId: string;

  beforeAll(async () => {
    smtp = await startSmtp();
    fx = await startBrowserFixture((c) => {
      c.smtpUrl = smtp.url;
      c.mailFrom = 'Parley <noreply@parley.test>';
      c.publicUrl = 'http://parley.test';
      manyVisitorRequests(c);
    });
    page = (await fx.newPage({ viewport: { width: 1280, height: 800 } })).page;
    const session = await setUpFirstAdmin(page, fx.server.url, { ...ADMIN, organization: 'Maison Support' });
    orgId = session.account.organizationId;
    token = session.accessToken;
    userId = session.account.userId;
  });
  afterAll(async () => {
    await fx?.close();
    await smtp?.close();
  });

  const api = <T>(method: string, path: string, body?: unknown) =>
    fx.server.api<T>(method, path, { auth: token, ...(body !== undefined && { body }) });

  it('edits the widget with a live preview, saves it, and shows the snippet with the key', async () => {
    await page.locator('.app-nav a', { hasText: 'Administration' }).click();
    await page.locator('h1', { hasText: 'Organization' }).waitFor();
    expect(await page.locator('#org-name').inputValue()).toBe('Maison Support');
    await page.locator('.admin-nav a[data-section=widget]').click();
    await page.locator('#w-title').waitFor();
    expect(page.url()).toMatch(/#\/admin\/widget$/);

    await page.locator('#w-title').fill(`Maison ${XSS}`);
    await page.locator('#w-subtitle').fill('We answer within minutes');
    await page.locator('#w-color-text').fill('#aa3300');
    await page.locator('#w-welcome').fill('Bonjour!\nHow can we help?');
    // The preview follows the form before anything is saved.
    const preview = page.locator('[data-testid=widget-preview]');
    await expect.poll(() => preview.locator('.wp-title').textContent()).toBe(`Maison ${XSS}`);
    expect(await preview.locator('.wp-subtitle').textContent()).toBe('We answer within minutes');
    expect(await preview.locator('.wp-header').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
      'rgb(170, 51, 0)',
    );
    expect(await preview.locator('.wp-bubble').allTextContents()).toEqual(['Bonjour!', 'How can we help?']);
    expect(await preview.locator('img').count()).toBe(0);

    await page.locator('.widget-form button[type=submit]').click();
    await expect.poll(() => page.locator('.widget-form .alert').textContent()).toBe('Saved.');
    const saved = await api<{ widgetKey: string; settings: WidgetSettings }>(
      'GET',
      `/v1/organizations/${orgId}/widget-settings`,
    );
    expect(saved.body.settings).toMatchObject({
      title: `Maison ${XSS}`,
      color: '#aa3300',
      welcomeMessages: ['Bonjour!', 'How can we help?'],
    });
    const snippet = await page.locator('[data-testid=snippet]').textContent();
    expect(snippet).toBe(
      `<script type="module" src="${fx.server.url}/widget.js" data-key="${saved.body.widgetKey}"></script>`,
    );
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'admin-widget');

    // A server refusal names the field.
    await page.locator('#w-origins').fill('ftp://nope.example');
    await page.locator('.widget-form button[type=submit]').click();
    await expect
      .poll(() => page.locator('.widget-form .alert.error').textContent())
      .toMatch(/allowedOrigins/);
    await page.locator('#w-origins').fill('');
  });

  it('creates, edits and lists a canned response', async () => {
    await page.locator('.admin-nav a[data-section=canned]').click();
    await page.locator('#canned-shortcut').fill('hello');
    await page.locator('#canned-content').fill('Hello! How can I help you today?');
    await page.locator('form button[type=submit]', { hasText: 'Create' }).click();
    const item = page.locator('.canned-item[data-shortcut=hello]');
    await item.waitFor();
    expect(await item.locator('p').textContent()).toBe('Hello! How can I help you today?');
    const list = await api<CannedResponse[] | { items: CannedResponse[] }>(
      'GET',
      `/v1/organizations/${orgId}/canned-responses`,
    );
    expect(
      (Array.isArray(list.body) ? list.body : list.body.items).map((c) => [c.shortcut, c.content]),
    ).toEqual([['hello', 'Hello! How can I help you today?']]);
    await item.locator('button', { hasText: 'Edit' }).click();
    await page.locator('.canned-item textarea').fill('Hello! What can I do for you?');
    await page.locator('.canned-item button[type=submit]').click();
    await expect.poll(() => item.locator('p').textContent()).toBe('Hello! What can I do for you?');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('invites an agent by email, who then appears in the list', async () => {
    await page.locator('.admin-nav a[data-section=agents]').click();
    await page.locator('.agents-table').waitFor();
    await page.locator('#invite-email').fill('bob@example.com');
    await page.locator('#invite-name').fill('Bob');
    await page.locator('#invite-role').selectOption('supervisor');
    await page.locator('button', { hasText: 'Send the invitation' }).click();
    await expect
      .poll(() => page.locator('.alert.ok').textContent())
      .toBe('Invitation sent to bob@example.com.');
    const row = page.locator('.agents-table tr', { hasText: 'Bob' });
    await row.waitFor();
    expect(await row.locator('select').inputValue()).toBe('supervisor');
    // The account side: the email, and the invitation still pending.
    await expect.poll(() => row.locator('.agent-email').textContent()).toBe('bob@example.com');
    expect(await row.locator('[data-testid=invitation]').textContent()).toBe('Invitation pending');
    expect(await row.locator('[data-testid=access]').textContent()).toBe('Active');
    await expect.poll(() => smtp.delivered.some((d) => d.rcptTo.includes('bob@example.com'))).toBe(true);
    // Capacity changes through PATCH.
    await row.locator('input[type=number]').fill('3');
    await row.locator('input[type=number]').press('Tab');
    const bobId = await row.getAttribute('data-user');
    await expect
      .poll(
        async () =>
          (await api<{ maxChats: number }>('GET', `/v1/organizations/${orgId}/agents/${bobId}`)).body
            .maxChats,
      )
      .toBe(3);
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'admin-agents');
  });

  it('creates an API key and shows its secret once', async () => {
    await page.locator('.admin-nav a[data-section=api-keys]').click();
    await page.locator('#key-name').fill('CI deploys');
    await page.locator('form button[type=submit]', { hasText: 'Create' }).click();
    const secret = await page.locator('#key-secret').inputValue();
    expect(secret.length).toBeGreaterThan(16);
    expect(await page.locator('.dialog').textContent()).toContain('shown only this once');
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'admin-api-key-secret');
    // The secret works as an API key.
    const orgs = await fx.server.api('GET', '/v1/organizations', { auth: secret });
    expect(orgs.status).toBe(200);
    await page.locator('.dialog button', { hasText: 'I have copied it' }).click();
    await page.locator('tr', { hasText: 'CI deploys' }).waitFor();
    expect(await page.content()).not.toContain(secret);
  });

  it('lists those changes in the audit log', async () => {
    await page.locator('.admin-nav a[data-section=audit]').click();
    await page.locator('.audit-table').waitFor();
    const actions = await page.locator('.audit-table tbody tr td:nth-child(3)').allTextContents();
    expect(actions).toEqual(
      expect.arrayContaining([
        'PUT /v1/organizations/{organizationId}/widget-settings',
        'POST /v1/organizations/{organizationId}/canned-responses',
        'POST /v1/organizations/{organizationId}/invitations',
        'PATCH /v1/organizations/{organizationId}/agents/{userId}',
        'POST /v1/api-keys',
      ]),
    );
    expect(await page.locator('.audit-table tbody tr').first().locator('td').nth(1).textContent()).toBe(
      ADMIN.name,
    );
    const log = await api<{ items: AuditEntry[] }>('GET', `/v1/audit-log`);
    expect(log.body.items.length).toBe(await page.locator('.audit-table tbody tr').count());
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'admin-audit');
  });

  it('shows the real access of agents, after a reload too: accepted, disabled, enabled', async () => {
    const bobRow = () => page.locator('.agents-table tr', { hasText: 'Bob' });
    const reloadAgents = async () => {
      await page.reload();
      await bobRow().locator('[data-testid=access]').waitFor();
    };
    await page.goto(`${fx.server.url}/app#/admin/agents`);
    await reloadAgents();
    expect(await bobRow().locator('[data-testid=invitation]').textContent()).toBe('Invitation pending');

    // Bob accepts: the pill goes.
    const mail = smtp.delivered.find((d) => d.rcptTo.includes('bob@example.com'));
    const inviteToken = /it_[A-Za-z0-9_-]+/.exec(mail?.mail.text ?? '')?.[0];
    expect(inviteToken).toBeDefined();
    const accepted = await fx.server.api('POST', '/v1/auth/invitations/accept', {
      auth: null,
      body: { token: inviteToken, password: 'bob has a long password' },
    });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    await reloadAgents();
    expect(await bobRow().locator('[data-testid=invitation]').count()).toBe(0);
    expect(await bobRow().locator('.agent-email').textContent()).toBe('bob@example.com');

    // Disabled from the page: shown at once, and still after a reload (the server says so).
    page.once('dialog', (dialog) => void dialog.accept());
    await bobRow().locator('button', { hasText: 'Disable' }).click();
    await expect.poll(() => bobRow().locator('[data-testid=access]').textContent()).toBe('Disabled');
    await reloadAgents();
    expect(await bobRow().locator('[data-testid=access]').textContent()).toBe('Disabled');
    expect(await bobRow().locator('button', { hasText: 'Enable' }).count()).toBe(1);
    const listed = await api<{ items: { email: string; disabled: boolean }[] }>(
      'GET',
      `/v1/organizations/${orgId}/agent-accounts`,
    );
    expect(listed.body.items.find((a) => a.email === 'bob@example.com')?.disabled).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'admin-agents-disabled');

    // Enabled again, also after a reload.
    await bobRow().locator('button', { hasText: 'Enable' }).click();
    await expect.poll(() => bobRow().locator('[data-testid=access]').textContent()).toBe('Active');
    await reloadAgents();
    expect(await bobRow().locator('[data-testid=access]').textContent()).toBe('Active');
  });

  it('reports two conversations with a chart, and exports them as CSV', async () => {
    // Two visitors chat through the visitor API; the admin (online) gets them and answers one.
    const key = (await api<{ widgetKey: string }>('GET', `/v1/organizations/${orgId}/widget-settings`)).body
      .widgetKey;
    const put = await api('PUT', `/v1/organizations/${orgId}/widget-settings`, widgetSettings());
    expect(put.status).toBe(200);
    const conversations: Conversation[] = [];
    for (const name of ['Ann', 'Zoé']) {
      const visitor = await fromSite<{ accessToken: string }>(
        fx.server.api,
        'POST',
        `/v1/widget/${key}/visitors`,
        {
          body: {},
        },
      );
      expect(visitor.status).toBe(201);
      const started = await fromSite<Conversation>(fx.server.api, 'POST', `/v1/widget/${key}/conversations`, {
        token: visitor.body.accessToken,
        body: { answers: { name } },
      });
      expect(started.status, JSON.stringify(started.body)).toBe(201);
      conversations.push(started.body);
    }
    expect(conversations[0]!.agentId).toBe(userId);
    const reply = await api('POST', `/v1/threads/${conversations[0]!.id}/messages`, {
      content: 'Hello Ann!',
    });
    expect(reply.status).toBe(201);
    expect(SITE).toMatch(/^https:/);

    await page.locator('.app-nav a', { hasText: 'Reports' }).click();
    await page.locator('h1', { hasText: 'Reports' }).waitFor();
    await expect
      .poll(() => page.locator('[data-testid=total-conversations] .tile-value').textContent())
      .toBe('2');
    // The chart comes from its own chunk, loaded now.
    await page.locator('[data-testid=per-day-chart] canvas').waitFor();
    expect(await page.locator('[data-testid=first-response] .tile-value').textContent()).toMatch(/\d+ s|min/);
    expect(await page.locator('[data-testid=heatmap] td', { hasText: /^\d+$/ }).count()).toBeGreaterThan(0);
    expect(await page.locator('.figures tbody th', { hasText: ADMIN.name }).count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'reports');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('button', { hasText: 'Export CSV' }).click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trimEnd().split(/\r?\n/);
    expect(lines[0]).toBe(
      'id,created_at,status,source,department_id,agent_id,first_response_seconds,resolution_seconds,rating,rating_comment,labels',
    );
    expect(lines).toHaveLength(3);
    expect(download.suggestedFilename()).toMatch(/^parley-conversations-.*\.csv$/);

    // Filters: last 30 days, and one agent.
    await page.locator('#r-period').selectOption('30');
    await page.locator('#r-agent').selectOption(userId);
    await expect
      .poll(() => page.locator('[data-testid=total-conversations] .tile-value').textContent())
      .toBe('2');
  }, 60_000);

  it('is usable on a phone (390×844): admin and reports', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${fx.server.url}/app#/admin/widget`);
    await page.locator('#w-title').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, 'admin-widget-phone');
    await page.goto(`${fx.server.url}/app#/reports`);
    await page.locator('[data-testid=per-day-chart] canvas').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'reports-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('speaks French too', async () => {
    await page.goto(`${fx.server.url}/app#/admin/canned`);
    await page.locator('select.language').selectOption('fr');
    await page.locator('h1', { hasText: 'Réponses prédéfinies' }).waitFor();
    await page.goto(`${fx.server.url}/app#/reports`);
    await page.locator('h1', { hasText: 'Rapports' }).waitFor();
    await page.locator('select.language').selectOption('en');
  });
});
