import type { Agent, Department, Organization } from '@parley/protocol';
import type { NewAgent, OrganizationStore } from '../../core/ports/organization-store.js';
import type { Database } from './database.js';
import {
  toAgent,
  toDepartment,
  toOrganization,
  type AgentRow,
  type DepartmentRow,
  type OrganizationRow,
} from '../sqlite/organization-rows.js';

// The department ids of agent `a`, as a sorted JSON array (text, as the shared mapper expects).
const AGENT_COLS = `a.user_id, a.organization_id, u.display_name, a.role, a.max_chats, a.status,
  a.created_at, a.updated_at,
  (SELECT coalesce(json_agg(m.department_id ORDER BY m.department_id), '[]')::text FROM department_members m
    WHERE m.tenant_id = a.tenant_id AND m.user_id = a.user_id) AS department_ids`;
const AGENT_FROM = 'agents a JOIN users u ON u.tenant_id = a.tenant_id AND u.id = a.user_id';
const ORG_COLS = 'id, name, created_at, updated_at';
const DEPARTMENT_COLS = 'id, organization_id, name, created_at';

const sql = {
  insertOrganization: `INSERT INTO organizations (tenant_id, id, name, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5)`,
  getOrganization: `SELECT ${ORG_COLS} FROM organizations WHERE tenant_id = $1 AND id = $2`,
  listOrganizations: `SELECT ${ORG_COLS} FROM organizations WHERE tenant_id = $1 AND id > $2
    ORDER BY id LIMIT $3`,
  updateOrganization: `UPDATE organizations SET name = coalesce($3, name), updated_at = $4
    WHERE tenant_id = $1 AND id = $2 RETURNING ${ORG_COLS}`,
  deleteOrganization: 'DELETE FROM organizations WHERE tenant_id = $1 AND id = $2 RETURNING id',
  insertDepartment: `INSERT INTO departments (tenant_id, id, organization_id, name, created_at)
    SELECT $1, $2, $3, $4, $5
    WHERE EXISTS (SELECT 1 FROM organizations WHERE tenant_id = $1 AND id = $3)
    RETURNING id`,
  getDepartment: `SELECT ${DEPARTMENT_COLS} FROM departments
    WHERE tenant_id = $1 AND organization_id = $2 AND id = $3`,
  listDepartments: `SELECT ${DEPARTMENT_COLS} FROM departments WHERE tenant_id = $1 AND organization_id = $2
    ORDER BY created_at, id`,
  deleteDepartment: `DELETE FROM departments WHERE tenant_id = $1 AND organization_id = $2 AND id = $3
    RETURNING id`,
  // FOR KEY SHARE keeps the user and the organization from being deleted until this commits.
  insertAgent: `INSERT INTO agents (tenant_id, user_id, organization_id, role, max_chats, status, created_at,
      updated_at)
    SELECT $1, $2, $3, $4, $5, $6, $7, $8
    WHERE EXISTS (SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2 FOR KEY SHARE)
      AND EXISTS (SELECT 1 FROM organizations WHERE tenant_id = $1 AND id = $3 FOR KEY SHARE)
    ON CONFLICT (tenant_id, user_id) DO NOTHING RETURNING user_id`,
  getAgent: `SELECT ${AGENT_COLS} FROM ${AGENT_FROM} WHERE a.tenant_id = $1 AND a.user_id = $2`,
  listAgents: `SELECT ${AGENT_COLS} FROM ${AGENT_FROM}
    WHERE a.tenant_id = $1 AND a.organization_id = $2 AND a.user_id > $3 ORDER BY a.user_id LIMIT $4`,
  // The agent as it is after the update, department ids and display name included.
  updateAgent: `WITH changed AS (
      UPDATE agents SET role = coalesce($4, role), max_chats = coalesce($5::int, max_chats),
        status = coalesce($6, status),
        away_automatic = CASE WHEN $6::text IS NULL THEN away_automatic ELSE false END, updated_at = $7
      WHERE tenant_id = $1 AND organization_id = $2 AND user_id = $3 RETURNING *)
    SELECT ${AGENT_COLS} FROM changed a JOIN users u ON u.tenant_id = a.tenant_id AND u.id = a.user_id`,
  deleteAgent: `DELETE FROM agents WHERE tenant_id = $1 AND organization_id = $2 AND user_id = $3
    RETURNING user_id`,
  // Answers a row when the agent is a member afterwards, whether added now or before.
  addMember: `WITH target AS (
      SELECT 1 FROM departments d JOIN agents a ON a.tenant_id = d.tenant_id
        AND a.organization_id = d.organization_id
      WHERE d.tenant_id = $1 AND d.organization_id = $2 AND d.id = $3 AND a.user_id = $4
      FOR KEY SHARE),
    added AS (
      INSERT INTO department_members (tenant_id, organization_id, department_id, user_id)
      SELECT $1, $2, $3, $4 FROM target
      ON CONFLICT (tenant_id, department_id, user_id) DO NOTHING RETURNING 1)
    SELECT 1 AS ok FROM target`,
  removeMember: `DELETE FROM department_members
    WHERE tenant_id = $1 AND organization_id = $2 AND department_id = $3 AND user_id = $4 RETURNING user_id`,
};

