import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, vi } from 'vitest';
import { launchChromium } from '../../../sdk/test/browser/support/browser.js';
import type { ServerConfig } from '../../../server/src/config.js';
import { startTestServer, type TestServer } from '../../../server/test/support/server.js';
import { startHostPages, type HostPages } from './host-pages.js';

export const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

/** The real server (port 0), a host site on another origin, and Chromium. */
export interface BrowserFixture {
  server: TestServer;
  pages: HostPages;
  browser: Browser;
  /** A fresh browser context (its own storage) and page. */
  newPage(options?: {
    viewport?: { width: number; height: number };
  }): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

/** `configure` adjusts the server's configuration further (the demo, SMTP, limits). */
export async function startBrowserFixture(
  configure: (config: ServerConfig) => void = () => undefined,
): Promise<BrowserFixture> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const pages = await startHostPages();
  const server = await startTestServer((config) => {
    // A dead connection is noticed within a second or two (the offline test).
    config.heartbeatIntervalMs = 1000;
    configure(config);
  });
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  return {
    server,
    pages,
    browser,
    async newPage(options = {}) {
      const context = await browser.newContext({
        viewport: options.viewport ?? { width: 1100, height: 800 },
        locale: 'en-US',
      });
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (err) => console.error('page error:', err));
      return { context, page };
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      await pages.close();
      await server.close();
    },
  };
}

export function shot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: `${ARTIFACTS}${name}.png` });
}

/**
 * Waits in these suites cross a browser, a server and sometimes SMTP: under a
 * loaded CI machine `expect.poll`'s 1 s default is too short. Call inside a describe.
 */
export function patientPolls(timeout = 10_000): void {
  beforeAll(() => vi.setConfig({ expect: { poll: { timeout } } }));
  afterAll(() => vi.resetConfig());
}
