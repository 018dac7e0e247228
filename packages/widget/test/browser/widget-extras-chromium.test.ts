import { WebSocket as NodeWebSocket } from 'ws';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient, type Message, type WebSocketConstructorLike } from '@parley/sdk';
import { browserAvailable } from '../../../sdk/test/browser/support/browser.js';
import { patientPolls, shot, startBrowserFixture, type BrowserFixture } from '../support/browser-fixture.js';
import { hostPage } from '../support/host-pages.js';
import { createOrganization, type TestOrganization } from '../support/organization.js';

/** Issue 5 §6 in Chromium: the unread badge and title flash, older-message paging, the queue position. */
describe.skipIf(!browserAvailable)('the widget: unread badge, paging, queue position, in Chromium', () => {
  patientPolls();
  let fx: BrowserFixture;
  let org: TestOrganization;
  let agent: ChatClient;
  const received: Message[] = [];

  beforeAll(async () => {
    fx = await startBrowserFixture((c) => {
      c.limits.visitorRequestsPerMinute = 1_000_000; // several visitors from 127.0.0.1
    });
    // No pre-chat form: the first message starts the conversation.
    org = await createOrganization(fx.server.api, {
      allowedOrigins: [fx.pages.origin],
      welcomeMessages: ['Hello! How can we help?'],
    });
    agent = new ChatClient(fx.server.url, await org.operatorToken(), {
      WebSocket: NodeWebSocket as unknown as WebSocketConstructorLike,
      storage: null,
    });
    agent.on('chatMessageReceived', (e) => received.push(e.message));
    await agent.startRealtimeNotifications();
  });
  afterAll(async () => {
    await agent?.stopRealtimeNotifications();
    await fx?.close();
  });

  /** Opens the widget on a fresh page and writes `text` (stored: "Sent"). */
  async function write(page: Page, name: string, text: string): Promise<void> {
    await page.goto(
      fx.pages.set(name, hostPage(`${fx.server.url}/widget.js`, { 'data-key': org.widgetKey })),
    );
    await page.locator('parley-widget button.l').click();
    const input = page.locator('parley-widget #pw-input');
    await input.fill(text);
    await input.press('Enter');
    await expect.poll(() => page.locator('parley-widget .m.me .st').last().textContent()).toBe('Sent');
  }

  /** `write`, then the thread the agent (assigned at once) received it in. */
  async function visitorWrites(page: Page, name: string, text: string): Promise<string> {
    await write(page, name, text);
    await expect.poll(() => received.find((m) => m.content === text)?.threadId).toBeDefined();
    return received.find((m) => m.content === text)!.threadId;
  }

  it('raises the unread badge and flashes the title while closed; opening clears both', async () => {
    const { page } = await fx.newPage();
    const threadId = await visitorWrites(page, 'unread', 'Is the scarf in stock?');
    const launcher = page.locator('parley-widget button.l');
    const badge = page.locator('parley-widget .b');
    await launcher.click(); // closed
    await expect.poll(() => launcher.getAttribute('aria-expanded')).toBe('false');
    expect(await badge.isVisible()).toBe(false);

    const thread = agent.getChatThreadClient(threadId);
    await thread.sendMessage({ content: 'Yes, three left.' });
    await expect.poll(() => badge.textContent()).toBe('1');
    expect(await badge.isVisible()).toBe(true);
    expect(await launcher.getAttribute('aria-label')).toBe('Chat, 1 unread messages');
    await expect.poll(() => page.title()).toBe('(1) New message'); // blinking: it comes back
    await expect.poll(() => page.title()).toBe('Host shop');
    await shot(page, 'unread-badge');

    await thread.sendMessage({ content: 'Shall I keep one for you?' });
    await expect.poll(() => badge.textContent()).toBe('2');
    await expect.poll(() => page.title()).toBe('(2) New message');

    await launcher.click();
    await expect.poll(() => badge.isVisible()).toBe(false);
    expect(await launcher.getAttribute('aria-label')).toBe('Chat');
    await expect.poll(() => page.title()).toBe('Host shop');
    expect(await page.locator('parley-widget .m:not(.me) .bubble').last().textContent()).toBe(
      'Shall I keep one for you?',
    );
  });

  it('loads older messages when the visitor scrolls to the top', async () => {
    const { page } = await fx.newPage();
    const threadId = await visitorWrites(page, 'paging', 'Where is my order?');
    const thread = agent.getChatThreadClient(threadId);
    const seeded = Array.from({ length: 45 }, (_, i) => `Older ${String(i + 1).padStart(2, '0')}`);
    for (const content of seeded) await thread.sendMessage({ content });

    // A reload starts from the newest page only.
    await page.reload();
    await page.locator('parley-widget button.l').click();
    const bubbles = page.locator('parley-widget .bubble');
    await expect.poll(() => bubbles.last().textContent()).toBe('Older 45');
    const firstPage = await bubbles.allTextContents();
    expect(firstPage).not.toContain('Older 01');
    expect(firstPage.some((t) => t.startsWith('Where is my order?'))).toBe(false);
    expect(firstPage).not.toContain('Hello! How can we help?'); // welcome messages come with the start
    expect(await page.locator('parley-widget button.older').isVisible()).toBe(true);
    await shot(page, 'paging-newest');

    const log = page.locator('parley-widget .log');
    await log.evaluate((el) => el.scrollTo({ top: 0 }));
    await expect.poll(() => bubbles.allTextContents()).toContain('Older 01');
    const all = await bubbles.allTextContents();
    expect(all[0]).toBe('Hello! How can we help?');
    expect(all.filter((t) => t.startsWith('Older '))).toEqual(seeded);
    expect(all.filter((t) => t.startsWith('Where is my order'))).toHaveLength(1);
    expect(await page.locator('parley-widget button.older').count()).toBe(0);
    // The visitor keeps their place: the page loaded above, not a jump to either end.
    expect(await log.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
    await shot(page, 'paging-older');
  });

  it('shows the queue position while waiting, and updates it as the queue moves', async () => {
    // Alice is online (the chat is open) but has no room: conversations wait in the queue.
    const full = await fx.server.api('PATCH', `/v1/organizations/${org.id}/agents/${org.agent.id}`, {
      body: { maxChats: 0 },
    });
    expect(full.status).toBe(200);

    // Another visitor started first, through the visitor API (from the site's origin).
    const site = { auth: null, headers: { origin: fx.pages.origin } };
    const other = await fx.server.api<{ accessToken: string }>(
      'POST',
      `/v1/widget/${org.widgetKey}/visitors`,
      {
        ...site,
        body: {},
      },
    );
    expect(other.status).toBe(201);
    const first = await fx.server.api<{ id: string; status: string; queuePosition: number }>(
      'POST',
      `/v1/widget/${org.widgetKey}/conversations`,
      { ...site, auth: other.body.accessToken, body: {} },
    );
    expect(first.body).toMatchObject({ status: 'pending', queuePosition: 1 });

    const { page } = await fx.newPage();
    await write(page, 'queue', 'Hello, anyone there?'); // nobody to receive it yet
    const banner = page.locator('parley-widget .bar[role="status"]');
    await expect.poll(() => banner.textContent()).toBe('You are number 2 in the queue.');
    await shot(page, 'queue-position-2');

    const resolved = await fx.server.api(
      'POST',
      `/v1/organizations/${org.id}/conversations/${first.body.id}/resolve`,
    );
    expect(resolved.status).toBe(200);
    await expect.poll(() => banner.textContent()).toBe('You are number 1 in the queue.');
    await shot(page, 'queue-position-1');

    // Room for one: Alice is assigned, the banner goes.
    await fx.server.api('PATCH', `/v1/organizations/${org.id}/agents/${org.agent.id}`, {
      body: { maxChats: 5 },
    });
    await expect.poll(() => banner.count()).toBe(0);
    await expect
      .poll(() => page.locator('parley-widget .sys').allTextContents())
      .toContain('Alice joined the conversation');
  });
});
