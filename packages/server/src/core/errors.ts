import { ERRORS, type ErrorCode } from '@parley/protocol';

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
