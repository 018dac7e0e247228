import type { Limits } from '@parley/protocol';

/** What the domain needs to know of the configuration; filled in by the process entry. */
export interface CoreConfig {
  limits: Limits;
  /** Secret for signing user access tokens (HS256), at least 32 bytes. */
  tokenSecret: Uint8Array;
  /** Default lifetime of an access token, seconds. */
  tokenTtlSeconds: number;
}