/** The PostgreSQL adapter's part of the port for organizations: each call is one statement. */
export class PostgresOrganizations implements OrganizationStore {
  constructor(private readonly db: Database) {}

  async insertOrganization(tenantId: string, o: Organization): Promise<void> {
    await this.db.write(sql.insertOrganization, [tenantId, o.id, o.name, o.createdAt, o.updatedAt]);
  }

  async getOrganization(tenantId: string, organizationId: string): Promise<Organization | null> {
    const [row] = await this.db.rows<OrganizationRow>(sql.getOrganization, [tenantId, organizationId]);
    return row ? toOrganization(row) : null;
  }

  async listOrganizations(
    tenantId: string,
    query: { limit: number; afterId?: string },
  ): Promise<Organization[]> {
    const rows = await this.db.rows<OrganizationRow>(sql.listOrganizations, [
      tenantId,
      query.afterId ?? '',
      query.limit,
    ]);
    return rows.map(toOrganization);
  }

  async updateOrganization(
    tenantId: string,
    organizationId: string,
    patch: { name?: string; updatedAt: string },
  ): Promise<Organization | null> {
    const [row] = await this.db.write<OrganizationRow>(sql.updateOrganization, [
      tenantId,
      organizationId,
      patch.name ?? null,
      patch.updatedAt,
    ]);
    return row ? toOrganization(row) : null;
  }

  async deleteOrganization(tenantId: string, organizationId: string): Promise<boolean> {
    return (await this.db.write(sql.deleteOrganization, [tenantId, organizationId])).length > 0;
  }

  async insertDepartment(tenantId: string, d: Department): Promise<boolean> {
    const rows = await this.db.write(sql.insertDepartment, [
      tenantId,
      d.id,
      d.organizationId,
      d.name,
      d.createdAt,
    ]);
    return rows.length > 0;
  }

  async getDepartment(
    tenantId: string,
    organizationId: string,
    departmentId: string,
  ): Promise<Department | null> {
    const [row] = await this.db.rows<DepartmentRow>(sql.getDepartment, [
      tenantId,
      organizationId,
      departmentId,
    ]);
    return row ? toDepartment(row) : null;
  }

  async listDepartments(tenantId: string, organizationId: string): Promise<Department[]> {
    return (await this.db.rows<DepartmentRow>(sql.listDepartments, [tenantId, organizationId])).map(
      toDepartment,
    );
  }

  async deleteDepartment(tenantId: string, organizationId: string, departmentId: string): Promise<boolean> {
    return (await this.db.write(sql.deleteDepartment, [tenantId, organizationId, departmentId])).length > 0;
  }

  async insertAgent(tenantId: string, a: NewAgent): Promise<boolean> {
    const rows = await this.db.write(sql.insertAgent, [
      tenantId,
      a.userId,
      a.organizationId,
      a.role,
      a.maxChats,
      a.status,
      a.createdAt,
      a.updatedAt,
    ]);
    return rows.length > 0;
  }

  async getAgent(tenantId: string, userId: string): Promise<Agent | null> {
    const [row] = await this.db.rows<AgentRow>(sql.getAgent, [tenantId, userId]);
    return row ? toAgent(row) : null;
  }

  async listAgents(
    tenantId: string,
    organizationId: string,
    query: { limit: number; afterId?: string },
  ): Promise<Agent[]> {
    const rows = await this.db.rows<AgentRow>(sql.listAgents, [
      tenantId,
      organizationId,
      query.afterId ?? '',
      query.limit,
    ]);
    return rows.map(toAgent);
  }

  async updateAgent(
    tenantId: string,
    organizationId: string,
    userId: string,
    patch: Parameters<OrganizationStore['updateAgent']>[3],
  ): Promise<Agent | null> {
    const [row] = await this.db.write<AgentRow>(sql.updateAgent, [
      tenantId,
      organizationId,
      userId,
      patch.role ?? null,
      patch.maxChats ?? null,
      patch.status ?? null,
      patch.updatedAt,
    ]);
    return row ? toAgent(row) : null;
  }

  async deleteAgent(tenantId: string, organizationId: string, userId: string): Promise<boolean> {
    return (await this.db.write(sql.deleteAgent, [tenantId, organizationId, userId])).length > 0;
  }

  async addDepartmentMember(
    tenantId: string,
    organizationId: string,
    departmentId: string,
    userId: string,
  ): Promise<boolean> {
    return (await this.db.write(sql.addMember, [tenantId, organizationId, departmentId, userId])).length > 0;
  }

  async removeDepartmentMember(
    tenantId: string,
    organizationId: string,
    departmentId: string,
    userId: string,
  ): Promise<boolean> {
    return (
      (await this.db.write(sql.removeMember, [tenantId, organizationId, departmentId, userId])).length > 0
    );
  }
}
