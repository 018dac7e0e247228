import { ERRORS, type ErrorCode } from '@parley/protocol';
import {
  DependencyUnavailableError,
  MailNotConfiguredError,
  MailRejectedError,
} from './ports/unavailable.js';

const DEPENDENCY_NAMES: Record<DependencyUnavailableError['dependency'], string> = {
  store: 'database',
  bus: 'message bus',
  mail: 'mail server',
};

/**
 * The one error type the domain throws. It carries a catalogue code (so the
 * HTTP status and the documented meaning come with it) and, optionally, a more
 * precise message, the field at fault, or a retry delay.
 */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details: { field?: string; retryAfter?: number } = {},
  ) {
    super(message ?? ERRORS[code].message);
    this.name = 'AppError';
    this.status = ERRORS[code].status;
  }
}

/**
 * The catalogue error a transport reports for `err`: the AppError itself, or
 * `service_unavailable` (retry in a second) when the database, bus or mail
 * server is down, `mail_not_configured` or `mail_failed` for mail. Null for
 * anything else: an unexpected failure.
 */
export function knownError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (err instanceof DependencyUnavailableError) {
    return new AppError(
      'service_unavailable',
      `The ${DEPENDENCY_NAMES[err.dependency]} is unavailable; retry shortly.`,
      {
        retryAfter: 1,
      },
    );
  }
  // Retrying will not help here: an operator has to configure SMTP.
  if (err instanceof MailNotConfiguredError) return new AppError('mail_not_configured');
  if (err instanceof MailRejectedError) {
    return new AppError('mail_failed', `The mail server refused the message: ${err.response}`);
  }
  return null;
}
