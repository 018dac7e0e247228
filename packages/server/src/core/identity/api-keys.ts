import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKey, CreatedApiKey } from '@parley/protocol';
import type { Actor } from '../actor.js';
import type { CoreDeps } from '../deps.js';
import type { ApiKeyRecord } from '../ports/store.js';
import { AppError } from '../errors.js';
import { iso } from '../clock.js';
import { newId } from '../ids.js';
import { requireAdmin } from '../access.js';

const SECRET_PREFIX = 'pk_';

export function isApiKeySecret(credential: string): boolean {
  return credential.startsWith(SECRET_PREFIX);
}

/** API keys are 256-bit random secrets, so a fast hash is enough at rest (no dictionary to attack). */
function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function toWire(record: ApiKeyRecord): ApiKey {
  return {
    id: record.id,
    name: record.name,
    prefix: record.prefix,
    createdAt: record.createdAt,
    lastUsedAt: record.lastUsedAt,
  };
}

export class ApiKeys {
  constructor(private readonly deps: CoreDeps) {}

  /** Creates a key in the actor's tenant. The secret is in the result and nowhere else, ever. */
  async create(actor: Actor, name: string): Promise<CreatedApiKey> {
    requireAdmin(actor);
    return this.createForTenant(actor.tenantId, name);
  }

  /** Creates a key for a tenant without an actor: used once, at first start, to bootstrap. */
  async createForTenant(tenantId: string, name: string, secret?: string): Promise<CreatedApiKey> {
    const value = secret ?? `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
    if (!isApiKeySecret(value) || value.length < 32) {
      throw new AppError(
        'invalid_request',
        `An API key must start with ${SECRET_PREFIX} and be at least 32 characters.`,
      );
    }
    const record: ApiKeyRecord = {
      id: newId('key'),
      tenantId,
      name,
      prefix: value.slice(0, 10),
      hash: hashSecret(value),
      createdAt: iso(this.deps.clock.now()),
      lastUsedAt: null,
    };
    await this.deps.store.insertApiKey(record);
    return { ...toWire(record), secret: value };
  }

  async list(actor: Actor): Promise<ApiKey[]> {
    requireAdmin(actor);
    return (await this.deps.store.listApiKeys(actor.tenantId)).map(toWire);
  }

  async revoke(actor: Actor, keyId: string): Promise<void> {
    requireAdmin(actor);
    const revoked = await this.deps.store.revokeApiKey(actor.tenantId, keyId, iso(this.deps.clock.now()));
    if (!revoked) throw new AppError('api_key_not_found');
  }

  /** The actor for a presented secret, or an `invalid_api_key` error. */
  async authenticate(secret: string): Promise<Actor> {
    const hash = hashSecret(secret);
    const record = await this.deps.store.findApiKeyByHash(hash);
    // The lookup is by hash; the constant-time compare guards against an adapter matching loosely.
    if (!record || !timingSafeEqual(Buffer.from(record.hash), Buffer.from(hash))) {
      throw new AppError('invalid_api_key');
    }
    const now = this.deps.clock.now();
    // Record use at most once a minute per key: no write on every request.
    if (!record.lastUsedAt || now - Date.parse(record.lastUsedAt) > 60_000) {
      void this.deps.store.touchApiKey(record.id, iso(now)).catch(() => undefined);
    }
    return { kind: 'service', tenantId: record.tenantId, apiKeyId: record.id };
  }
}
