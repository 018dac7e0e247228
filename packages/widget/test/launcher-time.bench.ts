/*
 * Time from navigation start to the launcher being drawn, in Chromium, median
 * of 5 cold loads (fresh browser context each: no HTTP cache, no storage).
 * A figure to report, not a test: `node --import tsx packages/widget/test/launcher-time.bench.ts`.
 */
import { startBrowserFixture } from './support/browser-fixture.js';
import { hostPage } from './support/host-pages.js';
import { createOrganization } from './support/organization.js';

const LOADS = 5;
const fx = await startBrowserFixture();
try {
  const org = await createOrganization(fx.server.api, { allowedOrigins: [fx.pages.origin] });
  const url = fx.pages.set('timing', hostPage(`${fx.server.url}/widget.js`, { 'data-key': org.widgetKey }));
  await fetch(`${fx.server.url}/widget.js`); // the server builds the widget once, at its first request
  const times: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    const { context, page } = await fx.newPage();
    // Watches every frame from the very start of the page for the launcher's first paint-ready state.
    // A string: a function would be rewritten by tsx (names helpers the page does not have).
    await context.addInitScript(`(() => {
      const check = () => {
        const button = document.querySelector('parley-widget')?.shadowRoot?.querySelector('button.l');
        if (button?.isConnected && button.textContent) window.__launcherAt = performance.now();
        else requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    })()`);
    await page.goto(url);
    await page.waitForFunction(
      () => (window as unknown as { __launcherAt?: number }).__launcherAt !== undefined,
    );
    times.push(await page.evaluate(() => (window as unknown as { __launcherAt: number }).__launcherAt));
    await context.close();
  }
  times.sort((a, b) => a - b);
  process.stdout.write(
    `launcher visible after ${times.map((t) => t.toFixed(0)).join(', ')} ms; median ${times[Math.floor(LOADS / 2)]!.toFixed(0)} ms\n`,
  );
} finally {
  await fx.close();
}
