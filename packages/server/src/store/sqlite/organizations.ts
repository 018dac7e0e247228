import type Database from 'better-sqlite3';
import type { Agent, Department, Organization } from '@parley/protocol';
import type { NewAgent, OrganizationStore } from '../../core/ports/organization-store.js';
import type { WriteQueue } from './write-queue.js';
import {
  toAgent,
  toDepartment,
  toOrganization,
  type AgentRow,
  type DepartmentRow,
  type OrganizationRow,
} from './organization-rows.js';

type Tenant = { tenantId: string };
type InOrg = Tenant & { organizationId: string };

// The department ids of agent `a`, as a sorted JSON array.
const AGENT_COLS = `a.user_id, a.organization_id, u.display_name, a.role, a.max_chats, a.status,
  a.created_at, a.updated_at,
  (SELECT json_group_array(department_id) FROM (SELECT m.department_id FROM department_members m
    WHERE m.tenant_id = a.tenant_id AND m.user_id = a.user_id ORDER BY m.department_id)) AS department_ids`;
const AGENT_FROM = 'agents a JOIN users u ON u.tenant_id = a.tenant_id AND u.id = a.user_id';

function prepare(db: Database.Database) {
  return {
    insertOrganization: db.prepare<
      Tenant & { id: string; name: string; createdAt: string; updatedAt: string }
    >(
      `INSERT INTO organizations (tenant_id, id, name, created_at, updated_at)
       VALUES (@tenantId, @id, @name, @createdAt, @updatedAt)`,
    ),
    getOrganization: db.prepare<InOrg, OrganizationRow>(
      'SELECT * FROM organizations WHERE tenant_id = @tenantId AND id = @organizationId',
    ),
    listOrganizations: db.prepare<Tenant & { afterId: string; limit: number }, OrganizationRow>(
      `SELECT * FROM organizations WHERE tenant_id = @tenantId AND id > @afterId ORDER BY id LIMIT @limit`,
    ),
    updateOrganization: db.prepare<InOrg & { name: string | null; at: string }, OrganizationRow>(
      `UPDATE organizations SET name = ifnull(@name, name), updated_at = @at
       WHERE tenant_id = @tenantId AND id = @organizationId RETURNING *`,
    ),
    deleteOrganization: db.prepare<InOrg>(
      'DELETE FROM organizations WHERE tenant_id = @tenantId AND id = @organizationId',
    ),
    insertDepartment: db.prepare<InOrg & { id: string; name: string; createdAt: string }>(
      `INSERT INTO departments (tenant_id, id, organization_id, name, created_at)
       SELECT @tenantId, @id, @organizationId, @name, @createdAt
       WHERE EXISTS (SELECT 1 FROM organizations WHERE tenant_id = @tenantId AND id = @organizationId)`,
    ),
    getDepartment: db.prepare<InOrg & { departmentId: string }, DepartmentRow>(
      `SELECT * FROM departments
       WHERE tenant_id = @tenantId AND organization_id = @organizationId AND id = @departmentId`,
    ),
    listDepartments: db.prepare<InOrg, DepartmentRow>(
      `SELECT * FROM departments WHERE tenant_id = @tenantId AND organization_id = @organizationId
       ORDER BY created_at, id`,
    ),
    deleteDepartment: db.prepare<InOrg & { departmentId: string }>(
      `DELETE FROM departments
       WHERE tenant_id = @tenantId AND organization_id = @organizationId AND id = @departmentId`,
    ),
    insertAgent: db.prepare<InOrg & Omit<NewAgent, 'organizationId'>>(
      `INSERT INTO agents (tenant_id, user_id, organization_id, role, max_chats, status, created_at, updated_at)
       SELECT @tenantId, @userId, @organizationId, @role, @maxChats, @status, @createdAt, @updatedAt
       WHERE EXISTS (SELECT 1 FROM users WHERE tenant_id = @tenantId AND id = @userId)
         AND EXISTS (SELECT 1 FROM organizations WHERE tenant_id = @tenantId AND id = @organizationId)
       ON CONFLICT (tenant_id, user_id) DO NOTHING`,
    ),
    getAgent: db.prepare<Tenant & { userId: string }, AgentRow>(
      `SELECT ${AGENT_COLS} FROM ${AGENT_FROM} WHERE a.tenant_id = @tenantId AND a.user_id = @userId`,
    ),
    listAgents: db.prepare<InOrg & { afterId: string; limit: number }, AgentRow>(
      `SELECT ${AGENT_COLS} FROM ${AGENT_FROM}
       WHERE a.tenant_id = @tenantId AND a.organization_id = @organizationId AND a.user_id > @afterId
       ORDER BY a.user_id LIMIT @limit`,
    ),
    updateAgent: db.prepare<
      InOrg & {
        userId: string;
        role: string | null;
        maxChats: number | null;
        status: string | null;
        at: string;
      }
    >(
      `UPDATE agents SET role = ifnull(@role, role), max_chats = ifnull(@maxChats, max_chats),
         status = ifnull(@status, status),
         away_automatic = CASE WHEN @status IS NULL THEN away_automatic ELSE 0 END, updated_at = @at
       WHERE tenant_id = @tenantId AND organization_id = @organizationId AND user_id = @userId`,
    ),
    deleteAgent: db.prepare<InOrg & { userId: string }>(
      `DELETE FROM agents WHERE tenant_id = @tenantId AND organization_id = @organizationId AND user_id = @userId`,
    ),
    addMember: db.prepare<InOrg & { departmentId: string; userId: string }>(
      `INSERT INTO department_members (tenant_id, organization_id, department_id, user_id)
       SELECT @tenantId, @organizationId, @departmentId, @userId
       WHERE EXISTS (SELECT 1 FROM departments
           WHERE tenant_id = @tenantId AND organization_id = @organizationId AND id = @departmentId)
         AND EXISTS (SELECT 1 FROM agents
           WHERE tenant_id = @tenantId AND organization_id = @organizationId AND user_id = @userId)
       ON CONFLICT (tenant_id, department_id, user_id) DO NOTHING`,
    ),
    isMember: db.prepare<InOrg & { departmentId: string; userId: string }, number>(
      `SELECT 1 FROM department_members WHERE tenant_id = @tenantId AND organization_id = @organizationId
         AND department_id = @departmentId AND user_id = @userId`,
    ),
    removeMember: db.prepare<InOrg & { departmentId: string; userId: string }>(
      `DELETE FROM department_members WHERE tenant_id = @tenantId AND organization_id = @organizationId
         AND department_id = @departmentId AND user_id = @userId`,
    ),
  };
}

