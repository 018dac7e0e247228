import { AppError } from '../errors.js';

export { MailNotConfiguredError, MailRejectedError } from './unavailable.js';

/**
 * One message to send. Every field that ends up in a header (`to`, `subject`,
 * `replyTo`, `headers`) is checked by `checkOutgoingMail` before anything is
 * sent; `text` and `html` are bodies and are encoded by the adapter, so they
 * may hold any text.
 */
export interface OutgoingMail {
  /** Bare addresses (`someone@example.com`), at least one, at most `MAX_RECIPIENTS`. */
  to: string[];
  subject: string;
  /** The plain-text body; always sent, so every client can read the mail. */
  text: string;
  /** An HTML alternative. Whoever builds it escapes user text (see `livechat/transcript.ts`). */
  html?: string;
  /** A bare address replies go to, e.g. the visitor who filled the offline form. */
  replyTo?: string;
  /** Extra headers, e.g. `X-Parley-Conversation`. Names of the envelope and MIME structure are refused. */
  headers?: Record<string, string>;
}

/**
 * The Mailer port: hands outgoing mail (offline-form submissions,
 * transcripts, password resets) to a mail server. The sender (`From`) is the
 * deployment's, set in the adapter, never chosen per message.
 *
 * Contract, for every adapter (SMTP, or the disabled one when no server is
 * configured), proved by `test/mail.test.ts`:
 *
 * - `send` resolves once the mail server has accepted the message for every
 *   recipient (the SMTP transaction ended with 250). That is a hand-over, not
 *   delivery to a mailbox: a later bounce is not reported here. The resolved
 *   `messageId` is the `Message-ID` header the mail carries.
 * - `send` first checks the mail with `checkOutgoingMail`: a CR or LF in the
 *   subject, an address or a header (header injection), or a malformed
 *   address, rejects with `AppError('invalid_request')` naming the field, and
 *   nothing is sent.
 * - When the server cannot be reached, does not answer in time, refuses the
 *   configured credentials or answers "try later" (4xx), `send` rejects
 *   promptly with `DependencyUnavailableError('mail', …)`: nothing was
 *   accepted, and the caller may retry later or report 503.
 * - When the server refuses recipients for good (5xx, e.g. 550 no such
 *   mailbox), `send` rejects with `MailRejectedError` naming them. If it
 *   accepted the others, the message went to those (`accepted`): a caller
 *   must not resend it to them.
 * - With no mail server configured, `send` and `ping` reject with
 *   `MailNotConfiguredError`: mail is never dropped silently.
 * - `ping` resolves when the server answers and accepts the credentials
 *   (readiness); it rejects like `send`.
 * - `close` stops the adapter's connections; sends already handed over finish
 *   or fail, later ones are not expected.
 */
export interface Mailer {
  /** False for the disabled adapter: callers that must mail refuse before writing anything. */
  readonly configured: boolean;
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const MAX_RECIPIENTS = 50;
export const MAX_SUBJECT_LENGTH = 998; // RFC 5322's line limit, a bound for one header

// Deliberately plain: a local part and a domain with no spaces, quotes,
// brackets or separators. Rarer valid forms (quoted local parts) are refused
// rather than risk an address that parses differently in a header.
const ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+@[A-Za-z0-9\u0080-\uFFFF-]+(\.[A-Za-z0-9\u0080-\uFFFF-]+)*$/;
const HEADER_NAME = /^[A-Za-z0-9-]+$/;
const NEWLINE = /[\r\n]/;
/** Headers the adapter writes itself; a caller setting them could redirect or forge the mail. */
const RESERVED_HEADERS = new Set([
  'from',
  'sender',
  'to',
  'cc',
  'bcc',
  'reply-to',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'return-path',
  'content-type',
  'content-transfer-encoding',
]);

/** Whether `value` is a bare address this server will send to (at most 254 characters, RFC 5321). */
export function isMailAddress(value: string): boolean {
  return value.length <= 254 && ADDRESS.test(value);
}

/**
 * Rejects, with `AppError('invalid_request')` and the field at fault, a mail
 * whose headers could be forged from user text. Adapters call it first.
 */
export function checkOutgoingMail(mail: OutgoingMail): void {
  const invalid = (field: string, message: string) => new AppError('invalid_request', message, { field });
  if (mail.to.length === 0 || mail.to.length > MAX_RECIPIENTS) {
    throw invalid('to', `A mail needs 1 to ${MAX_RECIPIENTS} recipients.`);
  }
  for (const address of mail.to) {
    if (!isMailAddress(address)) throw invalid('to', 'A recipient is not a valid email address.');
  }
  if (mail.replyTo !== undefined && !isMailAddress(mail.replyTo)) {
    throw invalid('replyTo', 'The reply-to address is not a valid email address.');
  }
  if (NEWLINE.test(mail.subject)) throw invalid('subject', 'The subject may not contain line breaks.');
  if (mail.subject.trim() === '' || mail.subject.length > MAX_SUBJECT_LENGTH) {
    throw invalid('subject', `The subject must hold 1 to ${MAX_SUBJECT_LENGTH} characters.`);
  }
  for (const [name, value] of Object.entries(mail.headers ?? {})) {
    if (!HEADER_NAME.test(name) || RESERVED_HEADERS.has(name.toLowerCase()) || NEWLINE.test(value)) {
      throw invalid('headers', `The header ${JSON.stringify(name)} may not be set to this value.`);
    }
  }
}
