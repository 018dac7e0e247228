import type { Scope, UserRole } from '@parley/protocol';

/**
 * Who is calling, established once per request or connection by
 * `Identity.authenticate` and passed to every domain action.
 * - `service`: a backend holding an API key; acts for the whole tenant.
 * - `user`: a person or bot holding a user access token.
 */
export type Actor =
  | { kind: 'service'; tenantId: string; apiKeyId: string }
  | {
      kind: 'user';
      tenantId: string;
      userId: string;
      role: UserRole;
      displayName: string;
      scopes: readonly Scope[];
      /** Expiry of the token, ms since the epoch. */
      expiresAt: number;
      /** The dashboard session the token belongs to (signed in with a password), if any. */
      sessionId?: string;
    };

export type UserActor = Extract<Actor, { kind: 'user' }>;
