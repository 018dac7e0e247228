import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Message } from '../../src/index.js';
import type { SdkHarness } from './pages/sdk-page.js';
import { browserAvailable, bundlePage } from './support/browser.js';
import { startBrowserFixture, type BrowserFixture } from './support/fixture.js';
import { startPageServer } from './support/page-server.js';

type Args<K extends keyof SdkHarness> = SdkHarness[K] extends (...args: infer A) => unknown ? A : never;
type Result<K extends keyof SdkHarness> = SdkHarness[K] extends (...args: never[]) => infer R
  ? Awaited<R>
  : never;

/** Calls the page's harness (see pages/sdk-page.ts) inside Chromium. */
function call<K extends keyof SdkHarness>(page: Page, name: K, ...args: Args<K>): Promise<Result<K>> {
  return page.evaluate(
    ([n, a]) => {
      const h = (globalThis as unknown as { harness: Record<string, (...x: unknown[]) => unknown> }).harness;
      return h[n]!(...a);
    },
    [name, args] as [string, unknown[]],
  ) as Promise<Result<K>>;
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!browserAvailable)('@parley/sdk in Chromium', () => {
  let fx: BrowserFixture;
  let page: Page;
  const fromBob: Message[] = [];

  beforeAll(async () => {
    const [fixture, js] = await Promise.all([startBrowserFixture(), bundlePage('sdk-page.ts')]);
    fx = fixture;
    fx.pages.addPage('sdk', js);
    fx.bob.chat.on('chatMessageReceived', (e) => fromBob.push(e.message));
    page = await fx.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${fx.pages.origin}/sdk.html`);
    await page.waitForFunction(() => (globalThis as { harness?: unknown }).harness !== undefined);
    expect(errors).toEqual([]);
  }, 60_000);

  afterAll(async () => {
    await fx?.close();
  });

  it('connects with a user token from an allowed origin', async () => {
    const ready = await call(page, 'connect', fx.alice.token);
    expect(ready.userId).toBe(fx.alice.id);
    expect(await call(page, 'state')).toBe('connected');
  });

  it('receives a message from another client in real time, and sends one back', async () => {
    await fx.bob.chat.getChatThreadClient(fx.threadId).sendMessage({ content: 'hello from node' });
    await until(
      () => call(page, 'received', fx.threadId),
      (r) => r.includes('hello from node'),
      'the page to receive',
    );

    const local = await call(page, 'send', fx.threadId, 'hello from chromium');
    expect(local.state).toBe('pending');
    await until(
      async () => fromBob.filter((m) => m.content === 'hello from chromium').length,
      (n) => n === 1,
      'bob to receive',
    );
    const states = await until(
      () => call(page, 'sent'),
      (s) => s.find((l) => l.clientMessageId === local.clientMessageId)?.state === 'delivered',
      'the echo to be delivered',
    );
    expect(states.find((l) => l.clientMessageId === local.clientMessageId)?.message?.senderId).toBe(
      fx.alice.id,
    );
  });

  it('keeps a message sent while offline in localStorage and delivers it once after reconnecting', async () => {
    const connectsBefore = await call(page, 'connects');
    fx.pages.setOffline(true);
    await until(
      () => call(page, 'state'),
      (s) => s !== 'connected',
      'the page to notice the lost socket',
    );

    const local = await call(page, 'send', fx.threadId, 'written offline');
    expect(local.state).toBe('pending');
    const stored = await call(page, 'outboxStorage');
    const entries = Object.values(stored).join('\n');
    expect(entries).toContain(local.clientMessageId);
    expect(entries).toContain('written offline');
    // Still offline a while later: the entry stays, and nothing reached the server.
    await new Promise((r) => setTimeout(r, 600));
    expect(Object.values(await call(page, 'outboxStorage')).join('\n')).toContain(local.clientMessageId);
    expect(fromBob.some((m) => m.content === 'written offline')).toBe(false);

    fx.pages.setOffline(false);
    await until(
      () => call(page, 'connects'),
      (n) => n > connectsBefore,
      'the page to reconnect',
    );
    await until(
      async () => fromBob.filter((m) => m.clientMessageId === local.clientMessageId).length,
      (n) => n >= 1,
      'the offline message to arrive',
    );
    await until(
      () => call(page, 'outboxStorage'),
      (s) => Object.keys(s).length === 0,
      'the outbox to empty',
    );

    // Exactly once, on the stream and in the store.
    await new Promise((r) => setTimeout(r, 300));
    expect(fromBob.filter((m) => m.clientMessageId === local.clientMessageId)).toHaveLength(1);
    const stored2: Message[] = [];
    for await (const m of fx.bob.chat.getChatThreadClient(fx.threadId).listMessages()) stored2.push(m);
    expect(stored2.filter((m) => m.clientMessageId === local.clientMessageId)).toHaveLength(1);
    const final = (await call(page, 'sent')).find((l) => l.clientMessageId === local.clientMessageId);
    expect(['sent', 'delivered']).toContain(final?.state);
  });

  it('is refused from an origin that is not on the allow-list', async () => {
    // Another site, on another port: same server behind it, but its origin is not listed.
    const foreign = await startPageServer();
    foreign.setTarget(fx.server.url);
    foreign.addPage('blank', '');
    const other = await fx.browser.newPage();
    try {
      await other.goto(`${foreign.origin}/blank.html`);
      const code = await other.evaluate(
        () =>
          new Promise<number>((resolve) => {
            const G = globalThis as unknown as {
              location: { host: string };
              WebSocket: new (u: string) => { onclose: ((e: { code: number }) => void) | null };
            };
            const ws = new G.WebSocket(`ws://${G.location.host}/v1/realtime`);
            ws.onclose = (e) => resolve(e.code);
          }),
      );
      expect(code).toBe(4103);
    } finally {
      await other.close();
      await foreign.close();
    }
  });
});
