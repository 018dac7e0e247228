import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserAvailable,
  patientPolls,
  setUpFirstAdmin,
  startBrowserFixture,
  type BrowserFixture,
} from './support/dashboard.js';

const ADMIN = { email: 'ines@example.com', password: 'correct horse battery', name: 'Inès' };

/** What has the focus: its id, else its accessible label or text, and whether it is inside the open dialog. */
function focused(page: Page): Promise<{ name: string; inDialog: boolean }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { name: 'BODY', inDialog: false };
    const name = el.id || el.getAttribute('aria-label') || el.textContent?.trim() || el.tagName;
    return { name, inDialog: !!el.closest('[aria-modal="true"]') };
  });
}

/** Presses `key` `times` times, noting after each press what has the focus. */
async function walk(page: Page, key: 'Tab' | 'Shift+Tab', times: number): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < times; i++) {
    await page.keyboard.press(key);
    const now = await focused(page);
    names.push(now.inDialog ? now.name : `OUTSIDE:${now.name}`);
  }
  return names;
}

/**
 * The dashboard's modal dialogs keep the keyboard inside while open (Tab and
 * Shift+Tab wrap around), close on Escape where that is safe, and give the
 * focus back to the button that opened them.
 */
describe.skipIf(!browserAvailable)('modal dialogs and the keyboard, in Chromium', () => {
  patientPolls(15_000);
  let fx: BrowserFixture;
  let page: Page;
  let token: string;
  let orgId: string;

  beforeAll(async () => {
    fx = await startBrowserFixture();
    page = (await fx.newPage({ viewport: { width: 1280, height: 800 } })).page;
    const session = await setUpFirstAdmin(page, fx.server.url, { ...ADMIN, organization: 'Maison Support' });
    token = session.accessToken;
    orgId = session.account.organizationId;
  });
  afterAll(() => fx?.close());

  const widgetKey = async () =>
    (
      await fx.server.api<{ widgetKey: string }>('GET', `/v1/organizations/${orgId}/widget-settings`, {
        auth: token,
      })
    ).body.widgetKey;

  it('the keyboard shortcuts help: one button, Tab stays on it, Escape closes', async () => {
    const opener = page.getByRole('button', { name: 'Keyboard shortcuts' });
    await opener.click();
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    await expect.poll(() => focused(page)).toEqual({ name: 'Close', inDialog: true });
    expect(await walk(page, 'Tab', 3)).toEqual(['Close', 'Close', 'Close']);
    expect(await walk(page, 'Shift+Tab', 3)).toEqual(['Close', 'Close', 'Close']);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await opener.evaluate((el) => el === document.activeElement)).toBe(true);
  });

  it('the widget key rotation: Tab wraps both ways, Escape cancels and nothing is rotated', async () => {
    const before = await widgetKey();
    await page.goto(`${fx.server.url}/app#/admin/widget`);
    const opener = page.getByRole('button', { name: 'Rotate the key' });
    await opener.click();
    const dialog = page.getByRole('alertdialog', { name: 'Rotate the widget key?' });
    await dialog.waitFor();
    await expect.poll(() => focused(page)).toEqual({ name: 'Cancel', inDialog: true });
    expect(await walk(page, 'Tab', 4)).toEqual(['Rotate now', 'Cancel', 'Rotate now', 'Cancel']);
    expect(await walk(page, 'Shift+Tab', 4)).toEqual(['Rotate now', 'Cancel', 'Rotate now', 'Cancel']);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await opener.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await widgetKey()).toBe(before);
  });

  it('the API key secret: Tab wraps both ways, Escape does not drop the secret', async () => {
    await page.goto(`${fx.server.url}/app#/admin/api-keys`);
    await page.locator('#key-name').fill('CI deploys');
    const opener = page.locator('form button[type=submit]', { hasText: 'Create' });
    await opener.click();
    const dialog = page.getByRole('dialog', { name: 'Your new API key' });
    await dialog.waitFor();
    await expect.poll(() => focused(page)).toEqual({ name: 'I have copied it', inDialog: true });
    expect(await walk(page, 'Tab', 4)).toEqual(['key-secret', 'Copy', 'I have copied it', 'key-secret']);
    expect(await walk(page, 'Shift+Tab', 4)).toEqual([
      'I have copied it',
      'Copy',
      'key-secret',
      'I have copied it',
    ]);

    // Escape keeps the dialog (the secret cannot be shown again) and points at the explicit way out.
    await page.locator('#key-secret').focus();
    await page.keyboard.press('Escape');
    expect(await dialog.count()).toBe(1);
    expect(await focused(page)).toEqual({ name: 'I have copied it', inDialog: true });
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog.count()).toBe(0);
    await page.locator('tr', { hasText: 'CI deploys' }).waitFor();
    expect(await opener.evaluate((el) => el === document.activeElement)).toBe(true);
  });
});
