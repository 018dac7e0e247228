import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allowWidget,
  browserAvailable,
  bubbles,
  patientPolls,
  seriousViolations,
  shot,
  startBrowserFixture,
  storedSession,
  visitorStartsChat,
  type BrowserFixture,
} from './support/dashboard.js';

const ADMIN = { email: 'camille@example.com', password: 'correct horse battery', name: 'Camille' };

/**
 * Issue 6 §1 in Chromium, through the real sign-in routes: first-run setup,
 * the empty inbox, a visitor's conversation live, take, reply, resolve,
 * sign-out (the old token refused) and sign-in again. Needs `/v1/auth/*`:
 * without them this suite fails, it never skips.
 */
describe.skipIf(!browserAvailable)('first run, sign-in and sign-out, in Chromium', () => {
  patientPolls(15_000);
  let fx: BrowserFixture;
  let page: Page;

  beforeAll(async () => {
    fx = await startBrowserFixture();
    page = (await fx.newPage({ viewport: { width: 1280, height: 800 } })).page;
  });
  afterAll(() => fx?.close());

  const session = () => storedSession(page).catch(() => null);

  it('the auth routes exist on this server', async () => {
    const setup = await fx.server.api('GET', '/v1/auth/setup', { auth: null });
    expect(setup.status, 'GET /v1/auth/setup is not there yet').toBe(200);
  });

  it('first-run setup leads to the empty inbox; a visitor appears live; take, reply, resolve', async () => {
    await page.goto(`${fx.server.url}/app`);
    await page.locator('h1', { hasText: 'Welcome to Parley' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'setup');
    await page.locator('#organizationName').fill('Maison Support');
    await page.locator('#displayName').fill(ADMIN.name);
    await page.locator('#email').fill(ADMIN.email);
    await page.locator('#password').fill(ADMIN.password);
    await page.locator('button[type=submit]').click();
    await page.locator('.list-pane').waitFor();
    await page.locator('.tab', { hasText: 'Mine' }).click();
    await expect.poll(() => page.locator('.empty-title').textContent()).toBe('No conversations here.');

    const s = (await session())!;
    const orgId = s.account.organizationId;
    const widgetKey = await allowWidget(fx.server.api, orgId, fx.pages.origin);
    // Online, taking nothing by itself: the conversation waits in Unassigned.
    await page.locator('[data-testid=agent-status]').selectOption('online');
    const patched = await fx.server.api('PATCH', `/v1/organizations/${orgId}/agents/${s.account.userId}`, {
      body: { maxChats: 0 },
    });
    expect(patched.status).toBe(200);
    await page.locator('.tab', { hasText: 'Unassigned' }).click();

    const visitor = await visitorStartsChat(fx, widgetKey, 'Vera', 'Bonjour, my parcel is late');
    const row = page.locator('.row', { hasText: 'Vera' });
    await row.waitFor();
    await shot(page, 'auth-inbox-live');
    await row.click();
    await page.locator('.actions button', { hasText: 'Take' }).click();
    const composer = page.locator('#composer-input');
    await expect.poll(() => composer.getAttribute('readonly')).toBe(null);
    await composer.fill('Hello Vera, I am on it.');
    await composer.press('Enter');
    await expect
      .poll(() => visitor.locator('parley-widget .m:not(.me) .bubble').last().textContent())
      .toBe('Hello Vera, I am on it.');
    expect(await bubbles(page)).toEqual(['Bonjour, my parcel is late', 'Hello Vera, I am on it.']);
    await page.locator('[data-action=resolve]').click();
    await expect.poll(() => page.locator('.conv-title .pill').textContent()).toBe('Resolved');
  }, 120_000);

  it('sign-out returns to sign-in and the old token is refused; a wrong password gets a generic error', async () => {
    const before = (await session())!;
    await page.locator('button', { hasText: 'Sign out' }).click();
    await page.locator('h1', { hasText: 'Sign in to Parley' }).waitFor();
    expect(await session()).toBeNull();
    const me = await fx.server.api('GET', '/v1/auth/me', { auth: before.accessToken });
    expect(me.status).toBe(401);
    expect(await seriousViolations(page)).toEqual([]);

    await page.locator('#email').fill(ADMIN.email);
    await page.locator('#password').fill('not the password');
    await page.locator('button[type=submit]').click();
    await expect.poll(() => page.locator('[role=alert]').textContent()).toBe('Wrong email or password.');
    await page.locator('#email').fill('nobody@example.com');
    await page.locator('button[type=submit]').click();
    await expect.poll(() => page.locator('[role=alert]').textContent()).toBe('Wrong email or password.');
    await shot(page, 'sign-in-error');

    await page.locator('#email').fill(ADMIN.email);
    await page.locator('#password').fill(ADMIN.password);
    await page.locator('button[type=submit]').click();
    await page.locator('.list-pane').waitFor();
    expect((await session())!.accessToken).not.toBe(before.accessToken);
  });

  it('a session revoked elsewhere sends the app back to sign-in (4102 on the live connection)', async () => {
    const current = (await session())!;
    // Sign out with the same token from outside the page: the server closes the page's socket.
    const out = await fx.server.api('POST', '/v1/auth/sign-out', { auth: current.accessToken });
    expect(out.status).toBe(204);
    await page.locator('h1', { hasText: 'Sign in to Parley' }).waitFor();
    expect(await page.locator('.alert.ok').textContent()).toBe('Your session has ended. Sign in again.');
  });

  it('signing in from a deep link opens that page, not the inbox', async () => {
    await page.goto(`${fx.server.url}/app#/admin/canned`);
    await page.locator('h1', { hasText: 'Sign in to Parley' }).waitFor();
    await page.locator('#email').fill(ADMIN.email);
    await page.locator('#password').fill(ADMIN.password);
    await page.locator('button[type=submit]').click();
    await page.locator('.admin-nav a[data-section=canned][aria-current=page]').waitFor();
    expect(page.url()).toMatch(/#\/admin\/canned$/);
  });

  it('changes the password: this tab goes on, other sessions end, only the new password signs in', async () => {
    const other = (await fx.newPage({ viewport: { width: 1280, height: 800 } })).page;
    await other.goto(`${fx.server.url}/app`);
    await other.locator('#email').fill(ADMIN.email);
    await other.locator('#password').fill(ADMIN.password);
    await other.locator('button[type=submit]').click();
    await other.locator('.list-pane').waitFor();

    await page.locator('.topbar a.who').click();
    await page.locator('h1', { hasText: 'Your account' }).waitFor();
    expect(await page.locator('[data-testid=account-email]').textContent()).toBe(ADMIN.email);
    await page.locator('#current-password').fill('not the password');
    await page.locator('#new-password').fill('a much better passphrase');
    await page.locator('.account button[type=submit]').click();
    await expect
      .poll(() => page.locator('.account .alert.error').textContent())
      .toBe('The current password is wrong.');
    const before = (await session())!;
    await page.locator('#current-password').fill(ADMIN.password);
    await page.locator('button[type=submit]', { hasText: 'Change the password' }).click();
    await expect
      .poll(() => page.locator('.account .alert.ok').textContent())
      .toBe('Password changed. Your other sessions have ended.');
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'account-password-changed');
    // This tab holds a new session and stays signed in, live.
    const after = (await session())!;
    expect(after.accessToken).not.toBe(before.accessToken);
    expect((await fx.server.api('GET', '/v1/auth/me', { auth: before.accessToken })).status).toBe(401);
    expect((await fx.server.api('GET', '/v1/auth/me', { auth: after.accessToken })).status).toBe(200);
    await page.locator('.app-nav a', { hasText: 'Inbox' }).click();
    await page.locator('.list-pane').waitFor();
    await expect.poll(() => page.locator('.banner').count()).toBe(0);
    // The other browser is signed out.
    await other.locator('h1', { hasText: 'Sign in to Parley' }).waitFor();
    // The old password is no longer the password; the new one signs in. (Sign-ins per email are
    // limited to a burst of five: this file has used four.)
    const again = await fx.server.api('POST', '/v1/auth/password', {
      auth: after.accessToken,
      body: { currentPassword: ADMIN.password, newPassword: 'yet another passphrase' },
    });
    expect(again.status).toBe(401);
    const signIn = await fx.server.api('POST', '/v1/auth/sign-in', {
      auth: null,
      body: { email: ADMIN.email, password: 'a much better passphrase' },
    });
    expect(signIn.status).toBe(200);
  }, 90_000);

  it('the password-reset request screen says plainly when the server sends no email', async () => {
    // The test server has no SMTP: the route answers 409 mail_not_configured.
    await page.goto(`${fx.server.url}/app#/reset`);
    await page.locator('#email').fill('someone@example.com');
    await page.locator('button[type=submit]').click();
    await expect
      .poll(() => page.locator('.alert.error').textContent())
      .toBe('This server sends no email. Ask your administrator to reset your password.');
    await shot(page, 'reset-request');
  });
});
