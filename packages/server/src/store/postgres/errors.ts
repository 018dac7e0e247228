import { DependencyUnavailableError } from '../../core/ports/unavailable.js';
import type { Target } from './connection.js';

// Which failures mean "the database is not there" (the port's DependencyUnavailableError),
// as opposed to an error of the statement itself, which passes through unchanged.

/** Socket-level failures: nothing answered, or the connection broke. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);

/**
 * Server refusals that say nothing about the statement: administrator or crash
 * shutdown (57P01, 57P02), still starting (57P03), too many connections (53300).
 * SQLSTATE class 08 (connection exception) is matched by prefix.
 */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

/** node-postgres reports its own connection failures as plain errors, recognisable by message only. */
const CLIENT_MESSAGES = [
  /^Connection terminated/, // socket closed, or its connect timeout fired
  /timeout exceeded when trying to connect/, // pg-pool waited connectTimeoutMs for a client
  /is not queryable/, // a client whose connection already failed
];

export function isUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_CODES.has(code) || /^08/.test(code))) {
    return true;
  }
  // Node tries every address of a host name and reports all failures together.
  if (err instanceof AggregateError && err.errors.some(isUnavailable)) return true;
  return CLIENT_MESSAGES.some((pattern) => pattern.test(err.message));
}

/** The error a Store method rejects with: unavailability becomes the port's error, anything else is kept. */
export function toStoreError(err: unknown): unknown {
  return isUnavailable(err) ? new DependencyUnavailableError('store', err) : err;
}

/** True for the unique violation of (thread_id, client_message_id): another writer stored that send first. */
export function isDuplicateClientMessageId(err: unknown): boolean {
  const e = err as { code?: unknown; constraint?: unknown } | null;
  return e?.code === '23505' && e.constraint === 'messages_client_message_id';
}

/**
 * A failure to open (connect, authenticate, migrate) as one sentence an
 * operator can act on. Names host and port, never the password: the URL is
 * not repeated, and the password is masked should a message contain it.
 */
export function openError(err: unknown, target: Target): Error {
  const where = `${target.host}:${target.port}`;
  const code = (err as { code?: unknown } | null)?.code;
  const detail = err instanceof Error ? err.message || String(code ?? err.name) : String(err);
  let message: string | null = null;
  if (code === '28P01' || code === '28000' || /^SASL|password/i.test(detail)) {
    message = `PostgreSQL at ${where} refused user "${target.user}": ${detail}`;
  } else if (code === '3D000') {
    message = `PostgreSQL at ${where}: ${detail}`;
  } else if (isUnavailable(err)) {
    const reason = typeof code === 'string' && NETWORK_CODES.has(code) ? code : detail;
    message = `cannot reach PostgreSQL at ${where}: ${reason}`;
  }
  if (message === null) {
    // Not a connection problem (e.g. a schema refused by the migrations): the original error says it best.
    if (err instanceof Error && !(target.password && err.message.includes(target.password))) return err;
    message = detail;
  }
  return new Error(mask(message, target.password), { cause: err });
}

function mask(text: string, password: string): string {
  return password ? text.split(password).join('***') : text;
}
