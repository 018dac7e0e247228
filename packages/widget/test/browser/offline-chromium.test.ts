import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable } from '../../../sdk/test/browser/support/browser.js';
import { patientPolls, shot, startBrowserFixture, type BrowserFixture } from '../support/browser-fixture.js';
import { hostPage } from '../support/host-pages.js';
import { createOrganization } from '../support/organization.js';
import { startSmtp, type TestSmtp } from '../../../server/test/support/smtp.js';

/*
 * Issue 5 §8: the offline path delivers an email (read from a real SMTP server
 * in-process), and a page on an origin the organization does not allow gets no chat.
 */
describe.skipIf(!browserAvailable)(
  'the widget with nobody online, and on a refused origin, in Chromium',
  () => {
    patientPolls();
    let smtp: TestSmtp;
    let fx: BrowserFixture;
    let widgetSrc: string;

    beforeAll(async () => {
      smtp = await startSmtp();
      fx = await startBrowserFixture((c) => {
        c.smtpUrl = smtp.url;
        c.mailFrom = 'Parley <noreply@parley.test>';
      });
      widgetSrc = `${fx.server.url}/widget.js`;
    });
    afterAll(async () => {
      await fx?.close();
      await smtp?.close();
    });

    it('shows the offline form, mails the message to the organization, and confirms', async () => {
      const org = await createOrganization(fx.server.api, {
        allowedOrigins: [fx.pages.origin],
        title: 'Maison Support',
        offlineForm: { enabled: true, email: 'support@shop.example' },
      });
      await org.setAgentStatus('offline'); // nobody online
      const { page } = await fx.newPage();
      const errors: Error[] = [];
      page.on('pageerror', (err) => errors.push(err));
      await page.goto(fx.pages.set('offline-mail', hostPage(widgetSrc, { 'data-key': org.widgetKey })));
      await page.locator('parley-widget button.l').click();

      await page.locator('parley-widget #pw-f-message').waitFor();
      expect(await page.locator('parley-widget .intro').textContent()).toBe(
        'We are away right now. Leave us a message and we will answer by email.',
      );
      // No message box: there is nobody to chat with.
      expect(await page.locator('parley-widget #pw-input').count()).toBe(0);
      // An empty submission is refused field by field, and nothing is mailed.
      await page.locator('parley-widget button.primary').click();
      await expect.poll(() => page.locator('parley-widget .err').count()).toBe(3);
      expect(smtp.delivered).toEqual([]);

      await page.locator('parley-widget #pw-f-name').fill('Odile Martin');
      await page.locator('parley-widget #pw-f-email').fill('odile@example.com');
      await page.locator('parley-widget #pw-f-message').fill('My parcel 4411 never arrived. Can you check?');
      await shot(page, 'offline-form-filled');
      await page.locator('parley-widget button.primary').click();

      const thanks = page.locator('parley-widget .center[role="status"]');
      await expect.poll(() => thanks.textContent()).toBe('Thank you! We will get back to you by email.');
      await shot(page, 'offline-sent');

      // The mail reached the organization's address, answerable to the visitor.
      await expect.poll(() => smtp.delivered.length).toBe(1);
      const { rcptTo, mail } = smtp.delivered[0]!;
      expect(rcptTo).toEqual(['support@shop.example']);
      expect(mail.replyTo?.value.map((a) => a.address)).toEqual(['odile@example.com']);
      expect(mail.text).toContain('My parcel 4411 never arrived. Can you check?');
      expect(mail.text).toContain('Odile Martin');

      // And it is stored as an offline conversation of the organization.
      const conversationId = mail.headers.get('x-parley-conversation') as string;
      const stored = await fx.server.api<{ source: string }>(
        'GET',
        `/v1/organizations/${org.id}/conversations/${conversationId}`,
      );
      expect([stored.status, stored.body.source]).toEqual([200, 'offline']);
      expect(errors).toEqual([]);
    });

    it('opens no chat on an origin that is not allowed: the configuration is refused', async () => {
      const org = await createOrganization(fx.server.api, {
        allowedOrigins: ['https://shop.example'], // not the host page's origin
        launcherText: 'Ask the shop',
        fallbackContact: 'Call us on +33 1 23 45 67 89',
      });
      // What the server answers the page's origin (a browser hides a refused CORS response's body).
      const refused = await fx.server.api<{ error: { code: string } }>(
        'GET',
        `/v1/widget/${org.widgetKey}/config`,
        {
          auth: null,
          headers: { origin: fx.pages.origin },
        },
      );
      expect([refused.status, refused.body.error.code]).toEqual([403, 'origin_not_allowed']);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();

      const { page } = await fx.newPage();
      const errors: Error[] = [];
      page.on('pageerror', (err) => errors.push(err));
      const visitorCalls: string[] = [];
      page.on('request', (r) => {
        if (r.url().includes('/v1/widget/')) visitorCalls.push(new URL(r.url()).pathname);
      });
      const blocked: string[] = [];
      page.on('console', (m) => m.text().includes('blocked by CORS policy') && blocked.push(m.text()));
      // The 403 carries no Access-Control-Allow-Origin: the page sees a failed request, not the refusal.
      const config = page.waitForEvent('requestfailed', (r) =>
        r.url().endsWith(`/v1/widget/${org.widgetKey}/config`),
      );
      await page.goto(fx.pages.set('refused', hostPage(widgetSrc, { 'data-key': org.widgetKey })));
      expect((await config).failure()?.errorText).toBe('net::ERR_FAILED');
      await expect.poll(() => blocked.length).toBe(1);

      // The launcher is drawn without the organization's settings (none came), and opening it
      // shows the "unavailable" note, not a chat: no chat chunk, no visitor, no conversation.
      const launcher = page.locator('parley-widget button.l');
      await expect.poll(() => launcher.textContent()).toBe('Chat with us');
      await launcher.click();
      const note = page.locator('parley-widget [role="dialog"]');
      await expect.poll(() => note.textContent()).toContain('The chat is unavailable right now.');
      expect(await page.locator('parley-widget .panel, parley-widget #pw-input').count()).toBe(0);
      // The fallback contact is in the refused configuration: there is none to show, not even empty.
      expect(await page.locator('parley-widget .fallback').count()).toBe(0);
      expect(visitorCalls).toEqual([`/v1/widget/${org.widgetKey}/config`]);
      await shot(page, 'origin-refused');
      // The note closes like the panel does, back to the launcher.
      await page.keyboard.press('Escape');
      await expect.poll(() => note.count()).toBe(0);
      expect(await launcher.getAttribute('aria-expanded')).toBe('false');
      expect(errors).toEqual([]);
    });
  },
);
