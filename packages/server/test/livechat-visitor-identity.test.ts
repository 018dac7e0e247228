import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../src/core/errors.js';
import { signIdentity, verifyIdentity, type IdentityProof } from '../src/core/livechat/visitor-identity.js';

const SECRET = '0123456789abcdef0123456789abcdef'; // exactly 32 bytes
const OTHER_SECRET = 'fedcba9876543210fedcba9876543210';
const NOW = Date.UTC(2025, 0, 1); // 1735689600000
const MINUTE = 60_000;

function proof(userId = 'customer-42', timestamp = NOW, secret = SECRET): IdentityProof {
  return { userId, timestamp, signature: signIdentity(secret, userId, timestamp) };
}

function expectInvalid(run: () => unknown, field: string): void {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('invalid_request');
    expect((err as AppError).details.field).toBe(field);
    return;
  }
  throw new Error('expected an invalid_request error');
}

describe('signIdentity', () => {
  it('is the hex HMAC-SHA256 of "userId.timestamp" (fixed vector for the docs)', () => {
    expect(signIdentity(SECRET, 'customer-42', 1735689600000)).toBe(
      '3c282ef9341e60bb716b99d292f4d16e261480a532c289f2c1c7a4bc5af7b667',
    );
  });

  it('matches what any HMAC library computes', () => {
    const expected = createHmac('sha256', SECRET).update('a.b@c:d.1700000000123').digest('hex');
    expect(signIdentity(SECRET, 'a.b@c:d', 1700000000123)).toBe(expected);
  });

  it('accepts a secret given as bytes', () => {
    const bytes = Buffer.from(SECRET);
    expect(signIdentity(bytes, 'customer-42', NOW)).toBe(signIdentity(SECRET, 'customer-42', NOW));
  });

  it('refuses ids and timestamps the verifier would call malformed', () => {
    expectInvalid(() => signIdentity(SECRET, '', NOW), 'userId');
    expectInvalid(() => signIdentity(SECRET, 'has space', NOW), 'userId');
    expectInvalid(() => signIdentity(SECRET, 'x'.repeat(129), NOW), 'userId');
    expectInvalid(() => signIdentity(SECRET, 'customer-42', 1.5), 'timestamp');
    expectInvalid(() => signIdentity(SECRET, 'customer-42', -1), 'timestamp');
    expectInvalid(() => signIdentity(SECRET, 'customer-42', Number.NaN), 'timestamp');
    expectInvalid(() => signIdentity(SECRET, 'customer-42', 2 ** 53), 'timestamp');
  });
});

describe('identity secrets', () => {
  it('must be at least 32 bytes, counted in UTF-8 bytes for strings', () => {
    expectInvalid(() => signIdentity('x'.repeat(31), 'u', NOW), 'secret');
    expectInvalid(() => signIdentity(Buffer.alloc(31, 1), 'u', NOW), 'secret');
    expectInvalid(() => verifyIdentity(proof(), 'x'.repeat(31), NOW), 'secret');
    expectInvalid(() => verifyIdentity(proof(), '', NOW), 'secret');
    expect(() => signIdentity('x'.repeat(32), 'u', NOW)).not.toThrow();
    expect(() => signIdentity(Buffer.alloc(32, 1), 'u', NOW)).not.toThrow();
    // 16 characters, 32 bytes.
    expect(() => signIdentity('é'.repeat(16), 'u', NOW)).not.toThrow();
  });
});

