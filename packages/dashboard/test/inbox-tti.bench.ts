/*
 * Time to interactive of the inbox with 1,000 conversations in the organization: from navigation
 * start to the first page of the conversation list drawn and idle (`aria-busy="false"` with rows),
 * in Chromium, median of 5 cold loads (fresh context: no HTTP cache; the session is put in local
 * storage before the page runs). A figure to report, not a test:
 * `node --import tsx packages/dashboard/test/inbox-tti.bench.ts`.
 */
import { chromium } from 'playwright-core';
import type { Session } from '@parley/protocol';
import { startTestServer } from '../../server/test/support/server.js';
import { fromSite, registerVisitor, widgetSettings } from '../../server/test/support/livechat.js';

const CONVERSATIONS = 1000;
const LOADS = 5;

const server = await startTestServer((c) => {
  c.limits.visitorRequestsPerMinute = 1_000_000;
  c.livechat.answerTimeoutSeconds = 0;
});
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const setup = await server.api<Session>('POST', '/v1/auth/setup', {
    auth: null,
    body: {
      email: 'admin@example.com',
      password: 'a long password here',
      displayName: 'Admin',
      organizationName: 'Shop',
    },
  });
  const session = setup.body;
  const orgId = session.account.organizationId!;
  const saved = await server.api<{ widgetKey: string }>('PUT', `/v1/organizations/${orgId}/widget-settings`, {
    body: widgetSettings(),
  });
  const target = {
    org: { id: orgId, name: 'Shop', createdAt: '', updatedAt: '' },
    key: saved.body.widgetKey,
  };
  const started = Date.now();
  for (let i = 0; i < CONVERSATIONS; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, CONVERSATIONS - i) }, async (_, j) => {
        const visitor = await registerVisitor(server.api, target);
        await fromSite(server.api, 'POST', `/v1/widget/${target.key}/conversations`, {
          token: visitor.accessToken,
          body: { answers: { name: `Visitor ${i + j}` } },
        });
      }),
    );
  }
  process.stdout.write(
    `seeded ${CONVERSATIONS} conversations in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  await fetch(`${server.url}/app`); // the server builds the dashboard once, at its first request
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < LOADS; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(
      `localStorage.setItem('parley.dashboard.session', ${JSON.stringify(JSON.stringify(session))});`,
    );
    const page = await context.newPage();
    await page.goto(`${server.url}/app#/inbox`);
    const handle = await page.waitForFunction(
      () => {
        const list = document.querySelector('.conversations');
        const count = list?.querySelectorAll('li').length ?? 0;
        return list?.getAttribute('aria-busy') === 'false' && count > 0 ? [performance.now(), count] : null;
      },
      undefined,
      { timeout: 60_000 },
    );
    const [at, count] = (await handle.jsonValue()) as [number, number];
    times.push(at);
    rows = count;
    await context.close();
  }
  times.sort((a, b) => a - b);
  process.stdout.write(
    `inbox interactive after ${times.map((t) => t.toFixed(0)).join(', ')} ms; median ${times[Math.floor(LOADS / 2)]!.toFixed(0)} ms (${rows} rows in the first page of ${CONVERSATIONS})\n`,
  );
} finally {
  await browser.close();
  await server.close();
}
