import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusinessHours, DepartmentWidget, WidgetSettings } from '@parley/protocol';
import { fromSite, SITE, widgetSettings } from '../../server/test/support/livechat.js';
import {
  browserAvailable,
  patientPolls,
  seriousViolations,
  setUpFirstAdmin,
  shot,
  startBrowserFixture,
  type BrowserFixture,
} from './support/dashboard.js';

const ADMIN = { email: 'odile@example.com', password: 'correct horse battery', name: 'Odile' };
const XSS = '<img src=x onerror="window.__xss=1">';

/**
 * The administration's business hours (edited in place, holidays, attached
 * to departments) and widget (key rotation, department overrides) in
 * Chromium, against a real server set up by its first admin.
 */
describe.skipIf(!browserAvailable)('business hours and widget administration, in Chromium', () => {
  patientPolls(15_000);
  let fx: BrowserFixture;
  let page: Page;
  let orgId: string;
  let token: string;
  let sales: string;
  let support: string;
  let hoursId: string;

  const api = <T>(method: string, path: string, body?: unknown) =>
    fx.server.api<T>(method, path, { auth: token, ...(body !== undefined && { body }) });
  const org = (path: string) => `/v1/organizations/${orgId}${path}`;
  const xssFired = () => page.evaluate(() => (window as unknown as { __xss?: number }).__xss);
  const noSidewaysScroll = () => page.evaluate(() => document.documentElement.scrollWidth);

  beforeAll(async () => {
    fx = await startBrowserFixture();
    page = (await fx.newPage({ viewport: { width: 1280, height: 800 } })).page;
    const session = await setUpFirstAdmin(page, fx.server.url, { ...ADMIN, organization: 'Maison Horaires' });
    orgId = session.account.organizationId;
    token = session.accessToken;
    sales = (await api<{ id: string }>('POST', org('/departments'), { name: 'Sales' })).body.id;
    support = (await api<{ id: string }>('POST', org('/departments'), { name: 'Support' })).body.id;
    expect(sales && support).toBeTruthy();
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('creates business hours with holidays, and the name stays inert text', async () => {
    await page.goto(`${fx.server.url}/app#/admin/hours`);
    await page.locator('#hours-name').fill(`Weekdays ${XSS}`);
    await page.locator('#hours-tz').fill('Europe/Paris');
    for (const [date, name] of [
      ['2026-12-25', 'Noël'],
      ['2026-12-26', ''],
    ]) {
      await page.locator('#hours-hol-date').fill(date!);
      await page.locator('#hours-hol-name').fill(name!);
      await page.locator('#hours-hol-name').press('Enter'); // adds the holiday, submits nothing
    }
    const newForm = page.locator('[data-testid=hours-form]');
    expect(await newForm.locator('.holiday-list li').count()).toBe(2);
    await newForm.getByRole('button', { name: 'Remove the holiday 2026-12-26' }).click();
    expect(await newForm.locator('.holiday-list li').allTextContents()).toEqual(['2026-12-25NoëlRemove']);
    await newForm.locator('button[type=submit]').click();
    const card = page.locator('.hours-item');
    await card.waitFor();
    const list = await api<{ items: BusinessHours[] }>('GET', org('/business-hours'));
    expect(list.body.items).toHaveLength(1);
    const bh = list.body.items[0]!;
    hoursId = bh.id;
    expect(bh.name).toBe(`Weekdays ${XSS}`);
    expect(bh.schedule.timeZone).toBe('Europe/Paris');
    expect(bh.schedule.holidays).toEqual([{ date: '2026-12-25', name: 'Noël' }]);
    expect(bh.schedule.weekly.map((w) => w.day)).toEqual([1, 2, 3, 4, 5]);
    // The XSS payload is a name like any other: text, never markup.
    expect(await card.locator('h2').textContent()).toBe(`Weekdays ${XSS}`);
    expect(await card.locator('img').count()).toBe(0);
    expect(await xssFired()).toBeUndefined();
    expect(await card.locator('.holiday-summary').textContent()).toBe('Holidays: 2026-12-25 (Noël)');
  });

  it('edits a schedule in place: name, time zone, days, ranges and holidays', async () => {
    const card = page.locator(`.hours-item[data-hours-id=${hoursId}]`);
    await card.getByRole('button', { name: `Edit: Weekdays ${XSS}` }).click();
    const form = card.locator('[data-testid=hours-edit-form]');
    await form.waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('hours-edit-name');
    expect(await form.locator('#hours-edit-tz').inputValue()).toBe('Europe/Paris');
    await form.locator('#hours-edit-name').fill('Support hours');
    await form.locator('#hours-edit-tz').fill('America/New_York');
    // Monday: two ranges; Saturday: open in the morning; Friday: closed.
    await form.getByRole('button', { name: 'Add hours on Monday' }).click();
    await form.getByLabel('Closes: Monday', { exact: true }).fill('12:00');
    await form.getByLabel('Opens: Monday (2)').fill('13:30');
    await form.getByLabel('Closes: Monday (2)').fill('18:00');
    await form.getByLabel('Open: Saturday').check();
    await form.getByLabel('Opens: Saturday', { exact: true }).fill('10:00');
    await form.getByLabel('Closes: Saturday', { exact: true }).fill('14:00');
    await form.getByLabel('Open: Friday').uncheck();
    // Holidays: Noël goes, New Year comes.
    await form.getByRole('button', { name: 'Remove the holiday 2026-12-25 Noël' }).click();
    await form.locator('#hours-edit-hol-date').fill('2027-01-01');
    await form.locator('#hours-edit-hol-name').fill('New Year');
    await form.getByRole('button', { name: 'Add the holiday' }).click();
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'admin-hours-edit');
    await form.locator('button[type=submit]').click();
    await expect.poll(() => card.locator('.alert.ok').textContent()).toBe('Saved.');
    expect(await card.locator('h2').textContent()).toBe('Support hours');
    // The edit button has the focus back once the form has closed.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Edit: Support hours');

    const saved = (await api<BusinessHours>('GET', org(`/business-hours/${hoursId}`))).body;
    expect(saved.name).toBe('Support hours');
    expect(saved.schedule.timeZone).toBe('America/New_York');
    expect(saved.schedule.holidays).toEqual([{ date: '2027-01-01', name: 'New Year' }]);
    const weekly = saved.schedule.weekly.map((w) => `${w.day} ${w.open}-${w.close}`).sort();
    expect(weekly).toEqual([
      '1 09:00-12:00',
      '1 13:30-18:00',
      '2 09:00-18:00',
      '3 09:00-18:00',
      '4 09:00-18:00',
      '6 10:00-14:00',
    ]);
    expect(await card.locator('.week-summary').textContent()).toContain('Mon 09:00–12:00, 13:30–18:00');
    expect(await card.locator('.week-summary').textContent()).toContain('Fri Closed');
  });

  it('shows a server refusal with the field at fault', async () => {
    await page.locator('#hours-name').fill('Martian hours');
    await page.locator('#hours-tz').fill('Mars/Olympus_Mons');
    await page.locator('[data-testid=hours-form] button[type=submit]').click();
    await expect.poll(() => page.locator('.alert.error').textContent()).toMatch(/schedule\.timeZone/);
    expect((await api<{ items: BusinessHours[] }>('GET', org('/business-hours'))).body.items).toHaveLength(1);
  });

  it('attaches business hours to departments and detaches them', async () => {
    const card = page.locator(`.hours-item[data-hours-id=${hoursId}]`);
    const box = (name: string) => card.getByRole('checkbox', { name, exact: true });
    const attached = async (dep: string) =>
      (
        await api<{ items: BusinessHours[] }>('GET', org(`/departments/${dep}/business-hours`))
      ).body.items.map((x) => x.id);
    expect(await page.locator('[data-testid=following-all]').textContent()).toContain('Sales, Support');
    await box('Sales').check();
    await expect
      .poll(() => card.locator('.alert.ok').textContent())
      .toBe('Sales now follows “Support hours”.');
    expect(await attached(sales)).toEqual([hoursId]);
    await box('Support').check();
    await expect.poll(() => attached(support)).toEqual([hoursId]);
    expect(await page.locator('[data-testid=following-all]').textContent()).toBe(
      'Every department follows the business hours attached to it.',
    );
    await box('Support').uncheck();
    await expect
      .poll(() => card.locator('.alert.ok').textContent())
      .toBe('Support no longer follows “Support hours”.');
    expect(await attached(support)).toEqual([]);
    expect(await page.locator('[data-testid=following-all]').textContent()).toContain(': Support.');

    // What the screen shows is what the server has.
    await page.reload();
    await box('Sales').waitFor();
    expect(await box('Sales').isChecked()).toBe(true);
    expect(await box('Support').isChecked()).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'admin-hours');
  });

  it('rotates the widget key after a confirmation, keeping unsaved changes', async () => {
    await api('PUT', org('/widget-settings'), widgetSettings());
    const before = (await api<{ widgetKey: string }>('GET', org('/widget-settings'))).body.widgetKey;
    await page.goto(`${fx.server.url}/app#/admin/widget`);
    const snippet = page.locator('[data-testid=snippet]');
    await expect.poll(() => snippet.textContent()).toContain(before);
    await page.locator('#w-subtitle').fill('An unsaved draft');

    await page.getByRole('button', { name: 'Rotate the key' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Rotate the widget key?' });
    expect(await dialog.textContent()).toContain('stops working at once');
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'admin-widget-rotate');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await dialog.count()).toBe(0);
    expect((await api<{ widgetKey: string }>('GET', org('/widget-settings'))).body.widgetKey).toBe(before);

    await page.getByRole('button', { name: 'Rotate the key' }).click();
    await dialog.getByRole('button', { name: 'Rotate now' }).click();
    await expect.poll(() => page.locator('.rotate-key .alert.ok').textContent()).toMatch(/replaced/);
    const after = (await api<{ widgetKey: string }>('GET', org('/widget-settings'))).body.widgetKey;
    expect(after).not.toBe(before);
    expect(await snippet.textContent()).toBe(
      `<script type="module" src="${fx.server.url}/widget.js" data-key="${after}"></script>`,
    );
    expect(await page.locator('#w-subtitle').inputValue()).toBe('An unsaved draft');
    // The old key names nothing any more; the new one does.
    const old = await fromSite<{ error: { code: string } }>(
      fx.server.api,
      'GET',
      `/v1/widget/${before}/config`,
    );
    expect([old.status, old.body.error.code]).toEqual([404, 'widget_not_found']);
    const fresh = await fromSite(fx.server.api, 'GET', `/v1/widget/${after}/config`, { origin: SITE });
    expect(fresh.status).toBe(200);
  });

  it('saves and drops a department’s widget overrides', async () => {
    await page.goto(`${fx.server.url}/app#/admin/widget`);
    await page.locator('#o-department').selectOption(sales);
    const form = page.locator('.override-form');
    await expect.poll(() => form.locator('p.hint[role=status]').textContent()).toMatch(/No overrides/);
    // Inherited fields show the organization's value, read-only.
    expect(await form.locator('#o-title').inputValue()).toBe('Help');
    expect(await form.locator('#o-title').isDisabled()).toBe(true);

    await form.getByLabel('Use the organization’s value for Title').uncheck();
    await form.locator('#o-title').fill(`Sales ${XSS}`);
    await form.getByLabel('Use the organization’s value for Colour').uncheck();
    await form.locator('#o-color-text').fill('#116633');
    await form.getByLabel('Use the organization’s value for Welcome messages').uncheck();
    await form.locator('#o-welcomeMessages').fill('Hi from sales\nAsk us anything');
    const preview = page.locator('[data-testid=override-preview]');
    await expect.poll(() => preview.locator('.wp-title').textContent()).toBe(`Sales ${XSS}`);
    expect(await preview.locator('.wp-launcher').textContent()).toBe('Chat');

    // A refusal names the field: two pre-chat fields with one key.
    await form.getByLabel('Use the organization’s value for Pre-chat form').uncheck();
    await form.getByRole('button', { name: 'Add a field' }).click();
    await form.getByLabel('Label 2').fill('Order');
    await form.getByLabel('Key 2').fill('name');
    await form.locator('button[type=submit]').click();
    await expect.poll(() => form.locator('.alert.error').textContent()).toMatch(/preChatForm\[1\]\.key/);
    await form.getByLabel('Use the organization’s value for Pre-chat form').check();

    await form.locator('button[type=submit]').click();
    await expect.poll(() => form.locator('.alert.ok').textContent()).toBe('Saved.');
    const saved = (await api<DepartmentWidget>('GET', org(`/departments/${sales}/widget-settings`))).body;
    expect(saved.override).toEqual({
      title: `Sales ${XSS}`,
      color: '#116633',
      welcomeMessages: ['Hi from sales', 'Ask us anything'],
    });
    const resolved = (
      await api<WidgetSettings>('GET', `${org('/widget-settings/resolved')}?departmentId=${sales}`)
    ).body;
    expect([resolved.title, resolved.launcherText]).toEqual([`Sales ${XSS}`, 'Chat']);
    expect(await xssFired()).toBeUndefined();
    expect(await page.locator('.override-editor img').count()).toBe(0);

    // After a reload the form shows what was saved.
    await page.reload();
    await page.locator('#o-department').selectOption(sales);
    await expect.poll(() => form.locator('#o-title').inputValue()).toBe(`Sales ${XSS}`);
    expect(await form.locator('#o-title').isDisabled()).toBe(false);
    expect(await form.locator('p.hint[role=status]').textContent()).toBe(
      'This department overrides 3 fields.',
    );
    expect(await seriousViolations(page)).toEqual([]);
    await form.scrollIntoViewIfNeeded();
    await shot(page, 'admin-widget-overrides');

    page.once('dialog', (d) => void d.accept());
    await form.getByRole('button', { name: 'Drop the overrides' }).click();
    await expect.poll(() => form.locator('.alert.ok').textContent()).toMatch(/Overrides dropped/);
    const dropped = (await api<DepartmentWidget>('GET', org(`/departments/${sales}/widget-settings`))).body;
    expect(dropped.override).toEqual({});
    expect(await form.locator('#o-title').inputValue()).toBe('Help');
  });

  it('is usable on a phone (390×844): hours and widget', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${fx.server.url}/app#/admin/hours`);
    await page.locator('.hours-item').waitFor();
    expect(await noSidewaysScroll()).toBeLessThanOrEqual(390);
    await page.getByRole('button', { name: 'Edit: Support hours' }).click();
    await page.locator('[data-testid=hours-edit-form]').waitFor();
    expect(await noSidewaysScroll()).toBeLessThanOrEqual(390);
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'admin-hours-phone');
    await page.goto(`${fx.server.url}/app#/admin/widget`);
    await page.locator('#o-department').selectOption(support);
    await page.locator('.override-form').waitFor();
    expect(await noSidewaysScroll()).toBeLessThanOrEqual(390);
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'admin-widget-overrides-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('speaks French too', async () => {
    await page.goto(`${fx.server.url}/app#/admin/hours`);
    await page.locator('select.language').selectOption('fr');
    await page.locator('legend', { hasText: 'Services qui suivent ces horaires' }).waitFor();
    await page.locator('.admin-nav a[data-section=widget]').click();
    await page.locator('h2', { hasText: 'Réglages par service' }).waitFor();
    await page.getByRole('button', { name: 'Changer de clé' }).waitFor();
    await page.locator('select.language').selectOption('en');
  });
});
