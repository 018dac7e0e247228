import type { CreateUserBody, UpdateUserBody, User } from '@parley/protocol';
import type { Actor } from '../actor.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { iso } from '../clock.js';
import { newId } from '../ids.js';
import { requireAdmin, requireUserDirectory } from '../access.js';
import { topics, type UserControl } from '../ports/bus.js';
import { decodeCursor, encodeCursor } from '../paging.js';

export class Users {
  constructor(private readonly deps: CoreDeps) {}

  async create(actor: Actor, body: CreateUserBody): Promise<User> {
    requireAdmin(actor);
    const now = iso(this.deps.clock.now());
    const user: User = {
      id: body.id ?? newId('usr'),
      displayName: body.displayName,
      role: body.role ?? 'member',
      metadata: body.metadata ?? {},
      createdAt: now,
      updatedAt: now,
    };
    const inserted = await this.deps.store.insertUser(actor.tenantId, user);
    if (!inserted)
      throw new AppError('user_exists', `A user with id "${user.id}" already exists.`, { field: 'id' });
    return user;
  }

  async get(actor: Actor, userId: string): Promise<User> {
    if (!(actor.kind === 'user' && actor.userId === userId)) requireUserDirectory(actor);
    const record = await this.deps.store.getUser(actor.tenantId, userId);
    if (!record) throw new AppError('user_not_found');
    return toWire(record);
  }

  async list(
    actor: Actor,
    query: { limit: number; cursor?: string; search?: string },
  ): Promise<{ items: User[]; nextCursor: string | null }> {
    requireUserDirectory(actor);
    const afterId =
      query.cursor === undefined
        ? undefined
        : decodeCursor(query.cursor, (v) => (typeof v === 'string' ? v : null));
    const rows = await this.deps.store.listUsers(actor.tenantId, {
      limit: query.limit + 1,
      ...(afterId !== undefined && { afterId }),
      ...(query.search !== undefined && { search: query.search }),
    });
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last.id) : null };
  }

  async update(actor: Actor, userId: string, body: UpdateUserBody): Promise<User> {
    requireAdmin(actor);
    const user = await this.deps.store.updateUser(actor.tenantId, userId, {
      ...body,
      updatedAt: iso(this.deps.clock.now()),
    });
    if (!user) throw new AppError('user_not_found');
    return user;
  }

  async delete(actor: Actor, userId: string): Promise<void> {
    requireAdmin(actor);
    if (!(await this.deps.store.deleteUser(actor.tenantId, userId))) throw new AppError('user_not_found');
    const control: UserControl = { type: 'user.deleted' };
    await this.deps.bus.publish(topics.user(actor.tenantId, userId), control);
  }
}

function toWire(record: User): User {
  return {
    id: record.id,
    displayName: record.displayName,
    role: record.role,
    metadata: record.metadata,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
