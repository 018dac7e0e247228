import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Conversation, Note, Report } from '@parley/protocol';
import { startSmtp, type TestSmtp } from '../../server/test/support/smtp.js';
import {
  browserAvailable,
  bubbles,
  patientPolls,
  seriousViolations,
  shot,
  startBrowserFixture,
  storedSession,
  type BrowserFixture,
} from './support/dashboard.js';

const ADMIN = { name: 'Inès', email: 'ines@maison.example', password: 'correct horse battery' };
const AGENT = { name: 'Bruno', email: 'bruno@maison.example', password: 'staple battery horse' };
const NOTE = 'VIP customer: refund the shipping if it is late again';

/**
 * Issue 6 §7, the whole story in one run, in real Chromium against a real
 * server with the demo shop on and a real SMTP server in-process:
 *
 * the first admin takes over the demo shop at setup, then adds a department,
 * a canned response, edits the widget and invites an agent by email; the
 * agent accepts, signs out and in again; a visitor on `/demo` (another
 * browser context, the real widget) starts a chat; the agent is alerted,
 * answers with a canned response, writes a private note (never on the
 * visitor's wire), transfers to the admin, who resolves; the visitor rates;
 * the reports count it with its response times, and search finds the message.
 *
 * Desktop notifications and the beep: headless Chromium shows and plays
 * nothing anyone can check, so the agent's page records every
 * `Notification` it constructs and every oscillator it starts (the real ones
 * still run), and reports its tab as hidden, as a background tab is.
 */
