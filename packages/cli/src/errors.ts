import { ParleyError } from '@parley/sdk';

/**
 * Exit codes of the `parley` command, part of its interface (docs/cli.md):
 * scripts branch on them, so they never change meaning.
 */
export const EXIT = {
  ok: 0,
  /** The server refused the request (4xx other than below, or 500). */
  apiError: 1,
  /** Bad flags or arguments, or missing configuration; nothing was sent. */
  usage: 2,
  /** 401 or 403: the credential is missing on the server side, invalid, expired, revoked or not allowed. */
  auth: 3,
  notFound: 4,
  rateLimited: 5,
  /** The server could not be reached, timed out, or answered 502/503/504. */
  unavailable: 6,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A mistake in how the command was called, found before contacting the server. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** What the CLI reports for a failure: the exit code, a one-line message and the machine-readable details. */
export interface Failure {
  exitCode: ExitCode;
  message: string;
  details: { code: string; message: string; status?: number; field?: string; retryAfter?: number };
}

/** Maps anything an action threw to a failure; `endpoint` names the server in network errors. */
export function describeFailure(err: unknown, endpoint: string | undefined): Failure {
  if (err instanceof UsageError) {
    return { exitCode: EXIT.usage, message: err.message, details: { code: 'usage', message: err.message } };
  }
  if (err instanceof CliFailure) {
    return {
      exitCode: err.exitCode,
      message: err.message,
      details: { code: err.code, message: err.message },
    };
  }
  if (err instanceof ParleyError) return describeParleyError(err, endpoint);
  const message = err instanceof Error ? err.message : String(err);
  return { exitCode: EXIT.apiError, message, details: { code: 'internal_error', message } };
}

function describeParleyError(err: ParleyError, endpoint: string | undefined): Failure {
  const details: Failure['details'] = { code: err.code, message: err.message };
  if (err.status) details.status = err.status;
  if (err.field !== undefined) details.field = err.field;
  if (err.retryAfter !== undefined) details.retryAfter = err.retryAfter;
  const where = endpoint ?? 'the server';

  if (err.code === 'network_error' || err.code === 'timeout') {
    const what = err.code === 'timeout' ? 'the request timed out' : rootCause(err);
    return {
      exitCode: EXIT.unavailable,
      message: `cannot reach the Parley server at ${where}: ${what}`,
      details,
    };
  }
  const field = err.field ? ` (field: ${err.field})` : '';
  const base = `${err.message}${field} [${err.code}, HTTP ${err.status}]`;
  if (err.status === 429) {
    const wait = err.retryAfter !== undefined ? `retry in ${err.retryAfter} s` : 'retry later';
    return {
      exitCode: EXIT.rateLimited,
      message: `rate limited by the server: ${wait} [${err.code}, HTTP 429]`,
      details,
    };
  }
  if (err.status === 401 || err.status === 403) return { exitCode: EXIT.auth, message: base, details };
  if (err.status === 404) return { exitCode: EXIT.notFound, message: base, details };
  if (err.status === 502 || err.status === 503 || err.status === 504) {
    return { exitCode: EXIT.unavailable, message: `server unavailable at ${where}: ${base}`, details };
  }
  return { exitCode: EXIT.apiError, message: base, details };
}

/**
 * fetch() reports "fetch failed" and hides what went wrong (ECONNREFUSED,
 * ENOTFOUND...) at the end of a chain of `cause`s: the deepest one is the
 * sentence worth showing.
 */
function rootCause(err: Error): string {
  let deepest: Error = err;
  for (let depth = 0; deepest.cause instanceof Error && depth < 8; depth++) deepest = deepest.cause;
  return deepest.message || 'network error';
}

/** A failure the CLI detects itself with a known exit code (a `listen` connection the server ended for good). */
export class CliFailure extends Error {
  override readonly name = 'CliFailure';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly code: string,
  ) {
    super(message);
  }
}
