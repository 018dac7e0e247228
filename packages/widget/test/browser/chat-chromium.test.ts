import { WebSocket as NodeWebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient, type Message, type WebSocketConstructorLike } from '@parley/sdk';
import { browserAvailable } from '../../../sdk/test/browser/support/browser.js';
import { shot, startBrowserFixture, type BrowserFixture } from '../support/browser-fixture.js';
import { hostPage } from '../support/host-pages.js';
import { createOrganization, type TestOrganization } from '../support/organization.js';

describe.skipIf(!browserAvailable)('a visitor chats with an agent through the widget, in Chromium', () => {
  let fx: BrowserFixture;
  let org: TestOrganization;
  let agent: ChatClient;
  const received: Message[] = [];

  beforeAll(async () => {
    fx = await startBrowserFixture();
    org = await createOrganization(fx.server.api, {
      allowedOrigins: [fx.pages.origin],
      title: 'Maison Support',
      welcomeMessages: ['Hello! How can we help?'],
      preChatForm: [{ key: 'name', label: 'Your name', type: 'name', required: true }],
    });
    // The agent, through the SDK in Node with an operator token (the inbox comes in its own issue).
    agent = new ChatClient(fx.server.url, await org.operatorToken(), {
      WebSocket: NodeWebSocket as unknown as WebSocketConstructorLike,
      storage: null,
    });
    agent.on('chatMessageReceived', (e) => received.push(e.message));
    await agent.startRealtimeNotifications();
  });
  afterAll(async () => {
    await agent.stopRealtimeNotifications();
    await fx.close();
  });

  const textsFromVisitor = () => received.filter((m) => m.senderId !== org.agent.id && m.type === 'text');

  it('pre-chat form, first message, live reply, typing, read state, reload with history, offline and back', async () => {
    const { context, page } = await fx.newPage();
    const url = fx.pages.set('chat', hostPage(`${fx.server.url}/widget.js`, { 'data-key': org.widgetKey }));
    await page.goto(url);
    await page.locator('parley-widget button.l').click();
    await page.locator('parley-widget #pw-f-name').fill('Vera');
    await page.locator('parley-widget button.primary').click();
    const input = page.locator('parley-widget #pw-input');
    await input.waitFor();
    await input.fill('Hello, I need help with my order');
    await input.press('Enter');

    // The agent receives it live.
    await expect
      .poll(() => textsFromVisitor().map((m) => m.content))
      .toEqual(['Hello, I need help with my order']);
    const first = textsFromVisitor()[0]!;
    expect(first.senderDisplayName).toBe('Vera');
    const threadId = first.threadId;
    const mine = page.locator('parley-widget .m.me');
    await expect.poll(() => mine.locator('.st').textContent()).toBe('Sent');

    // Typing, then the read state, then the reply.
    agent.realtime.sendTyping(threadId);
    await expect.poll(() => page.locator('parley-widget .typing').textContent()).toBe('Alice is typing…');
    await agent.realtime.markRead(threadId, first.id);
    await expect.poll(() => mine.locator('.st').textContent()).toBe('Read');
    await agent
      .getChatThreadClient(threadId)
      .sendMessage({ content: 'Hi Vera! Which order? See https://shop.example/orders' });
    const theirs = page.locator('parley-widget .m:not(.me) .bubble');
    await expect
      .poll(() => theirs.last().textContent())
      .toBe('Hi Vera! Which order? See https://shop.example/orders');
    expect(await page.locator('parley-widget .m:not(.me) .who').last().textContent()).toBe('Alice');
    await shot(page, 'chat-reply-read');

    // A reload keeps the visitor and the history.
    await page.reload();
    await page.locator('parley-widget button.l').click();
    await expect
      .poll(() => page.locator('parley-widget .bubble').allTextContents())
      .toEqual([
        'Hello! How can we help?',
        'Hello, I need help with my orderRead',
        'Hi Vera! Which order? See https://shop.example/orders',
      ]);

    // Offline: what is typed waits ("Sending"), and goes once the network is back.
    await context.setOffline(true);
    await input.fill('Written while offline');
    await input.press('Enter');
    await expect.poll(() => mine.last().locator('.st').textContent()).toBe('Sending');
    await shot(page, 'offline-sending');
    await context.setOffline(false);
    await expect.poll(() => mine.last().locator('.st').textContent(), { timeout: 20_000 }).toBe('Sent');
    await expect
      .poll(() => textsFromVisitor().map((m) => m.content))
      .toEqual(['Hello, I need help with my order', 'Written while offline']);
  });

  it('schedules the transcript, and asks for a rating once the agent resolves', async () => {
    const { page } = await fx.newPage();
    const url = fx.pages.set('rate', hostPage(`${fx.server.url}/widget.js`, { 'data-key': org.widgetKey }));
    await page.goto(url);
    await page.locator('parley-widget button.l').click();
    await page.locator('parley-widget #pw-f-name').fill('Rita');
    await page.locator('parley-widget button.primary').click();
    const input = page.locator('parley-widget #pw-input');
    await input.fill('Thanks for the help');
    await input.press('Enter');
    await expect.poll(() => received.some((m) => m.content === 'Thanks for the help')).toBe(true);
    const threadId = received.find((m) => m.content === 'Thanks for the help')!.threadId;

    // Before the end, the transcript is scheduled: it is mailed when the conversation is resolved.
    await page.locator('parley-widget header button[aria-label="Email me the transcript"]').click();
    await page.locator('parley-widget #pw-transcript').fill('rita@example.com');
    await page.locator('parley-widget .transcript button.primary').click();
    await expect
      .poll(() => page.locator('parley-widget [role="alert"]').textContent())
      .toBe('We will email the transcript when the conversation ends.');

    const resolved = await fx.server.api(
      'POST',
      `/v1/organizations/${org.id}/conversations/${threadId}/resolve`,
    );
    expect([resolved.status, resolved.body]).toEqual([200, expect.anything()]);
    const stars = page.locator('parley-widget .star');
    await expect.poll(() => stars.count()).toBe(5);
    await shot(page, 'rating-prompt');
    await stars.nth(3).click();
    await page.locator('parley-widget #pw-comment').fill('Quick and kind');
    await page.locator('parley-widget .rating button.primary').click();
    await expect
      .poll(() => page.locator('parley-widget .sys[role="status"]').textContent())
      .toBe('Thank you for your feedback!');
    const conversation = await fx.server.api<{ rating: { score: number; comment: string } | null }>(
      'GET',
      `/v1/organizations/${org.id}/conversations/${threadId}`,
    );
    expect(conversation.body.rating).toMatchObject({ score: 4, comment: 'Quick and kind' });
  });
});
