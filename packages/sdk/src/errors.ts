import type { ErrorCode } from '@parley/protocol';

/** Every code a `ParleyError` may carry: the server's catalogue plus the two failures that never reach it. */
export type ParleyErrorCode = ErrorCode | 'network_error' | 'timeout';

/**
 * The one error type the SDK throws for a failed request. `code` and `status`
 * come from the server's `{ error: { code, message, field?, retryAfter? } }`
 * body (see docs/errors.md); a request that never got an answer has status 0
 * and the code `network_error` or `timeout`.
 */
export class ParleyError extends Error {
  override readonly name = 'ParleyError';
  readonly code: ParleyErrorCode;
  /** HTTP status, 0 when no response arrived. */
  readonly status: number;
  /** Seconds to wait before retrying (429 and 503), from the body or the `Retry-After` header. */
  readonly retryAfter?: number;
  /** The request field at fault, on `invalid_request`. */
  readonly field?: string;

  constructor(
    code: ParleyErrorCode,
    message: string,
    options: { status?: number; retryAfter?: number; field?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? 0;
    if (options.retryAfter !== undefined) this.retryAfter = options.retryAfter;
    if (options.field !== undefined) this.field = options.field;
  }
}

export function isParleyError(e: unknown): e is ParleyError {
  return e instanceof ParleyError;
}

/**
 * Builds the error for a non-2xx response. A body that is not the server's error
 * shape (a proxy's HTML page, say) still gives a typed error chosen from the
 * status, with the status kept.
 */
export function errorFromResponse(status: number, headers: Headers, body: unknown): ParleyError {
  const error = isRecord(body) && isRecord(body.error) ? body.error : null;
  // The catalogue is closed, but a newer server may add codes: keep the server's word over a guess.
  const code = error && typeof error.code === 'string' ? (error.code as ErrorCode) : fallbackCode(status);
  const message = error && typeof error.message === 'string' ? error.message : `HTTP ${status}`;
  const retryAfter =
    error && typeof error.retryAfter === 'number'
      ? error.retryAfter
      : parseRetryAfter(headers.get('retry-after'));
  const field = error && typeof error.field === 'string' ? error.field : undefined;
  return new ParleyError(code, message, {
    status,
    ...(retryAfter !== undefined && { retryAfter }),
    ...(field !== undefined && { field }),
  });
}

function fallbackCode(status: number): ErrorCode {
  switch (status) {
    case 401:
      return 'unauthenticated';
    case 403:
      return 'forbidden';
    case 404:
      return 'route_not_found';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    case 429:
      return 'rate_limited';
    case 503:
      return 'service_unavailable';
    default:
      return status >= 500 ? 'internal_error' : 'invalid_request';
  }
}

/** `Retry-After` is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
