import { WebSocket as NodeWebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient, type Message, type WebSocketConstructorLike } from '@parley/sdk';
import type { Demo } from '../../../server/src/demo.js';
import { browserAvailable } from '../../../sdk/test/browser/support/browser.js';
import { patientPolls, shot, startBrowserFixture, type BrowserFixture } from '../support/browser-fixture.js';

/*
 * Issue 5 §8 on the real demo: `npm start`'s `/demo` shop page (same origin as
 * the API), a visitor in one browser context, and the demo agent ("Camille")
 * answering through the SDK in Node with the operator token the server prints.
 */
describe.skipIf(!browserAvailable)('the /demo shop, a visitor and the demo agent, in Chromium', () => {
  patientPolls();
  let fx: BrowserFixture;
  let demo: Demo;
  let agent: ChatClient;
  const received: Message[] = [];

  beforeAll(async () => {
    fx = await startBrowserFixture((c) => {
      c.demo = true;
    });
    demo = fx.server.server.demo!;
    agent = new ChatClient(fx.server.url, demo.agentToken, {
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

  const fromVisitor = () => received.filter((m) => m.senderId !== demo.agentId && m.type === 'text');

  it('pre-chat form, live message to the demo agent, typing, read state and reply', async () => {
    expect(demo).toMatchObject({ agentId: 'demo-agent', widgetKey: expect.stringMatching(/^wk_/) });
    const { page } = await fx.newPage();

    await page.goto(`${fx.server.url}/demo`);
    expect(await page.title()).toBe('Parley demo shop');
    const launcher = page.locator('parley-widget button.l');
    await expect.poll(() => launcher.textContent()).toBe('Chat'); // the organization's default launcher text
    await shot(page, 'demo-launcher');

    await launcher.click();
    expect(await page.locator('parley-widget #pw-title').textContent()).toBe('Demo shop');
    expect(await page.locator('parley-widget .bubble').first().textContent()).toBe(
      'Hello! 👋 Ask us anything about your order.',
    );
    await page.locator('parley-widget #pw-f-name').fill('Nora');
    await page.locator('parley-widget #pw-f-email').fill('nora@example.com');
    await shot(page, 'demo-prechat');
    await page.locator('parley-widget button.primary').click();

    const input = page.locator('parley-widget #pw-input');
    await input.waitFor();
    await input.fill('Do you ship the linen shirt to Lyon?');
    await input.press('Enter');

    // The demo agent receives it live, from Nora, in a conversation they were assigned.
    await expect
      .poll(() => fromVisitor().map((m) => m.content))
      .toEqual(['Do you ship the linen shirt to Lyon?']);
    const first = fromVisitor()[0]!;
    expect(first.senderDisplayName).toBe('Nora');
    const threadId = first.threadId;
    const conversation = await fx.server.api<{ agentId: string; status: string }>(
      'GET',
      `/v1/organizations/${demo.organizationId}/conversations/${threadId}`,
    );
    expect(conversation.body).toMatchObject({ agentId: demo.agentId, status: 'open' });

    const mine = page.locator('parley-widget .m.me .st');
    await expect.poll(() => mine.textContent()).toBe('Sent');
    await expect
      .poll(() => page.locator('parley-widget .sys').allTextContents())
      .toContain('Camille (demo agent) joined the conversation');

    // Typing: the visitor sees the agent write.
    agent.realtime.sendTyping(threadId);
    const typing = page.locator('parley-widget .typing');
    await expect.poll(() => typing.textContent()).toBe('Camille (demo agent) is typing…');
    await shot(page, 'demo-typing');

    // Read: the agent reads Nora's message.
    await agent.realtime.markRead(threadId, first.id);
    await expect.poll(() => mine.textContent()).toBe('Read');
    await shot(page, 'demo-read');

    // The reply: shown live, typing gone, from the agent by name.
    await agent.getChatThreadClient(threadId).sendMessage({ content: 'Yes, in 2 days, free of charge.' });
    const theirs = page.locator('parley-widget .m:not(.me)');
    await expect
      .poll(() => theirs.last().locator('.bubble').textContent())
      .toBe('Yes, in 2 days, free of charge.');
    expect(await theirs.last().locator('.who').textContent()).toBe('Camille (demo agent)');
    expect(await typing.count()).toBe(0);
    expect(await mine.textContent()).toBe('Read');
    await shot(page, 'demo-reply');

    // The visitor, looking at the panel, has read the reply: the agent is told.
    await expect
      .poll(async () => {
        const receipts = [];
        for await (const r of agent.getChatThreadClient(threadId).listReadReceipts()) receipts.push(r);
        return receipts.some((r) => r.userId !== demo.agentId && r.sequence > first.sequence);
      })
      .toBe(true);

    // Another browser context is another visitor: a fresh pre-chat form, nothing of Nora's chat.
    const other = await fx.newPage();
    await other.page.goto(`${fx.server.url}/demo`);
    await other.page.locator('parley-widget button.l').click();
    await other.page.locator('parley-widget #pw-f-name').waitFor();
    expect(await other.page.locator('parley-widget .bubble').allTextContents()).toEqual([
      'Hello! 👋 Ask us anything about your order.',
    ]);
  });
});
