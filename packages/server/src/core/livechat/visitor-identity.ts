import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Id } from '@parley/protocol';
import { AppError } from '../errors.js';

/**
 * Identity verification for widget visitors: how a site tells Parley "this visitor is my logged-in
 * customer 42" without trusting the browser.
 *
 * The site's backend holds the organization's identity secret (never sent to the browser) and,
 * when it renders a page for a logged-in customer, computes
 *
 *     signature = hex(HMAC-SHA256(secret, userId + "." + timestamp))
 *
 * where `timestamp` is the current time in milliseconds since the Unix epoch, written in decimal
 * without leading zeros, sign or exponent (what `String(Date.now())` gives). It hands
 * `{ userId, timestamp, signature }` to the widget (`identify(...)`), which passes it on
 * unchanged. `userId` follows the protocol's id pattern, which is why the message is unambiguous
 * even when the id contains dots: the timestamp is everything after the last one.
 *
 * A signature is a bearer proof: whoever holds it may act as that customer until it goes stale,
 * so it is accepted for a few minutes only, and once only (see `replayKey`).
 */
export interface IdentityProof {
  userId: unknown;
  /** Milliseconds since the epoch: an integer, or the same integer as a decimal string. */
  timestamp: unknown;
  /** 64 hex digits; either case. */
  signature: unknown;
}

export interface VerifyIdentityOptions {
  /** How old a timestamp may be. Default 5 minutes. */
  maxAgeMs?: number;
  /** How far ahead of our clock a timestamp may be, for clock skew. Default 1 minute. */
  maxFutureMs?: number;
}

export type IdentityVerdict =
  | {
      ok: true;
      userId: string;
      /**
       * The replay contract. The caller records `replayKey`, scoped to the organization whose
       * secret verified it, in a store of used keys, and rejects the proof when the key is
       * already there; the check and the insert are one atomic step (insert-if-absent), so two
       * concurrent requests with one proof cannot both pass. The key must be kept at least
       * until `replayKeyUntilMs`, when the proof becomes stale and would be refused anyway;
       * after that it may be dropped, so the store stays bounded. The key is a digest of the
       * signature, not the signature itself: a leaked store of keys proves nothing.
       */
      replayKey: string;
      /** `timestamp + maxAgeMs`: the last instant this proof is accepted as fresh. */
      replayKeyUntilMs: number;
    }
  | { ok: false; reason: 'bad_signature' | 'stale' | 'future' | 'malformed' };

/** HMAC-SHA256 keys shorter than this are refused: a secret should carry at least 256 bits. */
export const MIN_IDENTITY_SECRET_BYTES = 32;
export const DEFAULT_MAX_AGE_MS = 5 * 60_000;
export const DEFAULT_MAX_FUTURE_MS = 60_000;

const ID_PATTERN = new RegExp(Id.pattern ?? '^$');
const SIGNATURE = /^[0-9a-fA-F]{64}$/;
/** Canonical decimal only: `'01'`, `'1e3'` or `' 1'` would sign a different message than they mean. */
const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;
const REPLAY_KEY_CONTEXT = 'parley.livechat.identity.replay.v1:';

/**
 * What the site's backend computes (shown here for the docs and used by tests): the hex
 * HMAC-SHA256 of `userId + "." + timestamp` under `secret`.
 */
export function signIdentity(secret: string | Uint8Array, userId: string, timestamp: number): string {
  checkSecret(secret);
  if (!isUserId(userId)) {
    throw new AppError('invalid_request', 'userId must match the id pattern.', { field: 'userId' });
  }
  if (!isTimestamp(timestamp)) {
    throw new AppError('invalid_request', 'timestamp must be an integer number of milliseconds.', {
      field: 'timestamp',
    });
  }
  return mac(secret, userId, timestamp).toString('hex');
}

/**
 * Checks a visitor's identity proof at `nowMs`. Checks run in order, and the first failure is
 * the reason: `malformed` (shape and format), then `bad_signature` (compared in constant time),
 * then `stale` (older than `maxAgeMs`) or `future` (more than `maxFutureMs` ahead). So freshness
 * is reported only for proofs our secret really signed, where it points at the site's clock or
 * caching. An age of exactly `maxAgeMs`, or a lead of exactly `maxFutureMs`, is accepted.
 *
 * A bad secret is a configuration error, not the visitor's: it throws `invalid_request`.
 */
export function verifyIdentity(
  input: IdentityProof,
  secret: string | Uint8Array,
  nowMs: number,
  { maxAgeMs = DEFAULT_MAX_AGE_MS, maxFutureMs = DEFAULT_MAX_FUTURE_MS }: VerifyIdentityOptions = {},
): IdentityVerdict {
  checkSecret(secret);
  if (typeof input !== 'object' || input === null) return { ok: false, reason: 'malformed' };
  const { userId, signature } = input;
  const timestamp = parseTimestamp(input.timestamp);
  if (
    !isUserId(userId) ||
    timestamp === null ||
    typeof signature !== 'string' ||
    !SIGNATURE.test(signature)
  ) {
    return { ok: false, reason: 'malformed' };
  }
  // Both buffers are 32 bytes (the pattern fixed the length), as timingSafeEqual requires.
  const given = Buffer.from(signature, 'hex');
  if (!timingSafeEqual(mac(secret, userId, timestamp), given)) return { ok: false, reason: 'bad_signature' };
  if (nowMs - timestamp > maxAgeMs) return { ok: false, reason: 'stale' };
  if (timestamp - nowMs > maxFutureMs) return { ok: false, reason: 'future' };
  // Hashing the decoded bytes makes `AB…` and `ab…` one key: changing case cannot dodge replay.
  const replayKey = createHash('sha256').update(REPLAY_KEY_CONTEXT).update(given).digest('base64url');
  return { ok: true, userId, replayKey, replayKeyUntilMs: timestamp + maxAgeMs };
}

function mac(secret: string | Uint8Array, userId: string, timestamp: number): Buffer {
  return createHmac('sha256', secret).update(`${userId}.${timestamp}`).digest();
}

function checkSecret(secret: unknown): void {
  const bytes =
    typeof secret === 'string' ? Buffer.byteLength(secret) : secret instanceof Uint8Array ? secret.length : 0;
  if (bytes < MIN_IDENTITY_SECRET_BYTES) {
    throw new AppError(
      'invalid_request',
      `An identity secret must be at least ${MIN_IDENTITY_SECRET_BYTES} bytes.`,
      { field: 'secret' },
    );
  }
}

function isUserId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 128 && ID_PATTERN.test(value);
}

function isTimestamp(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function parseTimestamp(value: unknown): number | null {
  if (isTimestamp(value)) return value;
  if (typeof value === 'string' && DECIMAL.test(value)) {
    const parsed = Number(value);
    return isTimestamp(parsed) ? parsed : null;
  }
  return null;
}
