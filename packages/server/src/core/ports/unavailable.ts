/**
 * Thrown by an adapter when the service behind a port (database, broker,
 * mail server) cannot be reached or dropped the connection mid-operation. The operation
 * did not happen, or for a write whose commit reply was lost it may have
 * happened: callers retry with the same idempotency key. Transports answer it
 * with `service_unavailable` (503) at once rather than waiting.
 */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: 'store' | 'bus' | 'mail',
    override readonly cause: unknown,
  ) {
    super(`${dependency} unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'DependencyUnavailableError';
  }
}

/**
 * Thrown by the disabled mailer: no mail server is configured
 * (`PARLEY_SMTP_URL`), so no mail can be sent. Unlike an unavailable
 * dependency, retrying will not help until an operator configures one.
 */
export class MailNotConfiguredError extends Error {
  constructor() {
    super('mail is not configured: set PARLEY_SMTP_URL and PARLEY_MAIL_FROM');
    this.name = 'MailNotConfiguredError';
  }
}

/** The server refused the message for some recipients, for good (a 5xx reply). */
export class MailRejectedError extends Error {
  constructor(
    /** The recipients the server refused. */
    readonly rejected: string[],
    /** The recipients the message did reach the server for (when the refusal was partial). */
    readonly accepted: string[],
    /** The server's reply, e.g. `550 5.1.1 No such user`. */
    readonly response: string,
  ) {
    super(`The mail server refused ${rejected.join(', ')}: ${response}`);
    this.name = 'MailRejectedError';
  }
}
