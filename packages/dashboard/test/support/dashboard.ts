import type { Page } from 'playwright-core';
import type { WidgetSettings } from '@parley/protocol';
import type { Api } from '../../../server/test/support/server.js';
import { hostPage } from '../../../widget/test/support/host-pages.js';
import type { BrowserFixture } from '../../../widget/test/support/browser-fixture.js';

export {
  patientPolls,
  startBrowserFixture,
  type BrowserFixture,
} from '../../../widget/test/support/browser-fixture.js';
export { browserAvailable } from '../../../sdk/test/browser/support/browser.js';

export const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;

/** The dashboard session the page keeps (what sign-in, setup or an invitation stored). */
export interface StoredSession {
  accessToken: string;
  account: { organizationId: string; userId: string };
}

export async function storedSession(page: Page): Promise<StoredSession> {
  const session = (await page.evaluate(() =>
    JSON.parse(localStorage.getItem('parley.dashboard.session') ?? 'null'),
  )) as StoredSession | null;
  if (!session) throw new Error('the page holds no dashboard session');
  return session;
}

/** First run through the real setup screen: a new organization and its first admin, signed in. */
export async function setUpFirstAdmin(
  page: Page,
  serverUrl: string,
  admin: { organization: string; name: string; email: string; password: string },
): Promise<StoredSession> {
  await page.goto(`${serverUrl}/app`);
  await page.locator('#organizationName').fill(admin.organization);
  await page.locator('#displayName').fill(admin.name);
  await page.locator('#email').fill(admin.email);
  await page.locator('#password').fill(admin.password);
  await page.locator('button[type=submit]').click();
  await page.locator('.list-pane').waitFor();
  return storedSession(page);
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png` });
}

export { seriousViolations } from '../../../widget/test/support/axe.js';

/** Lets the host pages embed the organization's widget, with a pre-chat name field. */
export async function allowWidget(
  api: Api,
  organizationId: string,
  origin: string,
  changes: Partial<WidgetSettings> = {},
): Promise<string> {
  const current = await api<{ widgetKey: string; settings: WidgetSettings }>(
    'GET',
    `/v1/organizations/${organizationId}/widget-settings`,
  );
  if (current.status !== 200)
    throw new Error(`widget settings: ${current.status} ${JSON.stringify(current.body)}`);
  const saved = await api<{ widgetKey: string }>(
    'PUT',
    `/v1/organizations/${organizationId}/widget-settings`,
    {
      body: {
        ...current.body.settings,
        allowedOrigins: [origin],
        preChatForm: [{ key: 'name', label: 'Your name', type: 'name', required: true }],
        ...changes,
      },
    },
  );
  if (saved.status !== 200) throw new Error(`widget settings: ${saved.status} ${JSON.stringify(saved.body)}`);
  return saved.body.widgetKey;
}

/** A visitor on the host site opens the widget, fills the pre-chat name and sends a first message. */
export async function visitorStartsChat(
  fx: BrowserFixture,
  widgetKey: string,
  name: string,
  message: string,
  attributes: Record<string, string> = {},
): Promise<Page> {
  const { page } = await fx.newPage({ viewport: { width: 1000, height: 760 } });
  const url = fx.pages.set(
    `shop-${Math.random().toString(36).slice(2)}`,
    hostPage(`${fx.server.url}/widget.js`, { 'data-key': widgetKey, ...attributes }),
  );
  await page.goto(url);
  await page.locator('parley-widget button.l').click();
  await page.locator('parley-widget #pw-f-name').fill(name);
  await page.locator('parley-widget button.primary').click();
  const input = page.locator('parley-widget #pw-input');
  await input.waitFor();
  await input.fill(message);
  await input.press('Enter');
  return page;
}

/** Texts of the agent's side of a conversation, in order. */
export function bubbles(page: Page) {
  return page.locator('.messages .bubble').allTextContents();
}
