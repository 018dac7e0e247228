import type { CreatedTenant, CreateTenantBody } from '@parley/protocol';
import type { Actor } from './actor.js';
import type { CoreDeps } from './deps.js';
import type { ApiKeys } from './identity/api-keys.js';
import { AppError } from './errors.js';
import { iso } from './clock.js';
import { newId } from './ids.js';

/**
 * The tenant created at first start. Its API keys are the platform operator's:
 * they alone may create further tenants. Every other tenant sees only itself.
 */
export const PLATFORM_TENANT_ID = 'default';

export class Tenants {
  constructor(
    private readonly deps: CoreDeps,
    private readonly apiKeys: ApiKeys,
  ) {}

  /** Creates a tenant and its first API key, whose secret is in the result only. */
  async create(actor: Actor, body: CreateTenantBody): Promise<CreatedTenant> {
    if (actor.kind !== 'service' || actor.tenantId !== PLATFORM_TENANT_ID) {
      throw new AppError('forbidden', 'Only an API key of the platform tenant can create tenants.');
    }
    const tenant = { id: body.id ?? newId('ten'), name: body.name, createdAt: iso(this.deps.clock.now()) };
    if (!(await this.deps.store.createTenant(tenant))) throw new AppError('tenant_exists');
    const apiKey = await this.apiKeys.createForTenant(tenant.id, 'first key');
    return { tenant, apiKey };
  }
}
