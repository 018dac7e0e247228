/// <reference lib="dom" />
import type { IdentifiedVisitor, VisitorSession } from '@parley/protocol';
import { isParleyError } from '@parley/sdk';
import type { IdentityProof } from '../shared/contract.js';
import { conversationKey, readStorage, visitorTokenKey, writeStorage } from '../shared/storage-keys.js';
import type { WidgetApi } from './widget-api.js';

/**
 * The visitor's identity: a long-lived visitor token kept in local storage
 * (every tab and reload is the same visitor) and the short-lived access token
 * it buys. A token the server no longer knows means a new visitor.
 */
export class Visitor {
  id: string | null = null;
  accessToken: string | null = null;
  /** The site's customer this visitor is linked to, as the server last said. */
  customerId: string | null = null;

  constructor(
    private readonly api: WidgetApi,
    private readonly origin: string,
    private readonly key: string,
  ) {}

  private get storedToken(): string | null {
    return readStorage(visitorTokenKey(this.origin, this.key));
  }

  /** Resumes the stored visitor; false when there is none (or it was forgotten by the server). */
  async resume(): Promise<boolean> {
    const visitorToken = this.storedToken;
    if (!visitorToken) return false;
    try {
      this.accept(await this.api.call<VisitorSession>('POST', '/visitors/resume', { visitorToken }));
      return true;
    } catch (err) {
      if (!isParleyError(err) || err.code !== 'invalid_visitor_token') throw err;
      this.forget();
      return false;
    }
  }

  /** The stored visitor, or a new one with this profile. */
  async ensure(profile: { displayName?: string; email?: string } = {}): Promise<void> {
    if (this.accessToken || (await this.resume())) return;
    const session = await this.api.call<VisitorSession>('POST', '/visitors', profile);
    writeStorage(visitorTokenKey(this.origin, this.key), session.visitorToken ?? null);
    this.accept(session);
  }

  /** A fresh access token, for the SDK's credential. */
  async refresh(): Promise<string> {
    if (!(await this.resume())) throw new Error('The visitor is gone.');
    return this.accessToken!;
  }

  /**
   * Links the visitor to the site's customer. A visitor already linked to
   * another customer (a shared computer) is replaced by a new one: true then,
   * and the caller starts over with it.
   */
  async identify(proof: IdentityProof): Promise<boolean> {
    await this.ensure();
    const send = async () => {
      await this.api.call<IdentifiedVisitor>('POST', '/visitors/identify', {
        visitorToken: this.storedToken,
        ...proof,
      });
      this.customerId = proof.userId;
    };
    // Known to be another customer's: start over before sending, as a proof is accepted only once.
    const other = this.customerId !== null && this.customerId !== proof.userId;
    if (other) {
      this.forget();
      await this.ensure();
    }
    try {
      await send();
      return other;
    } catch (err) {
      if (!isParleyError(err) || !['visitor_identity_conflict', 'invalid_visitor_token'].includes(err.code))
        throw err;
      this.forget();
      await this.ensure();
      await send();
      return true;
    }
  }

  forget(): void {
    this.id = this.accessToken = this.customerId = null;
    writeStorage(visitorTokenKey(this.origin, this.key), null);
    writeStorage(conversationKey(this.origin, this.key), null);
  }

  private accept(session: VisitorSession): void {
    this.id = session.visitorId;
    this.accessToken = session.accessToken;
    this.customerId = session.customerId;
  }
}
