import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ChatEvents } from '../../src/index.js';
import { browserAvailable, bundlePage } from './support/browser.js';
import { startBrowserFixture, type BrowserFixture } from './support/fixture.js';

const poll = { timeout: 10_000, interval: 50 };

describe.skipIf(!browserAvailable)('@parley/react hooks in Chromium', () => {
  let fx: BrowserFixture;
  let page: Page;
  const errors: string[] = [];
  const typingAtBob: ChatEvents['typingIndicatorReceived'][] = [];

  const text = (testId: string) => page.locator(`[data-testid=${testId}]`).textContent();
  const row = (content: string) => page.locator('[data-testid=messages] li', { hasText: content });

  beforeAll(async () => {
    const [fixture, js] = await Promise.all([startBrowserFixture(), bundlePage('react-page.ts')]);
    fx = fixture;
    fx.pages.addPage('react', js);
    fx.bob.chat.on('typingIndicatorReceived', (e) => typingAtBob.push(e));
    page = await fx.browser.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    const hash = new URLSearchParams({ token: fx.alice.token, thread: fx.threadId, user: fx.alice.id });
    await page.goto(`${fx.pages.origin}/react.html#${hash}`);
  }, 60_000);

  afterAll(async () => {
    await fx?.close();
  });

  it('connects and loads the thread list and the messages', async () => {
    await expect.poll(() => text('status'), poll).toBe('connected');
    await expect.poll(() => text('loading'), poll).toBe('loaded');
    await expect.poll(() => text('threads'), poll).toBe('Browser');
    expect(errors).toEqual([]);
  });

  it('shows a message from another client live, with the unread count', async () => {
    await fx.bob.chat.getChatThreadClient(fx.threadId).sendMessage({ content: 'hi from bob' });
    await row('hi from bob').waitFor({ timeout: 10_000 });
    await expect.poll(() => text('unread'), poll).toBe('1');
  });

  it('shows the typing indicator of another user, and sends its own while typing', async () => {
    fx.bob.chat.realtime.sendTyping(fx.threadId);
    await expect.poll(() => text('typing'), poll).toBe('Bob is typing');

    await page.locator('[data-testid=draft]').pressSequentially('hello', { delay: 20 });
    await expect
      .poll(() => typingAtBob.filter((e) => e.userId === fx.alice.id).length, poll)
      .toBeGreaterThan(0);
    // Debounced: five keystrokes within the interval are one notification.
    expect(typingAtBob.filter((e) => e.userId === fx.alice.id)).toHaveLength(1);
  });

  it('sends from the form: the echo shows at once and becomes delivered, then read', async () => {
    const received = new Promise<string>((resolve) => {
      const off = fx.bob.chat.on('chatMessageReceived', (e) => {
        if (e.message.senderId !== fx.alice.id) return;
        off();
        resolve(e.message.id);
      });
    });
    await page.locator('[data-testid=draft]').fill('hello bob');
    await page.locator('button[type=submit]').click();
    await row('hello bob').waitFor({ timeout: 10_000 });
    const messageId = await received;
    await expect.poll(() => row('hello bob').getAttribute('data-state'), poll).toBe('delivered');

    // Our own message is not unread; bob's next one is.
    expect(await text('unread')).toBe('1');

    // The message appears once: the echo and the stored message share a row.
    expect(await page.locator('[data-testid=messages] li', { hasText: 'hello bob' }).count()).toBe(1);

    await fx.bob.chat.getChatThreadClient(fx.threadId).sendReadReceipt(messageId);
    await expect.poll(() => row('hello bob').getAttribute('data-state'), poll).toBe('read');
    await expect.poll(() => row('hello bob').getAttribute('data-readers'), poll).toBe(fx.bob.id);
    // A message from bob clears his typing indicator at once.
    fx.bob.chat.realtime.sendTyping(fx.threadId);
    await expect.poll(() => text('typing'), poll).toBe('Bob is typing');
    await fx.bob.chat.getChatThreadClient(fx.threadId).sendMessage({ content: 'done typing' });
    await expect.poll(() => text('typing'), poll).toBe('');
    await expect.poll(() => text('unread'), poll).toBe('2');
    expect(errors).toEqual([]);
  });
});
