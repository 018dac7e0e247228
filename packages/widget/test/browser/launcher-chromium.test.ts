import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from '../support/axe.js';
import { browserAvailable } from '../../../sdk/test/browser/support/browser.js';
import { shot, startBrowserFixture, type BrowserFixture } from '../support/browser-fixture.js';
import { hostPage } from '../support/host-pages.js';
import { createOrganization, type TestOrganization } from '../support/organization.js';

/** A page that resets everything it can: none of it may reach inside the widget. */
const HOSTILE_CSS = `* { color: red !important; font-family: "Comic Sans MS", cursive !important; background: yellow !important; }
button { border: 5px dashed lime !important; padding: 40px !important; }
parley-widget { display: none !important; }`;

describe.skipIf(!browserAvailable)('the widget loader in Chromium', () => {
  let fx: BrowserFixture;
  let org: TestOrganization;
  let widgetSrc: string;

  beforeAll(async () => {
    fx = await startBrowserFixture();
    widgetSrc = `${fx.server.url}/widget.js`;
    org = await createOrganization(fx.server.api, {
      allowedOrigins: [fx.pages.origin],
      title: 'Maison Support',
      subtitle: 'We answer within minutes',
      color: '#7a1fa2',
      launcherText: 'Questions?',
      welcomeMessages: ['Hello! How can we help?'],
      preChatForm: [
        { key: 'name', label: 'Your name', type: 'name', required: true },
        { key: 'email', label: 'Your email', type: 'email', required: false },
      ],
      fallbackContact: 'Call us on +33 1 23 45 67 89',
    });
  });
  afterAll(() => fx.close());

  it('draws the launcher from the configuration, isolated from the host page CSS', async () => {
    const { page } = await fx.newPage();
    await page.goto(
      fx.pages.set('hostile', hostPage(widgetSrc, { 'data-key': org.widgetKey }, { css: HOSTILE_CSS })),
    );
    const launcher = page.locator('parley-widget button.l');
    await expect.poll(() => launcher.textContent()).toBe('Questions?');
    expect(await launcher.isVisible()).toBe(true);
    const style = await launcher.evaluate((el) => {
      const s = getComputedStyle(el);
      return { color: s.color, background: s.backgroundColor, font: s.fontFamily, border: s.borderTopStyle };
    });
    // The brand colour with white text (contrast), the widget's own font, no dashed border.
    expect(style.background).toBe('rgb(122, 31, 162)');
    expect(style.color).toBe('rgb(255, 255, 255)');
    expect(style.font).not.toContain('Comic Sans');
    expect(style.border).not.toBe('dashed');
    expect(await launcher.getAttribute('aria-expanded')).toBe('false');
    await shot(page, 'launcher-hostile-page');

    await launcher.click();
    const panel = page.locator('parley-widget [role="dialog"]');
    await expect.poll(() => panel.isVisible()).toBe(true);
    expect(await page.locator('parley-widget #pw-title').textContent()).toBe('Maison Support');
    const titleColor = await page
      .locator('parley-widget header')
      .evaluate((el) => getComputedStyle(el).color);
    expect(titleColor).toBe('rgb(255, 255, 255)');
    const bubbleColor = await page
      .locator('parley-widget .bubble')
      .first()
      .evaluate((el) => getComputedStyle(el).color);
    expect(bubbleColor).not.toBe('rgb(255, 0, 0)');
    await shot(page, 'prechat-form-hostile-page');
  });

  it("says the default launcher text in the visitor's language, a site's own text as written", async () => {
    // The default text ('Chat'): French when the settings say so, or when they say `auto` and the browser is French.
    const french = await createOrganization(fx.server.api, {
      allowedOrigins: [fx.pages.origin],
      language: 'fr',
    });
    const auto = await createOrganization(fx.server.api, { allowedOrigins: [fx.pages.origin] });
    const frFR = await fx.browser.newContext({ locale: 'fr-FR' });
    try {
      const cases: [Page, string, string][] = [
        [(await fx.newPage()).page, french.widgetKey, 'Discuter'],
        [(await fx.newPage()).page, auto.widgetKey, 'Chat'],
        [await frFR.newPage(), auto.widgetKey, 'Discuter'],
        [await frFR.newPage(), org.widgetKey, 'Questions?'],
      ];
      for (const [page, key, text] of cases) {
        await page.goto(fx.pages.set(`lang-${key}`, hostPage(widgetSrc, { 'data-key': key })));
        const launcher = page.locator('parley-widget button.l');
        await expect.poll(() => launcher.textContent()).toBe(text);
        expect(await launcher.getAttribute('aria-label')).toBe(text);
      }
      // The panel's default title too.
      const [frenchPage] = cases[0]!;
      await frenchPage.locator('parley-widget button.l').click();
      await expect.poll(() => frenchPage.locator('parley-widget #pw-title').textContent()).toBe('Discutons');
    } finally {
      await frFR.close();
    }
  });

  it('opens on keyboard, focuses the first field, validates the pre-chat form, closes on Escape', async () => {
    const { page } = await fx.newPage();
    await page.goto(fx.pages.set('keyboard', hostPage(widgetSrc, { 'data-key': org.widgetKey })));
    const launcher = page.locator('parley-widget button.l');
    await launcher.waitFor();
    await launcher.focus();
    await page.keyboard.press('Enter');
    const nameField = page.locator('parley-widget #pw-f-name');
    await expect
      .poll(() => nameField.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement))
      .toBe(true);
    expect(await page.locator('parley-widget .bubble').first().textContent()).toBe('Hello! How can we help?');
    await page.locator('parley-widget button.primary').click();
    await expect
      .poll(() => page.locator('parley-widget .err').first().textContent())
      .toBe('This field is required.');
    expect(await nameField.getAttribute('aria-invalid')).toBe('true');
    await shot(page, 'prechat-required-error');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('parley-widget [role="dialog"]').isVisible()).toBe(false);
    expect(await launcher.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
  });

  it('has no serious or critical axe violations, launcher and open panel', async () => {
    const { page } = await fx.newPage();
    await page.goto(fx.pages.set('axe', hostPage(widgetSrc, { 'data-key': org.widgetKey })));
    await page.locator('parley-widget button.l').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.locator('parley-widget button.l').click();
    await page.locator('parley-widget #pw-f-name').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('renders a hostile welcome message as text, and links only http(s) URLs', async () => {
    const hostile = await createOrganization(fx.server.api, {
      allowedOrigins: [fx.pages.origin],
      welcomeMessages: [
        '<img src=x onerror="window.__pwned=1"><b>bold</b>',
        'Docs: https://example.com/help. Not a link: javascript:window.__pwned=2',
      ],
    });
    const { page } = await fx.newPage();
    await page.goto(fx.pages.set('hostile-text', hostPage(widgetSrc, { 'data-key': hostile.widgetKey })));
    await page.locator('parley-widget button.l').click();
    const bubbles = page.locator('parley-widget .bubble');
    await expect.poll(() => bubbles.count()).toBe(2);
    expect(await bubbles.nth(0).textContent()).toBe('<img src=x onerror="window.__pwned=1"><b>bold</b>');
    expect(await page.locator('parley-widget img, parley-widget b').count()).toBe(0);
    const links = await page.locator('parley-widget .bubble a').evaluateAll((as) =>
      as.map((a) => ({
        href: a.getAttribute('href'),
        rel: a.getAttribute('rel'),
        target: a.getAttribute('target'),
      })),
    );
    expect(links).toEqual([
      { href: 'https://example.com/help', rel: 'noopener noreferrer nofollow', target: '_blank' },
    ]);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await shot(page, 'hostile-welcome-as-text');
  });

  it('shows the offline form when nobody is online, and the away note when the form is off', async () => {
    const away = await createOrganization(fx.server.api, {
      allowedOrigins: [fx.pages.origin],
      offlineForm: { enabled: true, email: 'support@shop.example' },
      fallbackContact: 'Write to support@shop.example',
    });
    await away.setAgentStatus('offline');
    const { page } = await fx.newPage();
    await page.goto(fx.pages.set('offline', hostPage(widgetSrc, { 'data-key': away.widgetKey })));
    await page.locator('parley-widget button.l').click();
    await page.locator('parley-widget #pw-f-message').waitFor();
    expect(await page.locator('parley-widget .intro').textContent()).toContain('We are away right now.');
    await shot(page, 'offline-form');

    await away.configure({ offlineForm: { enabled: false, email: null } });
    const second = await fx.newPage();
    await second.page.goto(fx.pages.set('away', hostPage(widgetSrc, { 'data-key': away.widgetKey })));
    await second.page.locator('parley-widget button.l').click();
    await expect
      .poll(() => second.page.locator('parley-widget .fallback').textContent())
      .toBe('Write to support@shop.example');
    expect(await second.page.locator('parley-widget #pw-f-message').count()).toBe(0);
    await shot(second.page, 'away-note');
  });

  it('shows the fallback contact when the server is unreachable', async () => {
    const { context, page } = await fx.newPage();
    const url = fx.pages.set('unreachable', hostPage(widgetSrc, { 'data-key': org.widgetKey }));
    await page.goto(url);
    await page.locator('parley-widget button.l').waitFor(); // the configuration is remembered
    // The API stops answering (connection refused), as when the Parley server is down.
    await context.route(`${fx.server.url}/v1/**`, (route) => route.abort('connectionrefused'));
    await page.reload();
    const launcher = page.locator('parley-widget button.l');
    await launcher.click();
    const note = page.locator('parley-widget [role="dialog"]');
    await expect.poll(() => note.textContent()).toContain('The chat is unavailable right now.');
    expect(await page.locator('parley-widget .fallback').textContent()).toBe('Call us on +33 1 23 45 67 89');
    await shot(page, 'server-unreachable');
  });

  it('goes full screen on a phone', async () => {
    const { page } = await fx.newPage({ viewport: { width: 375, height: 667 } });
    await page.goto(fx.pages.set('phone', hostPage(widgetSrc, { 'data-key': org.widgetKey })));
    await page.locator('parley-widget button.l').click();
    const panel = page.locator('parley-widget [role="dialog"]');
    await panel.waitFor();
    expect(await panel.boundingBox()).toEqual({ x: 0, y: 0, width: 375, height: 667 });
    await shot(page, 'phone-full-screen');
  });

  it('follows the JS API: init, on, open, close, destroy, repeatedly, leaving nothing behind', async () => {
    const { page } = await fx.newPage();
    await page.goto(fx.pages.set('spa', hostPage('', {})));
    // A string, not a function: the test runner would rewrite a function's dynamic import.
    const result = (await page.evaluate(spaRounds(widgetSrc, org.widgetKey))) as {
      log: string[];
      rounds: number[];
      sameObject: boolean;
      left: number;
    };
    expect(result.sameObject).toBe(true);
    expect(result.rounds).toEqual([1, 1, 1, 1, 1]);
    expect(result.left).toBe(0);
    expect(result.log).toEqual([0, 1, 2, 3, 4].flatMap((r) => [`open${r}`, `close${r}`]));
  });
});

/** What an SPA does: import the module, then init/on/open/close/destroy, five times over. */
function spaRounds(src: string, key: string): string {
  return `(async () => {
    const module = await import(${JSON.stringify(src)});
    const log = [];
    const rounds = [];
    for (let round = 0; round < 5; round++) {
      module.init({ key: ${JSON.stringify(key)} });
      const off = module.on('open', () => log.push('open' + round));
      module.on('close', () => log.push('close' + round));
      await new Promise((resolve) => module.on('ready', resolve));
      await module.open();
      module.close();
      off();
      await module.open(); // not logged any more: unsubscribed
      rounds.push(document.querySelectorAll('parley-widget').length);
      module.destroy();
      module.close(); // nothing left to emit to
    }
    return {
      log,
      rounds,
      sameObject: window.Parley.open === module.open,
      left: document.querySelectorAll('parley-widget').length,
    };
  })()`;
}