/** The SQLite adapter's part of the port for organizations; writes go through the store's group commit. */
export class SqliteOrganizations implements OrganizationStore {
  private readonly s: ReturnType<typeof prepare>;

  constructor(
    db: Database.Database,
    private readonly queue: WriteQueue,
  ) {
    this.s = prepare(db);
  }

  insertOrganization(tenantId: string, organization: Organization): Promise<void> {
    return this.queue.run(() => void this.s.insertOrganization.run({ tenantId, ...organization }));
  }

  async getOrganization(tenantId: string, organizationId: string): Promise<Organization | null> {
    const row = this.s.getOrganization.get({ tenantId, organizationId });
    return row ? toOrganization(row) : null;
  }

  async listOrganizations(
    tenantId: string,
    query: { limit: number; afterId?: string },
  ): Promise<Organization[]> {
    return this.s.listOrganizations
      .all({ tenantId, afterId: query.afterId ?? '', limit: query.limit })
      .map(toOrganization);
  }

  updateOrganization(
    tenantId: string,
    organizationId: string,
    patch: { name?: string; updatedAt: string },
  ): Promise<Organization | null> {
    return this.queue.run(() => {
      const row = this.s.updateOrganization.get({
        tenantId,
        organizationId,
        name: patch.name ?? null,
        at: patch.updatedAt,
      });
      return row ? toOrganization(row) : null;
    });
  }

  deleteOrganization(tenantId: string, organizationId: string): Promise<boolean> {
    return this.queue.run(() => this.s.deleteOrganization.run({ tenantId, organizationId }).changes > 0);
  }

  insertDepartment(tenantId: string, department: Department): Promise<boolean> {
    return this.queue.run(() => this.s.insertDepartment.run({ tenantId, ...department }).changes > 0);
  }

  async getDepartment(
    tenantId: string,
    organizationId: string,
    departmentId: string,
  ): Promise<Department | null> {
    const row = this.s.getDepartment.get({ tenantId, organizationId, departmentId });
    return row ? toDepartment(row) : null;
  }

  async listDepartments(tenantId: string, organizationId: string): Promise<Department[]> {
    return this.s.listDepartments.all({ tenantId, organizationId }).map(toDepartment);
  }

  deleteDepartment(tenantId: string, organizationId: string, departmentId: string): Promise<boolean> {
    return this.queue.run(
      () => this.s.deleteDepartment.run({ tenantId, organizationId, departmentId }).changes > 0,
    );
  }

  insertAgent(tenantId: string, agent: NewAgent): Promise<boolean> {
    return this.queue.run(() => this.s.insertAgent.run({ tenantId, ...agent }).changes > 0);
  }

  async getAgent(tenantId: string, userId: string): Promise<Agent | null> {
    const row = this.s.getAgent.get({ tenantId, userId });
    return row ? toAgent(row) : null;
  }

  async listAgents(
    tenantId: string,
    organizationId: string,
    query: { limit: number; afterId?: string },
  ): Promise<Agent[]> {
    return this.s.listAgents
      .all({ tenantId, organizationId, afterId: query.afterId ?? '', limit: query.limit })
      .map(toAgent);
  }

  updateAgent(
    tenantId: string,
    organizationId: string,
    userId: string,
    patch: Parameters<OrganizationStore['updateAgent']>[3],
  ): Promise<Agent | null> {
    return this.queue.run(() => {
      const changed = this.s.updateAgent.run({
        tenantId,
        organizationId,
        userId,
        role: patch.role ?? null,
        maxChats: patch.maxChats ?? null,
        status: patch.status ?? null,
        at: patch.updatedAt,
      }).changes;
      const row = changed > 0 ? this.s.getAgent.get({ tenantId, userId }) : undefined;
      return row ? toAgent(row) : null;
    });
  }

  deleteAgent(tenantId: string, organizationId: string, userId: string): Promise<boolean> {
    return this.queue.run(() => this.s.deleteAgent.run({ tenantId, organizationId, userId }).changes > 0);
  }

  addDepartmentMember(
    tenantId: string,
    organizationId: string,
    departmentId: string,
    userId: string,
  ): Promise<boolean> {
    const params = { tenantId, organizationId, departmentId, userId };
    return this.queue.run(() => {
      this.s.addMember.run(params);
      return this.s.isMember.get(params) !== undefined;
    });
  }

  removeDepartmentMember(
    tenantId: string,
    organizationId: string,
    departmentId: string,
    userId: string,
  ): Promise<boolean> {
    return this.queue.run(
      () => this.s.removeMember.run({ tenantId, organizationId, departmentId, userId }).changes > 0,
    );
  }
}
