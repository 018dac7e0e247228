import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation, Note } from '@parley/protocol';
import { createUserWithToken } from '../../server/test/support/server.js';
import { hostPage } from '../../widget/test/support/host-pages.js';
import { createOrganization, type TestOrganization } from '../../widget/test/support/organization.js';
import {
  allowWidget,
  browserAvailable,
  bubbles,
  patientPolls,
  seriousViolations,
  shot,
  startBrowserFixture,
  type BrowserFixture,
} from './support/dashboard.js';

const XSS = '<img src=x onerror="window.__xss=1">';

/** Every text of a page, shadow roots included (the widget lives in one). */
function deepText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const walk = (node: Node): string => {
      let text = '';
      if (node.nodeType === Node.TEXT_NODE) text += node.textContent ?? '';
      const shadow = (node as Element).shadowRoot;
      if (shadow) text += walk(shadow);
      for (const child of Array.from(node.childNodes)) text += walk(child);
      return text;
    };
    return walk(document.body);
  });
}

/**
 * The inbox's second slice in Chromium: canned responses after `/`, private
 * notes (seen by a second agent, never by the visitor), labels and the list's
 * filters, the visitor panel, and search with highlighted matches.
 */
describe.skipIf(!browserAvailable)('inbox tools, in Chromium', () => {
  patientPolls(15_000);
  let fx: BrowserFixture;
  let org: TestOrganization;
  let widgetKey: string;
  let alice: Page;
  let bob: Page;
  let bobId: string;
  let vera: Page;
  let veraConversation: string;
  const api = <T>(method: string, path: string, body?: unknown) =>
    fx.server.api<T>(method, `/v1/organizations/${org.id}${path}`, body === undefined ? {} : { body });

  /** An agent's dashboard, signed in with an operator token (seed 002) as in inbox-chromium. */
  async function dashboardFor(userId: string, displayName: string, token: string): Promise<Page> {
    const agent = (await api('GET', `/agents/${userId}`)).body;
    const session = {
      accessToken: token,
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      account: {
        userId,
        email: `${displayName.toLowerCase()}@example.com`,
        displayName,
        role: 'member',
        organizationId: org.id,
        agent,
      },
    };
    const page = (await fx.newPage({ viewport: { width: 1280, height: 800 } })).page;
    await page.addInitScript((value) => {
      if (!localStorage.getItem('parley.dashboard.session'))
        localStorage.setItem('parley.dashboard.session', value);
    }, JSON.stringify(session));
    await page.goto(`${fx.server.url}/app#/inbox`);
    await page.locator('.list-pane').waitFor();
    return page;
  }

  /** A visitor starts a chat through the real widget, answering the whole pre-chat form. */
  async function visitor(name: string, email: string, order: string, message: string): Promise<Page> {
    const { page } = await fx.newPage({ viewport: { width: 1000, height: 760 } });
    const url = fx.pages.set(
      `shop-${Math.random().toString(36).slice(2)}`,
      hostPage(`${fx.server.url}/widget.js`, { 'data-key': widgetKey }),
    );
    await page.goto(url);
    await page.locator('parley-widget button.l').click();
    await page.locator('parley-widget #pw-f-name').fill(name);
    await page.locator('parley-widget #pw-f-email').fill(email);
    await page.locator('parley-widget #pw-f-order').fill(order);
    await page.locator('parley-widget button.primary').click();
    const input = page.locator('parley-widget #pw-input');
    await input.waitFor();
    await input.fill(message);
    await input.press('Enter');
    return page;
  }

  beforeAll(async () => {
    fx = await startBrowserFixture();
    org = await createOrganization(fx.server.api, {});
    widgetKey = await allowWidget(fx.server.api, org.id, fx.pages.origin, {
      preChatForm: [
        { key: 'name', label: 'Your name', type: 'name', required: true },
        { key: 'email', label: 'Email', type: 'email', required: false },
        { key: 'order', label: 'Order number', type: 'text', required: false },
      ],
    });
    // Nobody takes anything automatically: conversations wait in Unassigned.
    expect((await api('PATCH', `/agents/${org.agent.id}`, { maxChats: 0 })).status).toBe(200);
    const bobUser = await createUserWithToken(fx.server.api, `bob_${process.pid}_${Date.now()}`, {
      displayName: 'Bob',
    });
    bobId = bobUser.id;
    expect((await api('POST', '/agents', { userId: bobId, status: 'online', maxChats: 0 })).status).toBe(201);
    for (const [shortcut, content] of [
      ['hello', 'Hello! How can I help you today?'],
      ['refund', 'Refunds take five working days.'],
      ['hours', 'We answer from 9:00 to 18:00.'],
    ]) {
      expect((await api('POST', '/canned-responses', { shortcut, content })).status).toBe(201);
    }
    expect((await api('POST', '/departments', { name: 'Sales' })).status).toBe(201);
    const bobToken = (await api<{ token: string }>('POST', `/operators/${bobId}/tokens`, {})).body.token;
    alice = await dashboardFor(org.agent.id, 'Alice', await org.operatorToken());
    bob = await dashboardFor(bobId, 'Bob', bobToken);
  });
  afterAll(() => fx?.close());

  it('completes a canned response after /, with the keyboard and the mouse', async () => {
    const page = alice;
    vera = await visitor('Vera', 'vera@example.com', 'A-1234', 'Hello, where is my parcel?');
    await page.locator('.row', { hasText: 'Vera' }).click();
    veraConversation = decodeURIComponent(page.url().split('#/inbox/')[1]!);
    await page.locator('.actions button', { hasText: 'Take' }).click();
    const composer = page.locator('#composer-input');
    await expect.poll(() => composer.getAttribute('readonly')).toBe(null);

    await composer.fill('/');
    const options = page.locator('#canned-list [role=option]');
    await expect.poll(() => options.allTextContents()).toHaveLength(3);
    await composer.pressSequentially('h');
    // Shortcuts starting with the text first, then those containing it.
    await expect
      .poll(() => page.locator('#canned-list .shortcut').allTextContents())
      .toEqual(['/hello', '/hours', '/refund'].filter((x) => x.includes('h')));
    await composer.pressSequentially('o');
    await expect.poll(() => page.locator('#canned-list .shortcut').allTextContents()).toEqual(['/hours']);
    await composer.press('Backspace');
    await composer.press('ArrowDown');
    const second = await options.nth(1).getAttribute('id');
    expect(await composer.getAttribute('aria-activedescendant')).toBe(second);
    expect(await options.nth(1).getAttribute('aria-selected')).toBe('true');
    await shot(page, 'canned-responses');
    // Escape closes the list and keeps the draft.
    await composer.press('Escape');
    expect(await page.locator('#canned-list').count()).toBe(0);
    expect(await composer.inputValue()).toBe('/h');
    expect(await composer.getAttribute('aria-activedescendant')).toBe(null);
    // Typing on reopens it; Enter inserts the highlighted one.
    await composer.pressSequentially('e');
    await expect.poll(() => page.locator('#canned-list .shortcut').allTextContents()).toEqual(['/hello']);
    await composer.press('Enter');
    expect(await composer.inputValue()).toBe('Hello! How can I help you today?');
    await composer.press('Enter');
    await expect
      .poll(() => vera.locator('parley-widget .m:not(.me) .bubble').last().textContent())
      .toBe('Hello! How can I help you today?');
    // A click inserts too.
    await composer.fill('/ref');
    await page.locator('#canned-list [role=option]', { hasText: '/refund' }).click();
    expect(await composer.inputValue()).toBe('Refunds take five working days.');
    await composer.fill('');
  }, 90_000);

  it('keeps a private note among agents: another agent sees it live, the visitor never', async () => {
    const page = alice;
    // Bob watches the same conversation (not his) before the note is written.
    await bob.goto(`${fx.server.url}/app#/inbox/${encodeURIComponent(veraConversation)}`);
    await expect.poll(() => bubbles(bob)).toContain('Hello, where is my parcel?');

    await page.locator('.composer-modes button[data-mode=note]').click();
    expect(await page.locator('button[data-mode=note]').getAttribute('aria-pressed')).toBe('true');
    const note = `Angry about parcel — internal only ${XSS}`;
    await page.locator('#composer-input').fill(note);
    await page.locator('#composer-input').press('Enter');
    await expect.poll(() => page.locator('.msg.note .bubble').allTextContents()).toEqual([note]);
    // Live on the other agent's dashboard, as text.
    await expect.poll(() => bob.locator('.msg.note .bubble').allTextContents()).toEqual([note]);
    expect(await bob.locator('.msg.note .sender').textContent()).toContain('Alice');
    // And on the API, stored apart from the thread.
    const notes = await api<Note[]>('GET', `/conversations/${veraConversation}/notes`);
    expect(notes.body.map((n) => n.content)).toEqual([note]);

    // Back to replies: a reply after the note reaches the visitor…
    await page.locator('.composer-modes button[data-mode=reply]').click();
    await page.locator('#composer-input').fill('Let me check your parcel.');
    await page.locator('#composer-input').press('Enter');
    await expect
      .poll(() => vera.locator('parley-widget .m:not(.me) .bubble').last().textContent())
      .toBe('Let me check your parcel.');
    // …the note never does, not even after a reload of the widget's page.
    expect(await deepText(vera)).not.toContain('internal only');
    await vera.reload();
    await vera.locator('parley-widget button.l').click();
    await expect
      .poll(() => vera.locator('parley-widget .m:not(.me) .bubble').allTextContents())
      .toContain('Let me check your parcel.');
    expect(await deepText(vera)).not.toContain('internal only');
    // The note sits between the messages, by time.
    const order = await page
      .locator('.messages .msg')
      .evaluateAll((els) => els.map((e) => (e.classList.contains('note') ? 'note' : 'msg')));
    expect(order.slice(-2)).toEqual(['note', 'msg']);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await shot(page, 'private-note');
  }, 90_000);

  it('sets labels in the header, and filters the list by label, department and agent', async () => {
    const page = alice;
    const input = page.locator('#label-input');
    await input.fill('vip');
    await input.press('Enter');
    await expect.poll(() => page.locator('.conv-header .label-text').allTextContents()).toEqual(['vip']);
    await input.fill('billing');
    await page.locator('.label-add button').click();
    await expect
      .poll(() => page.locator('.conv-header .label-text').allTextContents())
      .toEqual(['billing', 'vip']);
    await page.locator('.label-remove[aria-label="Remove the label billing"]').click();
    await expect.poll(() => page.locator('.conv-header .label-text').allTextContents()).toEqual(['vip']);
    expect((await api<Conversation>('GET', `/conversations/${veraConversation}`)).body.labels).toEqual([
      'vip',
    ]);
    // The server refuses markup in a label: the error is shown, nothing is rendered.
    await input.fill(XSS);
    await input.press('Enter');
    await page.locator('.labels .alert.error').waitFor();
    expect(await page.locator('.conv-header img').count()).toBe(0);
    await input.fill('');

    // Another visitor, unlabelled and waiting.
    await visitor('Walt', 'walt@example.com', '', 'Do you ship abroad?');
    await page.locator('.tab', { hasText: 'All' }).click();
    await page.locator('.row', { hasText: 'Walt' }).waitFor();
    const names = () => page.locator('.conversations .row .name').allTextContents();
    await page.locator('#label-filter').fill('vip');
    await page.locator('#label-filter').press('Enter');
    await expect.poll(names).toEqual(['Vera']);
    expect(await page.locator('.row', { hasText: 'Vera' }).locator('.row-labels').textContent()).toBe('vip');
    await shot(page, 'label-filter');
    await page.locator('#label-filter').fill('');
    await page.locator('#label-filter').press('Enter');
    await expect.poll(names).toEqual(expect.arrayContaining(['Vera', 'Walt']));

    // Agent: Alice has Vera's; Walt waits for anyone.
    await page.locator('#agent-filter').selectOption({ label: 'Alice' });
    await expect.poll(names).toEqual(['Vera']);
    await page.locator('#agent-filter').selectOption('');
    // Department: nobody chose Sales.
    await page.locator('#department-filter').selectOption({ label: 'Sales' });
    await expect.poll(() => page.locator('.empty-title').textContent()).toBe('No conversations here.');
    await page.locator('#department-filter').selectOption('');
    await expect.poll(names).toEqual(expect.arrayContaining(['Vera', 'Walt']));
  }, 90_000);

  it('shows the visitor panel: answers, current page, previous conversations', async () => {
    const page = alice;
    // Vera's first conversation ends; she comes back from the cart page (the widget's own REST routes).
    expect((await api('POST', `/conversations/${veraConversation}/resolve`, {})).status).toBe(200);
    const tokenKey = `parley:vt:${new URL(fx.server.url).origin}:${widgetKey}`;
    const visitorToken = await vera.evaluate((key) => localStorage.getItem(key), tokenKey);
    expect(visitorToken).toMatch(/^vt_/);
    const widgetCall = async <T>(path: string, body: unknown, token?: string) => {
      const response = await fetch(`${fx.server.url}/v1/widget/${widgetKey}${path}`, {
        method: 'POST',
        headers: {
          origin: fx.pages.origin,
          'content-type': 'application/json',
          ...(token && { authorization: `Bearer ${token}` }),
        },
        body: JSON.stringify(body),
      });
      expect(response.status).toBeLessThan(300);
      return (await response.json()) as T;
    };
    const resumed = await widgetCall<{ accessToken: string }>('/visitors/resume', { visitorToken });
    const second = await widgetCall<Conversation>(
      '/conversations',
      {
        answers: { name: 'Vera', email: 'vera@example.com', order: 'B-77 <b>rush</b>' },
        page: { url: 'https://shop.example/cart?step=2', title: 'Your cart' },
      },
      resumed.accessToken,
    );
    expect(second.id).not.toBe(veraConversation);

    await page.goto(`${fx.server.url}/app#/inbox/${encodeURIComponent(second.id)}`);
    const panel = page.locator('#visitor-panel');
    await panel.waitFor();
    expect(await page.locator('.panel-toggle').getAttribute('aria-expanded')).toBe('true');
    await expect.poll(() => panel.locator('[data-answer=email]').textContent()).toBe('vera@example.com');
    expect(await panel.locator('[data-answer=order]').textContent()).toBe('B-77 <b>rush</b>');
    expect(await panel.locator('b').count()).toBe(0);
    const link = panel.locator('a.page-url');
    expect(await link.textContent()).toBe('https://shop.example/cart?step=2');
    expect(await link.getAttribute('href')).toBe('https://shop.example/cart?step=2');
    expect(await link.getAttribute('rel')).toContain('noopener');
    expect(await panel.locator('.page-title').textContent()).toBe('Your cart');
    const previous = panel.locator('.previous a');
    await expect.poll(() => previous.count()).toBe(1);
    expect(await previous.getAttribute('data-conversation')).toBe(veraConversation);
    expect(await previous.textContent()).toContain('Resolved');
    expect(await previous.textContent()).toContain('vip');
    await shot(page, 'visitor-panel');
    expect(await seriousViolations(page)).toEqual([]);

    await previous.click();
    await expect.poll(() => decodeURIComponent(page.url().split('#/inbox/')[1] ?? '')).toBe(veraConversation);
    await expect.poll(() => page.locator('.conv-title .pill').textContent()).toBe('Resolved');
    // The older conversation's notes came along.
    await expect.poll(() => page.locator('.msg.note').count()).toBe(1);

    // On a phone the panel is a toggle over the conversation.
    await page.setViewportSize({ width: 390, height: 844 });
    await panel.locator('.panel-close').click();
    expect(await panel.count()).toBe(0);
    await page.locator('.panel-toggle').click();
    await panel.waitFor();
    await shot(page, 'visitor-panel-phone');
    await panel.locator('.panel-close').click();
    expect(await panel.count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.locator('.panel-toggle').click();
  }, 90_000);

  it('searches messages with a 300 ms debounce, highlighting matches as text', async () => {
    const page = alice;
    await visitor('Xavier', 'x@example.com', '', `My parcel ${XSS} <script>window.__xss=2</script> is late`);
    await page.goto(`${fx.server.url}/app#/inbox`);
    await page.locator('.row', { hasText: 'Xavier' }).waitFor();
    const searches: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/search?')) searches.push(new URL(r.url()).searchParams.get('q') ?? '');
    });
    const box = page.locator('#inbox-search');
    await box.pressSequentially('parcel', { delay: 40 });
    const matches = page.locator('.search-results .row.match');
    await expect.poll(() => matches.count()).toBeGreaterThanOrEqual(2);
    // One request for the whole word typed quickly.
    expect(searches).toEqual(['parcel']);
    const xavier = matches.filter({ hasText: 'is late' });
    expect(await xavier.locator('mark').allTextContents()).toEqual(['parcel']);
    expect(await xavier.locator('.snippet').textContent()).toContain(XSS);
    expect(await page.locator('.search-results img, .search-results script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await shot(page, 'search');

    await xavier.click();
    await expect
      .poll(() => bubbles(page))
      .toContain(`My parcel ${XSS} <script>window.__xss=2</script> is late`);
    expect(await page.locator('.conv-title h2').textContent()).toBe('Xavier');

    // Visitors by name too; Escape clears and brings the list back.
    await box.fill('walt');
    await expect.poll(() => page.locator('.search-results .row .name').allTextContents()).toEqual(['Walt']);
    await box.press('Escape');
    await page.locator('.tabs').waitFor();
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  }, 90_000);
});
