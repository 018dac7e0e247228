import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from '../support/axe.js';
import { browserAvailable } from '../../../sdk/test/browser/support/browser.js';
import { createUserWithToken } from '../../../server/test/support/server.js';
import { patientPolls, shot, startBrowserFixture, type BrowserFixture } from '../support/browser-fixture.js';
import { hostPage } from '../support/host-pages.js';
import { createOrganization, type TestOrganization } from '../support/organization.js';

/** Issue 5 §6 in Chromium: token mode, languages, the emoji picker, axe on the later states. */
describe.skipIf(!browserAvailable)('embedding the widget: token, language, emoji, axe, in Chromium', () => {
  patientPolls();
  let fx: BrowserFixture;
  let widgetSrc: string;
  let org: TestOrganization;

  beforeAll(async () => {
    fx = await startBrowserFixture((c) => {
      c.limits.visitorRequestsPerMinute = 1_000_000;
    });
    widgetSrc = `${fx.server.url}/widget.js`;
    org = await createOrganization(fx.server.api, {
      allowedOrigins: [fx.pages.origin],
      welcomeMessages: ['Hello! How can we help?'],
      preChatForm: [{ key: 'name', label: 'Name', type: 'name', required: true }],
    });
  });
  afterAll(() => fx?.close());

  const input = (page: Page) => page.locator('parley-widget #pw-input');
  const focused = (page: Page) =>
    page.evaluate(() => {
      const el = document.querySelector('parley-widget')?.shadowRoot?.activeElement;
      return el ? `${el.tagName.toLowerCase()}:${el.getAttribute('aria-label') ?? el.id}` : null;
    });

  it.each(['token', 'data-token'])(
    'token mode (%s attribute): chats in the thread as the token user',
    async (attribute) => {
      const suffix = `${process.pid}_${attribute}`;
      const user = await createUserWithToken(fx.server.api, `buyer_${suffix}`, { displayName: 'Bruno' });
      const seller = await createUserWithToken(fx.server.api, `seller_${suffix}`, { displayName: 'Sara' });
      const thread = await fx.server.api<{ id: string }>('POST', '/v1/threads', {
        body: { topic: 'Order 77', participants: [{ userId: user.id }, { userId: seller.id }] },
      });
      expect(thread.status).toBe(201);
      const messagesOf = async () =>
        (
          await fx.server.api<{ items: Array<{ senderId: string; content: string }> }>(
            'GET',
            `/v1/threads/${thread.body.id}/messages`,
          )
        ).body.items;

      const { page } = await fx.newPage();
      await page.goto(
        fx.pages.set(
          `token-${attribute}`,
          hostPage(widgetSrc, { [attribute]: user.token, 'data-thread': thread.body.id }),
        ),
      );
      await page.locator('parley-widget button.l').click();
      await input(page).fill('Is order 77 shipped?');
      await input(page).press('Enter');
      await expect
        .poll(async () => (await messagesOf()).filter((m) => m.content === 'Is order 77 shipped?'))
        .toEqual([expect.objectContaining({ senderId: user.id })]);
      await expect.poll(() => page.locator('parley-widget .m.me .st').last().textContent()).toBe('Sent');

      // The other participant answers through the REST API: the widget shows it live, under their name.
      const reply = await fx.server.api('POST', `/v1/threads/${thread.body.id}/messages`, {
        auth: seller.token,
        body: { content: 'Yes, this morning.' },
      });
      expect(reply.status).toBe(201);
      await expect
        .poll(() => page.locator('parley-widget .m:not(.me) .bubble').last().textContent())
        .toBe('Yes, this morning.');
      expect(await page.locator('parley-widget .m:not(.me) .who').last().textContent()).toBe('Sara');
      // No visitor here: no pre-chat form, no transcript button.
      expect(
        await page.locator('parley-widget #pw-f-name, parley-widget [aria-label*="transcript"]').count(),
      ).toBe(0);
      await shot(page, `token-mode-${attribute}`);
    },
  );

  it('speaks French with data-lang="fr", and with Accept-Language: fr when the setting is auto', async () => {
    const { page } = await fx.newPage();
    await page.goto(
      fx.pages.set('lang-fr', hostPage(widgetSrc, { 'data-key': org.widgetKey, 'data-lang': 'fr' })),
    );
    await page.locator('parley-widget button.l').click();
    const start = page.locator('parley-widget button.primary');
    await expect.poll(() => start.textContent()).toBe('Démarrer la discussion');
    await page.locator('parley-widget #pw-f-name').fill('Amélie');
    await start.click();
    await expect.poll(() => input(page).getAttribute('placeholder')).toBe('Écrivez un message…');
    await shot(page, 'lang-fr');

    // An English browser (navigator.language) whose requests ask for French: the server decides.
    const context = await fx.browser.newContext({
      locale: 'en-US',
      extraHTTPHeaders: { 'Accept-Language': 'fr' },
    });
    try {
      const other = await context.newPage();
      await other.goto(fx.pages.set('lang-auto', hostPage(widgetSrc, { 'data-key': org.widgetKey })));
      expect(await other.evaluate(() => navigator.language)).toBe('en-US');
      await other.locator('parley-widget button.l').click();
      await expect
        .poll(() => other.locator('parley-widget button.primary').textContent())
        .toBe('Démarrer la discussion');
      await shot(other, 'lang-accept-language-fr');
    } finally {
      await context.close();
    }
  });

  it('the emoji picker: opened by keyboard, inserts at the caret, Escape closes it', async () => {
    const plain = await createOrganization(fx.server.api, { allowedOrigins: [fx.pages.origin] });
    const { page } = await fx.newPage();
    await page.goto(fx.pages.set('emoji', hostPage(widgetSrc, { 'data-key': plain.widgetKey })));
    await page.locator('parley-widget button.l').click();
    await expect.poll(() => focused(page)).toBe('textarea:pw-input');
    await page.keyboard.type('Hello world');
    for (let i = 0; i < ' world'.length; i++) await page.keyboard.press('ArrowLeft');

    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('button:Insert an emoji');
    await page.keyboard.press('Enter');
    const picker = page.locator('parley-widget .emojis');
    await picker.waitFor();
    expect(await page.locator('parley-widget button.pick').getAttribute('aria-expanded')).toBe('true');
    // The focus is in the picker: the arrow-free way, Tab, reaches the next emoji.
    await expect.poll(() => focused(page)).toBe('button:😀');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('button:😂');
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'emoji-picker');
    await page.keyboard.press('Enter');

    await expect.poll(() => picker.count()).toBe(0);
    expect(await focused(page)).toBe('textarea:pw-input');
    await page.keyboard.type('!');
    expect(await input(page).inputValue()).toBe('Hello😂! world');
    await shot(page, 'emoji-inserted');

    // Escape closes the picker (not the panel) and gives the focus back to its button.
    await page.locator('parley-widget button.pick').click();
    await picker.waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => picker.count()).toBe(0);
    expect(await page.locator('parley-widget [role="dialog"]').isVisible()).toBe(true);
    expect(await focused(page)).toBe('button:Insert an emoji');
    expect(await input(page).inputValue()).toBe('Hello😂! world');
  });

  it('has no serious or critical axe violations: offline form, queue banner, rating prompt', async () => {
    const away = await createOrganization(fx.server.api, {
      allowedOrigins: [fx.pages.origin],
      offlineForm: { enabled: true, email: 'support@shop.example' },
    });
    await away.setAgentStatus('offline');
    const { page: offline } = await fx.newPage();
    await offline.goto(fx.pages.set('axe-offline', hostPage(widgetSrc, { 'data-key': away.widgetKey })));
    await offline.locator('parley-widget button.l').click();
    await offline.locator('parley-widget #pw-f-message').waitFor();
    await offline.locator('parley-widget button.primary').click(); // with its field errors too
    await expect.poll(() => offline.locator('parley-widget .err').count()).toBe(3);
    expect(await seriousViolations(offline)).toEqual([]);
    await shot(offline, 'axe-offline-form-errors');

    const queued = await createOrganization(fx.server.api, { allowedOrigins: [fx.pages.origin] });
    const agentPath = `/v1/organizations/${queued.id}/agents/${queued.agent.id}`;
    expect((await fx.server.api('PATCH', agentPath, { body: { maxChats: 0 } })).status).toBe(200);
    const { page } = await fx.newPage();
    await page.goto(fx.pages.set('axe-queue', hostPage(widgetSrc, { 'data-key': queued.widgetKey })));
    await page.locator('parley-widget button.l').click();
    await input(page).fill('Anyone there?');
    await input(page).press('Enter');
    const banner = page.locator('parley-widget .bar[role="status"]');
    await expect.poll(() => banner.textContent()).toBe('You are number 1 in the queue.');
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'axe-queue-banner');

    expect((await fx.server.api('PATCH', agentPath, { body: { maxChats: 5 } })).status).toBe(200);
    await expect.poll(() => banner.count()).toBe(0);
    const conversationId = await page.evaluate(
      (name) => localStorage.getItem(name),
      `parley:conv:${fx.server.url}:${queued.widgetKey}`,
    );
    const resolved = await fx.server.api(
      'POST',
      `/v1/organizations/${queued.id}/conversations/${conversationId}/resolve`,
    );
    expect(resolved.status).toBe(200);
    await expect.poll(() => page.locator('parley-widget .star').count()).toBe(5);
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'axe-rating-prompt');
  });
});
