import type {
  AddAgentBody,
  Agent,
  CreateDepartmentBody,
  CreateOrganizationBody,
  Department,
  Organization,
  UpdateAgentBody,
  UpdateOrganizationBody,
} from '@parley/protocol';
import { ORGANIZATION_LIMITS } from '@parley/protocol';
import type { Actor } from '../actor.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { iso } from '../clock.js';
import { newId } from '../ids.js';
import { accessOrganization, isAdmin, requireAdmin, requireChat } from '../access.js';
import { decodeCursor, encodeCursor } from '../paging.js';

type Page<T> = { items: T[]; nextCursor: string | null };
type PageQuery = { limit: number; cursor?: string };

/**
 * Live-chat organizations of a tenant, their departments and their agents
 * (seed 002's company → organizations → operators). Every path goes through
 * `accessOrganization`: API keys and tenant admins manage, agents read their own.
 */
export class Organizations {
  /** Told of every agent added or changed, so routing can act on it (set by the live-chat wiring). */
  agentChanged: (tenantId: string, agent: Agent) => Promise<void> = async () => undefined;

  constructor(private readonly deps: CoreDeps) {}

  async create(actor: Actor, body: CreateOrganizationBody): Promise<Organization> {
    requireAdmin(actor);
    const now = iso(this.deps.clock.now());
    const organization: Organization = { id: newId('org'), name: body.name, createdAt: now, updatedAt: now };
    await this.deps.store.livechat.insertOrganization(actor.tenantId, organization);
    return organization;
  }

  /** Every organization of the tenant for admins, by id; an agent sees only its own. */
  async list(actor: Actor, query: PageQuery): Promise<Page<Organization>> {
    if (!isAdmin(actor)) {
      requireChat(actor);
      const agent =
        actor.kind === 'user' ? await this.deps.store.livechat.getAgent(actor.tenantId, actor.userId) : null;
      const own =
        agent && (await this.deps.store.livechat.getOrganization(actor.tenantId, agent.organizationId));
      return { items: own ? [own] : [], nextCursor: null };
    }
    return page(
      query,
      (afterId) =>
        this.deps.store.livechat.listOrganizations(actor.tenantId, { ...afterId, limit: query.limit + 1 }),
      (o) => o.id,
    );
  }

  get(actor: Actor, organizationId: string): Promise<Organization> {
    return accessOrganization(this.deps, actor, organizationId, 'read');
  }

  async update(actor: Actor, organizationId: string, body: UpdateOrganizationBody): Promise<Organization> {
    await accessOrganization(this.deps, actor, organizationId, 'manage');
    const updated = await this.deps.store.livechat.updateOrganization(actor.tenantId, organizationId, {
      ...(body.name !== undefined && { name: body.name }),
      updatedAt: iso(this.deps.clock.now()),
    });
    if (!updated) throw new AppError('organization_not_found');
    return updated;
  }

  /** Deletes the organization with its departments and agent profiles; the users stay. */
  async delete(actor: Actor, organizationId: string): Promise<void> {
    await accessOrganization(this.deps, actor, organizationId, 'manage');
    if (!(await this.deps.store.livechat.deleteOrganization(actor.tenantId, organizationId))) {
      throw new AppError('organization_not_found');
    }
  }

  // Departments -----------------------------------------------------------

  async createDepartment(
    actor: Actor,
    organizationId: string,
    body: CreateDepartmentBody,
  ): Promise<Department> {
    await accessOrganization(this.deps, actor, organizationId, 'manage');
    const department: Department = {
      id: newId('dep'),
      organizationId,
      name: body.name,
      createdAt: iso(this.deps.clock.now()),
    };
    // False only when the organization was deleted meanwhile.
    if (!(await this.deps.store.livechat.insertDepartment(actor.tenantId, department))) {
      throw new AppError('organization_not_found');
    }
    return department;
  }

  async listDepartments(actor: Actor, organizationId: string): Promise<Department[]> {
    await accessOrganization(this.deps, actor, organizationId, 'read');
    return this.deps.store.livechat.listDepartments(actor.tenantId, organizationId);
  }

  async deleteDepartment(actor: Actor, organizationId: string, departmentId: string): Promise<void> {
    await accessOrganization(this.deps, actor, organizationId, 'manage');
    if (!(await this.deps.store.livechat.deleteDepartment(actor.tenantId, organizationId, departmentId))) {
      throw new AppError('department_not_found');
    }
  }

  // Agents ----------------------------------------------------------------