describe.skipIf(!browserAvailable)('the whole story: setup to reports, in Chromium', () => {
  patientPolls(20_000);
  // Each step crosses two or three browser contexts, the server and sometimes SMTP.
  vi.setConfig({ testTimeout: 120_000 });
  let fx: BrowserFixture;
  let smtp: TestSmtp;
  let admin: Page;
  let agent: Page;
  let agentContext: BrowserContext;
  let visitor: Page;
  let orgId: string;
  let adminId: string;
  let conversationId: string;
  const visitorFrames: string[] = [];

  beforeAll(async () => {
    smtp = await startSmtp();
    fx = await startBrowserFixture((c) => {
      c.demo = true;
      c.smtpUrl = smtp.url;
      c.mailFrom = 'Parley <noreply@parley.test>';
    });
    admin = (await fx.newPage({ viewport: { width: 1280, height: 800 } })).page;
  });
  afterAll(async () => {
    await fx?.close();
    await smtp?.close();
  });

  const api = <T>(method: string, path: string, body?: unknown) =>
    fx.server.api<T>(method, `/v1/organizations/${orgId}${path}`, body === undefined ? {} : { body });

  it('the first admin takes over the demo shop at setup', async () => {
    await admin.goto(`${fx.server.url}/app`);
    const demo = admin.locator('input[name=organization]').first();
    await demo.waitFor();
    // The demo shop is offered, and chosen by default: no organization name to type.
    expect(await demo.isChecked()).toBe(true);
    expect(await admin.locator('.choice').first().textContent()).toContain('Demo shop');
    expect(await admin.locator('#organizationName').count()).toBe(0);
    await admin.locator('#displayName').fill(ADMIN.name);
    await admin.locator('#email').fill(ADMIN.email);
    await admin.locator('#password').fill(ADMIN.password);
    expect(await seriousViolations(admin)).toEqual([]);
    await shot(admin, 'story-1-setup');
    await admin.locator('button[type=submit]').click();
    await admin.locator('.list-pane').waitFor();
    orgId = fx.server.server.demo!.organizationId;
    const session = await storedSession(admin);
    expect(session.account.organizationId).toBe(orgId);
    adminId = session.account.userId;
    // The demo agent handed over: offline, so the shop's chats come to people.
    const camille = await api<{ status: string }>('GET', `/agents/${fx.server.server.demo!.agentId}`);
    expect(camille.body.status).toBe('offline');
  });

  it('sets up a department, a canned response and the widget, and invites an agent', async () => {
    await admin.locator('.app-nav a', { hasText: 'Administration' }).click();
    await admin.locator('.admin-nav a[data-section=departments]').click();
    await admin.locator('#dep-name').fill('Deliveries');
    await admin.locator('form button[type=submit]', { hasText: 'Create' }).click();
    await admin.locator('section.department h2', { hasText: 'Deliveries' }).waitFor();

    await admin.locator('.admin-nav a[data-section=canned]').click();
    await admin.locator('#canned-shortcut').fill('late');
    await admin.locator('#canned-content').fill('Sorry for the delay! Let me look at your parcel.');
    await admin.locator('form button[type=submit]', { hasText: 'Create' }).click();
    await admin.locator('.canned-item[data-shortcut=late]').waitFor();

    await admin.locator('.admin-nav a[data-section=widget]').click();
    await admin.locator('#w-title').fill('Maison support');
    await admin.locator('#w-welcome').fill('Bonjour! Ask us about your order.');
    await expect
      .poll(() => admin.locator('[data-testid=widget-preview] .wp-title').textContent())
      .toBe('Maison support');
    await admin.locator('.widget-form button[type=submit]').click();
    await expect.poll(() => admin.locator('.widget-form .alert').textContent()).toBe('Saved.');
    await shot(admin, 'story-2-widget');

    await admin.locator('.admin-nav a[data-section=agents]').click();
    await admin.locator('#invite-email').fill(AGENT.email);
    await admin.locator('#invite-name').fill(AGENT.name);
    await admin.locator('button', { hasText: 'Send the invitation' }).click();
    await expect
      .poll(() => admin.locator('.alert.ok').textContent())
      .toBe(`Invitation sent to ${AGENT.email}.`);
    const row = admin.locator('.agents-table tr', { hasText: AGENT.name });
    await row.waitFor();
    await shot(admin, 'story-3-agents');

    // The admin steps away, so the next chat goes to the new agent.
    await admin.locator('[data-testid=agent-status]').selectOption('away');
    await expect
      .poll(async () => (await api<{ status: string }>('GET', `/agents/${adminId}`)).body.status)
      .toBe('away');
  });

  it('the agent accepts the invitation from the mail, signs out, and signs in with the password', async () => {
    await expect.poll(() => smtp.delivered.some((d) => d.rcptTo.includes(AGENT.email))).toBe(true);
    const mail = smtp.delivered.find((d) => d.rcptTo.includes(AGENT.email))!;
    const token = /#\/invite\?token=([\w-]+)/.exec(mail.mail.text ?? '')?.[1];
    expect(token).toBeTruthy();

    ({ context: agentContext, page: agent } = await fx.newPage({ viewport: { width: 1280, height: 800 } }));
    await agentContext.grantPermissions(['notifications'], { origin: fx.server.url });
    await agent.addInitScript(() => {
      const w = window as unknown as { __notifications: { title: string; body?: string }[]; __beeps: number };
      w.__notifications = [];
      // The beep is a WebAudio oscillator: count its starts (the real one still plays).
      w.__beeps = 0;
      const start = OscillatorNode.prototype.start;
      OscillatorNode.prototype.start = function (this: OscillatorNode, when?: number) {
        w.__beeps += 1;
        start.call(this, when);
      };
      const Real = window.Notification;
      class Recorded extends Real {
        constructor(title: string, options?: NotificationOptions) {
          w.__notifications.push({ title, ...(options?.body !== undefined && { body: options.body }) });
          super(title, options);
        }
      }
      window.Notification = Recorded;
      // A background tab: alerts are for the agent who is looking elsewhere.
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    });
    await agent.goto(`${fx.server.url}/app#/invite?token=${token}`);
    await agent.locator('#password').fill(AGENT.password);
    await agent.locator('button[type=submit]').click();
    await agent.locator('.list-pane').waitFor();
    await agent.locator('button', { hasText: 'Sign out' }).click();
    await agent.locator('#email').waitFor();
    await agent.locator('#email').fill(AGENT.email);
    await agent.locator('#password').fill(AGENT.password);
    await agent.locator('button[type=submit]').click();
    await agent.locator('.list-pane').waitFor();
    // An invited agent starts offline: they go online when they are ready to take chats.
    const status = agent.locator('[data-testid=agent-status]');
    expect(await status.inputValue()).toBe('offline');
    await status.selectOption('online');
    const agentId = await storedSession(agent);
    await expect
      .poll(
        async () => (await api<{ status: string }>('GET', `/agents/${agentId.account.userId}`)).body.status,
      )
      .toBe('online');
  });

  it('a visitor on the demo page chats through the real widget; the agent is alerted', async () => {
    visitor = (await fx.newPage({ viewport: { width: 1000, height: 760 } })).page;
    visitor.on('websocket', (ws) => ws.on('framereceived', (f) => visitorFrames.push(String(f.payload))));
    await visitor.goto(`${fx.server.url}/demo`);
    await visitor.locator('parley-widget button.l').click();
    // The admin's widget settings are what the visitor sees.
    await expect.poll(() => visitor.locator('parley-widget #pw-title').textContent()).toBe('Maison support');
    await visitor.locator('parley-widget #pw-f-name').fill('Vera');
    await visitor.locator('parley-widget button.primary').click();
    const input = visitor.locator('parley-widget #pw-input');
    await input.waitFor();
    await input.fill('Hello, my parcel is late again');
    await input.press('Enter');

    // Routed to the only agent online: it is in their own view.
    await agent.locator('.tab', { hasText: 'Mine' }).click();
    const row = agent.locator('.row', { hasText: 'Vera' });
    await row.waitFor();
    await expect
      .poll(() => agent.evaluate(() => (window as unknown as { __notifications: unknown[] }).__notifications))
      .toEqual([{ title: 'New conversation', body: 'Vera' }]);
    await expect.poll(() => agent.title()).toMatch(/^\(1\) Parley$/);
    expect(await agent.evaluate(() => (window as unknown as { __beeps: number }).__beeps)).toBe(1);
    await shot(agent, 'story-4-agent-alerted');
    await row.click();
    conversationId = decodeURIComponent(agent.url().split('#/inbox/')[1]!);
    const conversation = await api<Conversation>('GET', `/conversations/${conversationId}`);
    expect(conversation.body).toMatchObject({ status: 'open', answers: { name: 'Vera' } });
    await expect.poll(() => bubbles(agent)).toContain('Hello, my parcel is late again');
  });

  it('the agent answers with a canned response and writes a private note', async () => {
    const composer = agent.locator('#composer-input');
    await composer.fill('/la');
    await agent.locator('#canned-list [role=option]', { hasText: '/late' }).waitFor();
    await composer.press('Enter');
    expect(await composer.inputValue()).toBe('Sorry for the delay! Let me look at your parcel.');
    await composer.press('Enter');
    await expect
      .poll(() => visitor.locator('parley-widget .m:not(.me) .bubble').last().textContent())
      .toBe('Sorry for the delay! Let me look at your parcel.');

    await agent.locator('.composer-modes button[data-mode=note]').click();
    await composer.fill(NOTE);
    await composer.press('Enter');
    await expect.poll(() => agent.locator('.msg.note .bubble').allTextContents()).toEqual([NOTE]);
    const notes = await api<Note[]>('GET', `/conversations/${conversationId}/notes`);
    expect(notes.body.map((n) => n.content)).toEqual([NOTE]);
    await agent.locator('.composer-modes button[data-mode=reply]').click();
    await shot(agent, 'story-5-conversation');
  });

  it('the agent transfers to the admin, who answers and resolves it', async () => {
    await admin.locator('[data-testid=agent-status]').selectOption('online');
    await admin.locator('.app-nav a', { hasText: 'Inbox' }).click();
    await agent.locator('.actions button', { hasText: 'Transfer' }).click();
    // The admin's return online reached the agent's inbox live (an agent event).
    await agent.locator('.popover.transfer button', { hasText: ADMIN.name }).waitFor();
    await agent.locator('.popover.transfer button', { hasText: ADMIN.name }).click();
    await expect
      .poll(async () => (await api<Conversation>('GET', `/conversations/${conversationId}`)).body.agentId)
      .toBe(adminId);
    // The department made in the administration is a filter now.
    await expect
      .poll(() => admin.locator('#department-filter option', { hasText: 'Deliveries' }).count())
      .toBe(1);
    await admin.locator('.tab', { hasText: 'Mine' }).click();
    const adminRow = admin.locator('.row', { hasText: 'Vera' });
    await adminRow.waitFor();
    await adminRow.click();
    await expect.poll(() => bubbles(admin)).toContain('Sorry for the delay! Let me look at your parcel.');
    // The note came along for the admin, and never went to the visitor.
    await expect.poll(() => admin.locator('.msg.note .bubble').allTextContents()).toEqual([NOTE]);
    await admin.locator('#composer-input').fill('Your parcel leaves today; shipping is refunded.');
    await admin.locator('#composer-input').press('Enter');
    await expect
      .poll(() => visitor.locator('parley-widget .m:not(.me) .bubble').last().textContent())
      .toBe('Your parcel leaves today; shipping is refunded.');
    await admin.locator('.actions button', { hasText: 'Resolve' }).click();
    await expect.poll(() => admin.locator('.conv-title .pill').textContent()).toBe('Resolved');
    const resolved = await api<Conversation>('GET', `/conversations/${conversationId}`);
    expect(resolved.body.status).toBe('resolved');
    expect(visitorFrames.length).toBeGreaterThan(0);
    expect(visitorFrames.filter((f) => f.includes('VIP customer'))).toEqual([]);
    expect(await seriousViolations(admin)).toEqual([]);
    await shot(admin, 'story-6-resolved');
  });

  it('the visitor rates the conversation', async () => {
    const stars = visitor.locator('parley-widget .rating .star');
    await stars.nth(4).click();
    await visitor.locator('parley-widget #pw-comment').fill('Quick and kind');
    await visitor.locator('parley-widget .rating button.primary').click();
    await visitor.locator('parley-widget .sys[role=status]').waitFor();
    await expect
      .poll(async () => (await api<Conversation>('GET', `/conversations/${conversationId}`)).body.rating)
      .toMatchObject({ score: 5, comment: 'Quick and kind' });
    await shot(visitor, 'story-7-visitor-rated');
  });

  it('the reports count it with its response times, and search finds the message', async () => {
    await admin.locator('.app-nav a', { hasText: 'Reports' }).click();
    await expect
      .poll(() => admin.locator('[data-testid=total-conversations] .tile-value').textContent())
      .toBe('1');
    expect(await admin.locator('[data-testid=total-resolved] .tile-value').textContent()).toBe('1');
    expect(await admin.locator('[data-testid=first-response] .tile-value').textContent()).toMatch(
      /\d+ s|min/,
    );
    expect(await admin.locator('[data-testid=resolution] .tile-value').textContent()).toMatch(/\d+ s|min/);
    expect(await admin.locator('[data-testid=satisfaction] .tile-value').textContent()).toBe('5.0 / 5');
    await admin.locator('[data-testid=per-day-chart] canvas').waitFor();
    const period = new URLSearchParams({
      from: new Date(Date.now() - 86_400_000).toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
    });
    const report = await api<Report>('GET', `/reports?${period.toString()}`);
    expect(report.status).toBe(200);
    expect(report.body.totals).toMatchObject({
      conversations: 1,
      resolved: 1,
      firstResponse: { count: 1 },
      resolution: { count: 1 },
      satisfaction: { count: 1, average: 5 },
    });
    expect(await seriousViolations(admin)).toEqual([]);
    await shot(admin, 'story-8-reports');

    await admin.locator('.app-nav a', { hasText: 'Inbox' }).click();
    await admin.locator('#inbox-search').pressSequentially('parcel', { delay: 30 });
    const match = admin.locator('.search-results .row.match', { hasText: 'late again' });
    await match.waitFor();
    expect(await match.locator('mark').allTextContents()).toEqual(['parcel']);
    await shot(admin, 'story-9-search');
  });
});
