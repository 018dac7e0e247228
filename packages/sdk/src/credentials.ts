/**
 * Supplies the bearer credential for every request and WebSocket handshake.
 * `forceRefresh` is asked for after the server rejected the current token
 * (401 `token_expired`, `token_revoked`, `invalid_token`, or close codes
 * 4101/4102); a credential that cannot refresh returns the same value.
 */
export interface TokenCredential {
  getToken(options?: { forceRefresh?: boolean }): Promise<string>;
}

/** Why the SDK asks for a new token: it is about to expire, it has expired, or the server refused it. */
export type RefreshReason = 'expiring' | 'expired' | 'rejected';

export interface RefreshingTokenOptions {
  /** The first token; without it the first `getToken` calls `refresh('expired')`. */
  token?: string;
  /** Fetches a new user access token, typically from the application's own backend. */
  refresh: (reason: RefreshReason) => Promise<string>;
  /** How long before the token's `exp` it counts as expiring and is replaced. Default 60. */
  refreshBeforeSeconds?: number;
}

/**
 * A user access token credential (seed 003's `AzureCommunicationTokenCredential`).
 * Given a string it always returns that token. Given a `refresh` function it
 * reads the token's `exp` claim (decoded, not verified: the server verifies) and
 * fetches a new token when the current one is within `refreshBeforeSeconds` of
 * expiry, has expired, or was rejected. Concurrent callers share one refresh.
 */
export function tokenCredential(init: string | RefreshingTokenOptions): TokenCredential {
  if (typeof init === 'string') return staticCredential(init);
  return new RefreshingCredential(init);
}

/**
 * An API key (`pk_…`) credential for backends. Keys do not expire, so it never
 * refreshes: a rejected key surfaces as `invalid_api_key`.
 */
export function apiKeyCredential(key: string): TokenCredential {
  return staticCredential(key);
}

function staticCredential(value: string): TokenCredential {
  if (value === '') throw new TypeError('The credential is empty.');
  return { getToken: async () => value };
}

class RefreshingCredential implements TokenCredential {
  private token: string | undefined;
  /** Expiry in ms since the epoch; undefined when the token has no readable `exp`. */
  private expiresAt: number | undefined;
  private pending: Promise<string> | null = null;
  private readonly refreshBeforeMs: number;
  private readonly refreshFn: RefreshingTokenOptions['refresh'];

  constructor(options: RefreshingTokenOptions) {
    this.refreshFn = options.refresh;
    this.refreshBeforeMs = (options.refreshBeforeSeconds ?? 60) * 1000;
    if (options.token) this.accept(options.token);
  }

  async getToken(options: { forceRefresh?: boolean } = {}): Promise<string> {
    // A refresh already in flight yields a fresh token: every caller waits for that one.
    if (this.pending) return this.pending;
    if (options.forceRefresh || this.token === undefined) {
      return this.refresh(this.token === undefined ? 'expired' : 'rejected');
    }
    if (this.expiresAt === undefined) return this.token;
    const now = Date.now();
    if (now >= this.expiresAt) return this.refresh('expired');
    if (now >= this.expiresAt - this.refreshBeforeMs) {
      // The current token still works: a failed early refresh is not fatal, the next call tries again.
      return this.refresh('expiring', this.token);
    }
    return this.token;
  }

  /** Starts the one shared refresh; `fallback` is answered instead of a failure (a still-valid token). */
  private refresh(reason: RefreshReason, fallback?: string): Promise<string> {
    const attempt = (async () => {
      const token = await this.refreshFn(reason);
      if (typeof token !== 'string' || token === '') throw new TypeError('refresh() returned no token.');
      this.accept(token);
      return token;
    })();
    const pending = fallback === undefined ? attempt : attempt.catch(() => fallback);
    this.pending = pending;
    const clear = () => {
      if (this.pending === pending) this.pending = null;
    };
    pending.then(clear, clear);
    return pending;
  }

  private accept(token: string): void {
    this.token = token;
    this.expiresAt = jwtExpiry(token);
  }
}

/** The `exp` claim of a JWT in ms, or undefined when the token is not a readable JWT. */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    const claims: unknown = JSON.parse(atob(padded));
    if (typeof claims === 'object' && claims !== null && 'exp' in claims && typeof claims.exp === 'number') {
      return claims.exp * 1000;
    }
  } catch {
    // Not base64url JSON: treat as opaque, refreshed only when the server rejects it.
  }
  return undefined;
}
