import type { Actor } from '../actor.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { accessOrganization } from '../access.js';
import { MIN_IDENTITY_SECRET_BYTES } from './visitor-identity.js';

/**
 * An organization's identity secret, which the site's backend uses to sign
 * "this visitor is my customer" proofs. Write-only: no action returns it, so
 * a leaked admin token cannot read it back (only replace it). Setting and
 * deleting need `manage` on the organization; without a secret,
 * identification is disabled.
 */
export class IdentitySecrets {
  constructor(private readonly deps: CoreDeps) {}

  async set(actor: Actor, organizationId: string, secret: string): Promise<void> {
    await accessOrganization(this.deps, actor, organizationId, 'manage');
    if (Buffer.byteLength(secret, 'utf8') < MIN_IDENTITY_SECRET_BYTES) {
      throw new AppError(
        'invalid_request',
        `An identity secret must be at least ${MIN_IDENTITY_SECRET_BYTES} bytes.`,
        { field: 'secret' },
      );
    }
    if (!(await this.deps.store.livechat.setIdentitySecret(actor.tenantId, organizationId, secret))) {
      throw new AppError('organization_not_found');
    }
  }

  /** Disables identification; deleting when there is none is fine. */
  async delete(actor: Actor, organizationId: string): Promise<void> {
    await accessOrganization(this.deps, actor, organizationId, 'manage');
    await this.deps.store.livechat.deleteIdentitySecret(actor.tenantId, organizationId);
  }
}
