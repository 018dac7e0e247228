import type { AuditEntry, ListAuditQuery } from '@parley/protocol';
import type { Actor } from './actor.js';
import type { CoreDeps } from './deps.js';
import { AppError } from './errors.js';
import { iso } from './clock.js';
import { newId } from './ids.js';
import { accessOrganization, isAdmin } from './access.js';
import { decodeCursor, encodeCursor } from './paging.js';

/**
 * The audit log of administrative changes. Transports record what was
 * changed and by whom once the change succeeded; tenant admins and API keys
 * read the whole log, an organization's admins that organization's entries.
 */
export class Audit {
  constructor(private readonly deps: CoreDeps) {}

  async record(
    actor: Actor,
    change: { action: string; path: string; organizationId: string | null; status: number },
  ): Promise<void> {
    await this.deps.store.audit.insertAuditEntry(actor.tenantId, {
      id: newId('aud'),
      at: iso(this.deps.clock.now()),
      actorKind: actor.kind === 'user' ? 'user' : 'api_key',
      actorId: actor.kind === 'user' ? actor.userId : actor.apiKeyId,
      ...change,
    });
  }

  async list(
    actor: Actor,
    query: ListAuditQuery & { limit: number },
  ): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
    if (query.organizationId !== undefined)
      await accessOrganization(this.deps, actor, query.organizationId, 'manage');
    else if (!isAdmin(actor))
      throw new AppError('forbidden', 'Only tenant admins read the whole log; name your organization.');
    const before =
      query.cursor === undefined
        ? undefined
        : decodeCursor(query.cursor, (v) =>
            Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string'
              ? { at: v[0], id: v[1] }
              : null,
          );
    const rows = await this.deps.store.audit.listAuditEntries(actor.tenantId, {
      limit: query.limit + 1,
      ...(query.organizationId !== undefined && { organizationId: query.organizationId }),
      ...(before && { before }),
    });
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > query.limit && last ? encodeCursor([last.at, last.id]) : null };
  }
}