describe('verifyIdentity', () => {
  it('accepts a fresh proof and returns the user id and a replay key', () => {
    const verdict = verifyIdentity(proof(), SECRET, NOW);
    expect(verdict).toEqual({
      ok: true,
      userId: 'customer-42',
      replayKey: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      replayKeyUntilMs: NOW + 5 * MINUTE,
    });
  });

  it('accepts ids using every character the id pattern allows', () => {
    const userId = 'A9_.:@-z';
    expect(verifyIdentity(proof(userId), SECRET, NOW)).toMatchObject({ ok: true, userId });
  });

  it('accepts the timestamp as a canonical decimal string and the signature in upper case', () => {
    const p = proof();
    const asString = verifyIdentity({ ...p, timestamp: String(NOW) }, SECRET, NOW);
    const upper = verifyIdentity({ ...p, signature: (p.signature as string).toUpperCase() }, SECRET, NOW);
    expect(asString.ok && upper.ok).toBe(true);
  });

  describe('bad_signature', () => {
    it.each([
      ['another secret', { ...proof('customer-42', NOW, OTHER_SECRET) }],
      ['another user id', { ...proof(), userId: 'customer-43' }],
      ['another timestamp', { ...proof(), timestamp: NOW + 1 }],
      ['a flipped hex digit', { ...proof(), signature: flipFirstDigit(proof().signature as string) }],
      ['all zeros', { ...proof(), signature: '0'.repeat(64) }],
    ])('rejects %s', (_label, input) => {
      expect(verifyIdentity(input, SECRET, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    });

    it('cannot reuse a signature by moving the last dot between id and timestamp', () => {
      // "a.1" + "." + "2" and "a" + "." + "1.2" are one message, but a timestamp has no dot.
      const signed = proof('a.1', 2);
      expect(verifyIdentity({ ...signed, userId: 'a', timestamp: '1.2' }, SECRET, 2)).toEqual({
        ok: false,
        reason: 'malformed',
      });
      expect(verifyIdentity({ ...signed, userId: 'a.1.2', timestamp: 0 }, SECRET, 2)).toEqual({
        ok: false,
        reason: 'bad_signature',
      });
    });

    it('is reported before freshness, so stale means "our secret signed this"', () => {
      const forged = { ...proof('customer-42', NOW - 60 * MINUTE), signature: 'a'.repeat(64) };
      expect(verifyIdentity(forged, SECRET, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    });
  });

  describe('freshness', () => {
    it('accepts an age of exactly maxAgeMs and rejects one millisecond more as stale', () => {
      expect(verifyIdentity(proof('u', NOW - 5 * MINUTE), SECRET, NOW).ok).toBe(true);
      expect(verifyIdentity(proof('u', NOW - 5 * MINUTE - 1), SECRET, NOW)).toEqual({
        ok: false,
        reason: 'stale',
      });
    });

    it('accepts a lead of exactly maxFutureMs and rejects one millisecond more as future', () => {
      expect(verifyIdentity(proof('u', NOW + MINUTE), SECRET, NOW).ok).toBe(true);
      expect(verifyIdentity(proof('u', NOW + MINUTE + 1), SECRET, NOW)).toEqual({
        ok: false,
        reason: 'future',
      });
    });

    it('honours custom limits and keeps the replay key until the proof goes stale', () => {
      const options = { maxAgeMs: 10_000, maxFutureMs: 0 };
      const old = proof('u', NOW - 10_001);
      expect(verifyIdentity(old, SECRET, NOW, options)).toEqual({ ok: false, reason: 'stale' });
      expect(verifyIdentity(proof('u', NOW + 1), SECRET, NOW, options)).toEqual({
        ok: false,
        reason: 'future',
      });
      const ahead = verifyIdentity(proof('u', NOW + MINUTE), SECRET, NOW);
      // A proof from the future stays fresh past now + maxAge: the key must outlive it.
      expect(ahead).toMatchObject({ ok: true, replayKeyUntilMs: NOW + MINUTE + 5 * MINUTE });
    });
  });

  describe('malformed', () => {
    const good = proof();
    it.each([
      ['null input', null],
      ['a string input', 'customer-42'],
      ['no userId', { timestamp: good.timestamp, signature: good.signature }],
      ['an empty userId', { ...good, userId: '' }],
      ['a userId starting with a dash', { ...good, userId: '-x' }],
      ['a userId with a space', { ...good, userId: 'a b' }],
      ['a userId with a trailing newline', { ...good, userId: 'customer-42\n' }],
      ['a userId of 129 characters', { ...good, userId: 'x'.repeat(129) }],
      ['an operator object as userId', { ...good, userId: { $ne: null } }],
      ['a numeric userId', { ...good, userId: 42 }],
      ['no timestamp', { userId: good.userId, signature: good.signature }],
      ['a fractional timestamp', { ...good, timestamp: NOW + 0.5 }],
      ['a negative timestamp', { ...good, timestamp: -1 }],
      ['NaN', { ...good, timestamp: Number.NaN }],
      ['Infinity', { ...good, timestamp: Number.POSITIVE_INFINITY }],
      ['an unsafe integer', { ...good, timestamp: 2 ** 53 }],
      ['a timestamp with a leading zero', { ...good, timestamp: `0${NOW}` }],
      ['a timestamp in exponent form', { ...good, timestamp: '1.7e12' }],
      ['a timestamp with spaces', { ...good, timestamp: ` ${NOW}` }],
      ['an empty timestamp string', { ...good, timestamp: '' }],
      ['a timestamp with a plus sign', { ...good, timestamp: `+${NOW}` }],
      ['no signature', { userId: good.userId, timestamp: good.timestamp }],
      ['a signature one digit short', { ...good, signature: (good.signature as string).slice(1) }],
      ['a signature one digit long', { ...good, signature: `${good.signature as string}0` }],
      ['a non-hex signature', { ...good, signature: 'g'.repeat(64) }],
      ['a base64 signature', { ...good, signature: Buffer.alloc(32).toString('base64') }],
      ['a buffer as signature', { ...good, signature: Buffer.alloc(32) }],
    ])('rejects %s', (_label, input) => {
      expect(verifyIdentity(input as IdentityProof, SECRET, NOW)).toEqual({ ok: false, reason: 'malformed' });
    });

    it('is reported before the signature and freshness are looked at', () => {
      const staleAndMalformed = { ...proof('u', NOW - 60 * MINUTE), userId: 'a b' };
      expect(verifyIdentity(staleAndMalformed, SECRET, NOW)).toEqual({ ok: false, reason: 'malformed' });
    });
  });

  describe('replayKey', () => {
    function keyOf(input: IdentityProof, secret = SECRET): string {
      const verdict = verifyIdentity(input, secret, NOW);
      if (!verdict.ok) throw new Error(`expected a valid proof, got ${verdict.reason}`);
      return verdict.replayKey;
    }

    it('is the same for the same proof, however often and whenever it is checked', () => {
      const p = proof();
      const first = verifyIdentity(p, SECRET, NOW);
      const later = verifyIdentity(p, SECRET, NOW + 4 * MINUTE);
      expect(first.ok && later.ok && first.replayKey === later.replayKey).toBe(true);
      expect(keyOf({ ...p })).toBe(keyOf(p));
    });

    it('cannot be dodged by re-encoding the same proof', () => {
      const p = proof();
      const key = keyOf(p);
      expect(keyOf({ ...p, signature: (p.signature as string).toUpperCase() })).toBe(key);
      expect(keyOf({ ...p, timestamp: String(NOW) })).toBe(key);
    });

    it('differs between proofs for another user, another time or another secret', () => {
      const keys = [
        keyOf(proof('customer-42', NOW)),
        keyOf(proof('customer-43', NOW)),
        keyOf(proof('customer-42', NOW - 1)),
        keyOf(proof('customer-42', NOW, OTHER_SECRET), OTHER_SECRET),
      ];
      expect(new Set(keys).size).toBe(keys.length);
    });

    it('does not reveal the signature', () => {
      const p = proof();
      const key = keyOf(p);
      const signature = Buffer.from(p.signature as string, 'hex');
      expect(key).not.toContain(p.signature as string);
      expect(key).not.toBe(signature.toString('base64url'));
    });
  });
});

function flipFirstDigit(hex: string): string {
  return (hex[0] === '0' ? '1' : '0') + hex.slice(1);
}
