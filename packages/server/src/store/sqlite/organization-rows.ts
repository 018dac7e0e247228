import type { Agent, AgentRole, AgentStatus, Department, Organization } from '@parley/protocol';

// Rows of the organization tables, shared by both adapters (PostgreSQL selects
// the same column names). Every mapper builds a new object.

export interface OrganizationRow {
  id: string;
  name: string;
  created_at: string;
  updated_at: string;
}

export interface DepartmentRow {
  id: string;
  organization_id: string;
  name: string;
  created_at: string;
}

export interface AgentRow {
  user_id: string;
  organization_id: string;
  display_name: string;
  role: string;
  max_chats: number;
  status: string;
  /** JSON array of department ids, sorted. */
  department_ids: string;
  created_at: string;
  updated_at: string;
}

export const toOrganization = (row: OrganizationRow): Organization => ({
  id: row.id,
  name: row.name,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export const toDepartment = (row: DepartmentRow): Department => ({
  id: row.id,
  organizationId: row.organization_id,
  name: row.name,
  createdAt: row.created_at,
});

export const toAgent = (row: AgentRow): Agent => ({
  userId: row.user_id,
  organizationId: row.organization_id,
  displayName: row.display_name,
  role: row.role as AgentRole,
  maxChats: row.max_chats,
  status: row.status as AgentStatus,
  departmentIds: JSON.parse(row.department_ids) as string[],
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});
