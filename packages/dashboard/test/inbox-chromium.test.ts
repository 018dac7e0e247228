import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization, type TestOrganization } from '../../widget/test/support/organization.js';
import {
  allowWidget,
  browserAvailable,
  bubbles,
  patientPolls,
  seriousViolations,
  shot,
  startBrowserFixture,
  visitorStartsChat,
  type BrowserFixture,
} from './support/dashboard.js';

const XSS = '<img src=x onerror="window.__xss=1">';

/**
 * The inbox in Chromium with an agent session made from an operator token
 * (seed 002): a session is a token and its account, so this runs whatever the
 * sign-in routes do. A visitor chats through the real widget on a host site.
 */
describe.skipIf(!browserAvailable)('the inbox, live, in Chromium', () => {
  patientPolls(15_000);
  let fx: BrowserFixture;
  let org: TestOrganization;
  let widgetKey: string;
  let agentPage: Page;

  beforeAll(async () => {
    fx = await startBrowserFixture();
    org = await createOrganization(fx.server.api, {});
    widgetKey = await allowWidget(fx.server.api, org.id, fx.pages.origin);
    // Online but taking nothing automatically: new conversations wait in Unassigned.
    const patched = await fx.server.api('PATCH', `/v1/organizations/${org.id}/agents/${org.agent.id}`, {
      body: { maxChats: 0 },
    });
    expect(patched.status).toBe(200);
    const agent = (await fx.server.api('GET', `/v1/organizations/${org.id}/agents/${org.agent.id}`)).body;
    const session = {
      accessToken: await org.operatorToken(),
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      account: {
        userId: org.agent.id,
        email: 'alice@example.com',
        displayName: 'Alice',
        role: 'member',
        organizationId: org.id,
        agent,
      },
    };
    agentPage = (await fx.newPage({ viewport: { width: 1280, height: 800 } })).page;
    await agentPage.addInitScript((value) => {
      if (!localStorage.getItem('parley.dashboard.session'))
        localStorage.setItem('parley.dashboard.session', value);
    }, JSON.stringify(session));
    await agentPage.goto(`${fx.server.url}/app#/inbox`);
    await agentPage.locator('.list-pane').waitFor();
  });
  afterAll(() => fx?.close());

  it('shows a new conversation at once, then take, reply, typing, read state, draft, resolve', async () => {
    const page = agentPage;
    await expect.poll(() => page.locator('.empty-title').textContent()).toBe('No conversations here.');
    await shot(page, 'inbox-empty');

    const visitor = await visitorStartsChat(fx, widgetKey, 'Vera', 'Hello, where is my order?', {
      'data-location': 'Lyon, France',
    });
    // Live: no reload, no polling.
    const row = page.locator('.row', { hasText: 'Vera' });
    await row.waitFor();
    await expect.poll(() => page.title()).toBe('(1) Parley');
    await expect.poll(() => row.locator('.preview').textContent()).toBe('Hello, where is my order?');
    expect(await row.locator('.wait').textContent()).toMatch(/^waiting /);
    await shot(page, 'inbox-unassigned');

    await row.click();
    await expect.poll(() => bubbles(page)).toEqual(['Hello, where is my order?']);
    // The visitor panel shows the browser the server read from the widget's request, the
    // visitor's local time and the location the site gave the widget.
    const panel = page.locator('#visitor-panel');
    await expect
      .poll(() => panel.locator('[data-client=browser]').textContent())
      .toMatch(/^Chrom\w* \d+ on Linux$/);
    expect(await panel.locator('[data-client=time]').textContent()).toMatch(/^\d\d:\d\d .*\(.+\)$/);
    expect(await panel.locator('[data-client=location]').textContent()).toBe('Lyon, France');
    await page.locator('.actions button', { hasText: 'Take' }).click();
    const composer = page.locator('#composer-input');
    await expect.poll(() => composer.getAttribute('readonly')).toBe(null);
    // The visitor sees the agent join, and reads the reply.
    await composer.fill('Hi Vera, let me check.');
    await composer.press('Enter');
    await expect
      .poll(() => visitor.locator('parley-widget .m:not(.me) .bubble').last().textContent())
      .toBe('Hi Vera, let me check.');
    // The visitor's widget is open and visible: it marks the reply read.
    await expect.poll(() => page.locator('.msg.mine .state').last().getAttribute('data-state')).toBe('read');

    // A new visitor message arrives live.
    await visitor.locator('parley-widget #pw-input').fill('Order 1234');
    await visitor.locator('parley-widget #pw-input').press('Enter');
    await expect.poll(() => bubbles(page)).toContain('Order 1234');

    // The draft survives a reload.
    await composer.fill('One moment');
    await shot(page, 'conversation');
    await page.reload();
    await expect.poll(() => page.locator('#composer-input').inputValue()).toBe('One moment');
    await expect.poll(() => bubbles(page)).toContain('Order 1234');

    // Resolve with the keyboard (e), after leaving the composer.
    await page.locator('#composer-input').press('Escape');
    await page.keyboard.press('e');
    await expect.poll(() => page.locator('.conv-title .pill').textContent()).toBe('Resolved');
    await page.keyboard.press('?');
    await page.locator('.dialog', { hasText: 'Keyboard shortcuts' }).waitFor();
    await shot(page, 'shortcuts-help');
    await page.keyboard.press('Escape');
    expect(await page.locator('.dialog').count()).toBe(0);
  }, 120_000);

  it('shows typing both ways', async () => {
    const page = agentPage;
    await page.goto(`${fx.server.url}/app#/inbox`);
    const visitor = await visitorStartsChat(fx, widgetKey, 'Tina', 'Are you there?');
    await page.locator('.row', { hasText: 'Tina' }).click();
    await page.locator('.actions button', { hasText: 'Take' }).click();
    const composer = page.locator('#composer-input');
    await expect.poll(() => composer.getAttribute('readonly')).toBe(null);
    await composer.pressSequentially('Yes, one moment', { delay: 60 });
    await expect.poll(() => visitor.locator('parley-widget .typing').textContent()).toBe('Alice is typing…');
    await visitor.locator('parley-widget #pw-input').pressSequentially('Thanks', { delay: 60 });
    await expect.poll(() => page.locator('.typing').textContent()).toBe('Tina is typing…');
  }, 60_000);

  it('keeps markup in a visitor name and message inert text', async () => {
    const page = agentPage;
    await page.goto(`${fx.server.url}/app#/inbox`);
    await visitorStartsChat(fx, widgetKey, `Mallory ${XSS}`, `Look ${XSS} <script>window.__xss=2</script>`);
    const row = page.locator('.row', { hasText: 'Mallory' });
    await row.waitFor();
    expect(await row.locator('.name').textContent()).toBe(`Mallory ${XSS}`);
    await row.click();
    await expect.poll(() => bubbles(page)).toEqual([`Look ${XSS} <script>window.__xss=2</script>`]);
    expect(await page.locator('.messages img, .list-pane img, .conversation-pane script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('.conv-title h2').textContent()).toBe(`Mallory ${XSS}`);
  });

  it('has no serious axe violations in the inbox, and works on a phone (390×844)', async () => {
    const page = agentPage;
    expect(await seriousViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${fx.server.url}/app#/inbox`);
    await page.locator('.row').first().waitFor();
    await shot(page, 'inbox-phone');
    await page.locator('.row').first().click();
    await page.locator('.conv-header .back').waitFor();
    expect(await page.locator('.list-pane').isVisible()).toBe(false);
    await shot(page, 'conversation-phone');
    // Nothing overflows sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('switches to French, and sets the agent status from the header', async () => {
    const page = agentPage;
    await page.goto(`${fx.server.url}/app#/inbox`);
    await page.locator('select.language').selectOption('fr');
    await expect
      .poll(() => page.locator('.tab').allTextContents())
      .toEqual(['Les miennes', expect.stringMatching(/^Non assignées/), 'Toutes']);
    await page.locator('[data-testid=agent-status]').selectOption('away');
    await expect
      .poll(
        async () =>
          (
            await fx.server.api<{ status: string }>(
              'GET',
              `/v1/organizations/${org.id}/agents/${org.agent.id}`,
            )
          ).body.status,
      )
      .toBe('away');
    await page.locator('select.language').selectOption('en');
  });
});