  /** Makes an existing user of the tenant an agent of the organization; a user is an agent of one organization at most. */
  async addAgent(actor: Actor, organizationId: string, body: AddAgentBody): Promise<Agent> {
    await accessOrganization(this.deps, actor, organizationId, 'manage');
    if (!(await this.deps.store.getUser(actor.tenantId, body.userId))) {
      throw new AppError('user_not_found', undefined, { field: 'userId' });
    }
    const now = iso(this.deps.clock.now());
    const inserted = await this.deps.store.livechat.insertAgent(actor.tenantId, {
      userId: body.userId,
      organizationId,
      role: body.role ?? 'agent',
      maxChats: body.maxChats ?? ORGANIZATION_LIMITS.defaultMaxChats,
      status: body.status ?? 'offline',
      createdAt: now,
      updatedAt: now,
    });
    const agent = await this.deps.store.livechat.getAgent(actor.tenantId, body.userId);
    if (!inserted || !agent) {
      // Not inserted with the user and organization present: the user already has a profile.
      if (agent) throw new AppError('already_an_agent', undefined, { field: 'userId' });
      throw new AppError('user_not_found', undefined, { field: 'userId' });
    }
    await this.agentChanged(actor.tenantId, agent);
    return agent;
  }

  async listAgents(actor: Actor, organizationId: string, query: PageQuery): Promise<Page<Agent>> {
    await accessOrganization(this.deps, actor, organizationId, 'read');
    return page(
      query,
      (afterId) =>
        this.deps.store.livechat.listAgents(actor.tenantId, organizationId, {
          ...afterId,
          limit: query.limit + 1,
        }),
      (a) => a.userId,
    );
  }

  async getAgent(actor: Actor, organizationId: string, userId: string): Promise<Agent> {
    await accessOrganization(this.deps, actor, organizationId, 'read');
    return this.agentOf(actor.tenantId, organizationId, userId);
  }

  async updateAgent(
    actor: Actor,
    organizationId: string,
    userId: string,
    body: UpdateAgentBody,
  ): Promise<Agent> {
    // Agents set their own status (online, away, offline); anything else is an admin's.
    const ownStatus =
      actor.kind === 'user' && actor.userId === userId && Object.keys(body).every((k) => k === 'status');
    await accessOrganization(this.deps, actor, organizationId, ownStatus ? 'read' : 'manage');
    const agent = await this.deps.store.livechat.updateAgent(actor.tenantId, organizationId, userId, {
      ...body,
      updatedAt: iso(this.deps.clock.now()),
    });
    if (!agent) throw new AppError('agent_not_found');
    await this.agentChanged(actor.tenantId, agent);
    return agent;
  }

  /** Removes the agent profile (and department memberships); the user stays. */
  async removeAgent(actor: Actor, organizationId: string, userId: string): Promise<void> {
    await accessOrganization(this.deps, actor, organizationId, 'manage');
    if (!(await this.deps.store.livechat.deleteAgent(actor.tenantId, organizationId, userId))) {
      throw new AppError('agent_not_found');
    }
  }

  /** Adds the agent to the department (again is a no-op) and returns the agent. */
  async addDepartmentMember(
    actor: Actor,
    organizationId: string,
    departmentId: string,
    userId: string,
  ): Promise<Agent> {
    await this.department(actor, organizationId, departmentId);
    if (
      !(await this.deps.store.livechat.addDepartmentMember(
        actor.tenantId,
        organizationId,
        departmentId,
        userId,
      ))
    ) {
      throw new AppError('agent_not_found', undefined, { field: 'userId' });
    }
    const agent = await this.agentOf(actor.tenantId, organizationId, userId);
    await this.agentChanged(actor.tenantId, agent);
    return agent;
  }

  async removeDepartmentMember(
    actor: Actor,
    organizationId: string,
    departmentId: string,
    userId: string,
  ): Promise<void> {
    await this.department(actor, organizationId, departmentId);
    if (
      !(await this.deps.store.livechat.removeDepartmentMember(
        actor.tenantId,
        organizationId,
        departmentId,
        userId,
      ))
    ) {
      throw new AppError('agent_not_found', 'This agent is not a member of the department.');
    }
  }

  /** The agent of this organization with this user id, or `agent_not_found`. */
  async agentOf(tenantId: string, organizationId: string, userId: string): Promise<Agent> {
    const agent = await this.deps.store.livechat.getAgent(tenantId, userId);
    if (agent?.organizationId !== organizationId) throw new AppError('agent_not_found');
    return agent;
  }

  private async department(actor: Actor, organizationId: string, departmentId: string): Promise<Department> {
    await accessOrganization(this.deps, actor, organizationId, 'manage');
    const department = await this.deps.store.livechat.getDepartment(
      actor.tenantId,
      organizationId,
      departmentId,
    );
    if (!department) throw new AppError('department_not_found');
    return department;
  }
}

/** A cursor page over a list ordered by a string key: the store is asked for one more than the page. */
async function page<T>(
  query: PageQuery,
  fetch: (after: { afterId?: string }) => Promise<T[]>,
  key: (item: T) => string,
): Promise<Page<T>> {
  const afterId =
    query.cursor === undefined
      ? undefined
      : decodeCursor(query.cursor, (v) => (typeof v === 'string' ? v : null));
  const rows = await fetch(afterId === undefined ? {} : { afterId });
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(key(last)) : null };
}
