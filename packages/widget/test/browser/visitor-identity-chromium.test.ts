import { createHmac } from 'node:crypto';
import { WebSocket as NodeWebSocket } from 'ws';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient, type Message, type WebSocketConstructorLike } from '@parley/sdk';
import { browserAvailable } from '../../../sdk/test/browser/support/browser.js';
import { patientPolls, shot, startBrowserFixture, type BrowserFixture } from '../support/browser-fixture.js';
import { hostPage } from '../support/host-pages.js';
import { createOrganization, type TestOrganization } from '../support/organization.js';

const SECRET = 'a-site-backend-secret-of-at-least-32-bytes!';

/** What the site's backend computes: hex HMAC-SHA256 of `userId.timestamp` under the identity secret. */
function proofFor(userId: string): { userId: string; timestamp: number; signature: string } {
  const timestamp = Date.now();
  const signature = createHmac('sha256', SECRET).update(`${userId}.${timestamp}`).digest('hex');
  return { userId, timestamp, signature };
}

/** Issue 5 §6 in Chromium: `identify`, one visitor across tabs, `destroy` then `init` again. */
describe.skipIf(!browserAvailable)('the widget visitor: identity, tabs, destroy, in Chromium', () => {
  patientPolls();
  let fx: BrowserFixture;
  let org: TestOrganization;
  let agent: ChatClient;
  let url: string;
  const received: Message[] = [];

  beforeAll(async () => {
    fx = await startBrowserFixture((c) => {
      c.limits.visitorRequestsPerMinute = 1_000_000; // several visitors from 127.0.0.1
    });
    org = await createOrganization(fx.server.api, {
      allowedOrigins: [fx.pages.origin],
      welcomeMessages: ['Hello! How can we help?'],
    });
    const secret = await fx.server.api('PUT', `/v1/organizations/${org.id}/identity-secret`, {
      body: { secret: SECRET },
    });
    expect(secret.status).toBe(204);
    agent = new ChatClient(fx.server.url, await org.operatorToken(), {
      WebSocket: NodeWebSocket as unknown as WebSocketConstructorLike,
      storage: null,
    });
    agent.on('chatMessageReceived', (e) => received.push(e.message));
    await agent.startRealtimeNotifications();
    url = fx.pages.set('identity', hostPage(`${fx.server.url}/widget.js`, { 'data-key': org.widgetKey }));
  });
  afterAll(async () => {
    await agent?.stopRealtimeNotifications();
    await fx?.close();
  });

  const bubbles = (page: Page) => page.locator('parley-widget .bubble');

  /** Writes in the open panel and waits for "Sent"; returns the thread the agent received it in. */
  async function write(page: Page, text: string): Promise<string> {
    const input = page.locator('parley-widget #pw-input');
    await input.fill(text);
    await input.press('Enter');
    await expect.poll(() => received.find((m) => m.content === text)?.threadId).toBeDefined();
    return received.find((m) => m.content === text)!.threadId;
  }

  /** What the page's local storage holds for this widget: the visitor token and the conversation. */
  function stored(page: Page): Promise<{ visitorToken: string | null; conversation: string | null }> {
    const suffix = `${fx.server.url}:${org.widgetKey}`;
    return page.evaluate(
      (s) => ({
        visitorToken: localStorage.getItem(`parley:vt:${s}`),
        conversation: localStorage.getItem(`parley:conv:${s}`),
      }),
      suffix,
    );
  }

  /** The server's view of a visitor token (the visitor API, from the site's origin). */
  async function visitorOf(visitorToken: string): Promise<{ visitorId: string; customerId: string | null }> {
    const resumed = await fx.server.api<{ visitorId: string; customerId: string | null }>(
      'POST',
      `/v1/widget/${org.widgetKey}/visitors/resume`,
      { auth: null, headers: { origin: fx.pages.origin }, body: { visitorToken } },
    );
    expect(resumed.status).toBe(200);
    return resumed.body;
  }

  async function visitorIdOfConversation(id: string): Promise<string> {
    const conversation = await fx.server.api<{ visitorId: string }>(
      'GET',
      `/v1/organizations/${org.id}/conversations/${id}`,
    );
    expect(conversation.status).toBe(200);
    return conversation.body.visitorId;
  }

  it('identify links the visitor; another customer on the same browser gets a new visitor and an empty panel', async () => {
    const { page } = await fx.newPage();
    await page.goto(url);
    await page.locator('parley-widget button.l').click();
    const first = await write(page, 'My card number ends in 4242');

    const userA = `customer_a_${process.pid}`;
    await page.evaluate((proof) => window.Parley.identify(proof), proofFor(userA));
    const before = await stored(page);
    expect(before.conversation).toBe(first);
    const visitorA = await visitorOf(before.visitorToken!);
    expect(visitorA.customerId).toBe(userA);
    expect(visitorA.visitorId).toBe(await visitorIdOfConversation(first));

    // The server refuses to relink a visitor to another customer (409 visitor_identity_conflict)...
    const userB = `customer_b_${process.pid}`;
    const relink = await fx.server.api<{ error: { code: string } }>(
      'POST',
      `/v1/widget/${org.widgetKey}/visitors/identify`,
      {
        auth: null,
        headers: { origin: fx.pages.origin },
        body: { visitorToken: before.visitorToken, ...proofFor(userB) },
      },
    );
    expect([relink.status, relink.body.error.code]).toEqual([409, 'visitor_identity_conflict']);

    // ...so when customer B logs in on the same computer (a new page), the widget starts over.
    await page.reload();
    await page.locator('parley-widget button.l').click();
    await expect.poll(() => bubbles(page).allTextContents()).toContain('My card number ends in 4242Sent');
    await page.evaluate((proof) => window.Parley.identify(proof), proofFor(userB));
    const after = await stored(page);
    expect(after.visitorToken).not.toBeNull();
    expect(after.visitorToken).not.toBe(before.visitorToken);
    expect(after.conversation).toBeNull();
    const visitorB = await visitorOf(after.visitorToken!);
    expect(visitorB).toMatchObject({ customerId: userB });
    expect(visitorB.visitorId).not.toBe(visitorA.visitorId);
    // Customer A is still customer A.
    expect((await visitorOf(before.visitorToken!)).customerId).toBe(userA);

    // Nothing of customer A's conversation stays on screen, nor comes back on reload.
    await expect.poll(() => bubbles(page).allTextContents()).toEqual(['Hello! How can we help?']);
    await shot(page, 'identify-new-customer');
    await page.reload();
    await page.locator('parley-widget button.l').click();
    await page.locator('parley-widget #pw-input').waitFor();
    expect((await bubbles(page).allTextContents()).join()).not.toContain('4242');

    const second = await write(page, 'Hello, I am customer B');
    expect(second).not.toBe(first);
    expect(await visitorIdOfConversation(second)).toBe(visitorB.visitorId);
    await expect.poll(() => bubbles(page).allTextContents()).toContain('Hello, I am customer BSent');
    expect((await bubbles(page).allTextContents()).join()).not.toContain('4242');
  });

  it('keeps one visitor and one conversation across two tabs, live in both', async () => {
    const { context, page: tab1 } = await fx.newPage();
    await tab1.goto(url);
    await tab1.locator('parley-widget button.l').click();
    const threadId = await write(tab1, 'Hello from the first tab');

    const tab2 = await context.newPage();
    await tab2.goto(url);
    await tab2.locator('parley-widget button.l').click();
    await expect.poll(() => bubbles(tab2).allTextContents()).toContain('Hello from the first tabSent');
    expect(await stored(tab2)).toEqual(await stored(tab1));

    // Written in one tab, shown live in the other (neither is reloaded), both ways.
    expect(await write(tab1, 'Second line, first tab')).toBe(threadId);
    await expect.poll(() => bubbles(tab2).allTextContents()).toContain('Second line, first tabSent');
    expect(await write(tab2, 'Answer from the second tab')).toBe(threadId);
    await expect.poll(() => bubbles(tab1).allTextContents()).toContain('Answer from the second tabSent');
    await shot(tab2, 'two-tabs-second');

    // One conversation, one sender, each message exactly once (two outboxes share one storage).
    const fromVisitor = received.filter(
      (m) => m.threadId === threadId && m.type === 'text' && m.senderId !== org.agent.id,
    );
    expect(fromVisitor.map((m) => m.content)).toEqual([
      'Hello from the first tab',
      'Second line, first tab',
      'Answer from the second tab',
    ]);
    expect(new Set(fromVisitor.map((m) => m.senderId)).size).toBe(1);
    expect(fromVisitor[0]!.senderId).toBe(await visitorIdOfConversation(threadId));
    await tab2.close();
  });

  it('destroy closes the WebSocket; init again resumes the same conversation', async () => {
    const connections = async () => {
      const metrics = await fx.server.api<string>('GET', '/metrics', { auth: null });
      return Number(/^parley_ws_connections (\d+)$/m.exec(metrics.body)?.[1]);
    };
    const { page } = await fx.newPage();
    await page.goto(url);
    await page.locator('parley-widget button.l').click();
    const threadId = await write(page, 'Before the widget goes away');
    const live = await connections();
    expect(live).toBeGreaterThan(0);

    // An agent sharing the thread sees the visitor's presence go offline.
    const visitorId = await visitorIdOfConversation(threadId);
    const presence: string[] = [];
    agent.on('presenceChanged', (e) => e.userId === visitorId && presence.push(e.status));

    await page.evaluate(() => window.Parley.destroy());
    expect(await page.locator('parley-widget').count()).toBe(0);
    await expect.poll(connections).toBe(live - 1);
    await expect.poll(() => presence).toContain('offline');

    await page.evaluate((key) => window.Parley.init({ key }), org.widgetKey);
    await page.evaluate(() => window.Parley.open());
    await expect.poll(() => bubbles(page).allTextContents()).toContain('Before the widget goes awaySent');
    await expect.poll(connections).toBe(live);
    expect(await write(page, 'And after it came back')).toBe(threadId);
    await shot(page, 'reinit-resumed');
  });
});

declare global {
  interface Window {
    Parley: {
      init(options: { key: string }): void;
      open(): Promise<void>;
      identify(proof: { userId: string; timestamp: number; signature: string }): Promise<void>;
      destroy(): void;
    };
  }
}
