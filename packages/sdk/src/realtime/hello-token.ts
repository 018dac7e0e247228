import type { TokenCredential } from '../credentials.js';
import { jwtExpiry } from '../credentials.js';

/**
 * Chooses the token a `hello` carries. Expiry is judged by the server's clock
 * (the offset is measured at each `ready`), so a client whose clock is off
 * neither sends expired tokens nor refreshes for nothing. After the server
 * refused a token (`refresh` close codes) the next one is forced fresh.
 */
export class HelloToken {
  private forceRefresh = false;
  private clockOffsetMs = 0;

  constructor(private readonly credential: TokenCredential) {}

  /** The server's clock minus ours, from a `ready` frame. */
  serverTime(serverTime: number): void {
    this.clockOffsetMs = serverTime - Date.now();
  }

  /** The server refused the last token: the next `get` asks for a fresh one. */
  refused(): void {
    this.forceRefresh = true;
  }

  /** A token not yet expired by the server's clock; null when even a forced refresh gives an expired one. */
  async get(): Promise<string | null> {
    let token = await this.credential.getToken(this.forceRefresh ? { forceRefresh: true } : undefined);
    if (this.expired(token)) token = await this.credential.getToken({ forceRefresh: true });
    if (this.expired(token)) return null;
    this.forceRefresh = false;
    return token;
  }

  private expired(token: string): boolean {
    const expiresAt = jwtExpiry(token);
    return expiresAt !== undefined && expiresAt <= Date.now() + this.clockOffsetMs;
  }
}
