import { checkOutgoingMail, type Mailer, type OutgoingMail } from '../core/ports/mailer.js';
import { MailNotConfiguredError } from '../core/ports/unavailable.js';

/**
 * The Mailer when no SMTP server is configured (the default for a local
 * start). It refuses every mail with `MailNotConfiguredError` rather than
 * dropping it, so a feature that needs mail fails visibly (503 "Email is not
 * configured on this server") instead of pretending a message left.
 */
export class DisabledMailer implements Mailer {
  readonly configured = false;

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    // A malformed mail is the caller's bug whatever the configuration: report that first.
    checkOutgoingMail(mail);
    throw new MailNotConfiguredError();
  }

  async ping(): Promise<void> {
    throw new MailNotConfiguredError();
  }

  async close(): Promise<void> {}
}
