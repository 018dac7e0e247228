import { ERRORS, type ErrorCode } from '@parley/protocol';
import { DependencyUnavailableError } from './ports/unavailable.js';

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
 * `service_unavailable` (retry in a second) when the database or bus is
 * down. Null for anything else: an unexpected failure.
 */
export function knownError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (err instanceof DependencyUnavailableError) {
    return new AppError(
      'service_unavailable',
      `The ${err.dependency === 'store' ? 'database' : 'message bus'} is unavailable; retry shortly.`,
      { retryAfter: 1 },
    );
  }
  return null;
}
