import type { BusinessHours, WidgetSettings, WidgetSettingsOverride } from '@parley/protocol';
import type {
  DepartmentWidgetRecord,
  LivechatSettingsStore,
  WidgetRecord,
} from '../../core/ports/livechat-settings-store.js';
import type { Database } from './database.js';
import {
  originsOf,
  toBusinessHours,
  toDepartmentWidget,
  toWidget,
  type BusinessHoursRow,
  type DepartmentWidgetRow,
  type WidgetRow,
} from '../sqlite/settings-rows.js';

const HOURS_COLS = 'id, organization_id, name, schedule, created_at, updated_at';
const WIDGET_COLS = 'organization_id, widget_key, settings, updated_at';
// FOR KEY SHARE keeps the parent row from being deleted until the insert commits.
const ORG_EXISTS = 'EXISTS (SELECT 1 FROM organizations WHERE tenant_id = $1 AND id = $2 FOR KEY SHARE)';
const DEP_EXISTS = `EXISTS (SELECT 1 FROM departments
  WHERE tenant_id = $1 AND organization_id = $2 AND id = $3 FOR KEY SHARE)`;

const sql = {
  insertHours: `INSERT INTO business_hours (tenant_id, organization_id, id, name, schedule, created_at,
      updated_at)
    SELECT $1, $2, $3, $4, $5, $6, $7 WHERE ${ORG_EXISTS} RETURNING id`,
  getHours: `SELECT ${HOURS_COLS} FROM business_hours WHERE tenant_id = $1 AND organization_id = $2 AND id = $3`,
  listHours: `SELECT ${HOURS_COLS} FROM business_hours WHERE tenant_id = $1 AND organization_id = $2
    ORDER BY created_at, id`,
  updateHours: `UPDATE business_hours SET name = coalesce($4, name), schedule = coalesce($5, schedule),
      updated_at = $6
    WHERE tenant_id = $1 AND organization_id = $2 AND id = $3 RETURNING ${HOURS_COLS}`,
  deleteHours:
    'DELETE FROM business_hours WHERE tenant_id = $1 AND organization_id = $2 AND id = $3 RETURNING id',
  // Answers a row when attached afterwards, whether attached now or before.
  attach: `WITH target AS (
      SELECT 1 FROM departments d JOIN business_hours h ON h.tenant_id = d.tenant_id
        AND h.organization_id = d.organization_id
      WHERE d.tenant_id = $1 AND d.organization_id = $2 AND d.id = $3 AND h.id = $4
      FOR KEY SHARE),
    added AS (
      INSERT INTO department_business_hours (tenant_id, organization_id, department_id, business_hours_id)
      SELECT $1, $2, $3, $4 FROM target
      ON CONFLICT (tenant_id, department_id, business_hours_id) DO NOTHING RETURNING 1)
    SELECT 1 AS ok FROM target`,
  detach: `DELETE FROM department_business_hours
    WHERE tenant_id = $1 AND organization_id = $2 AND department_id = $3 AND business_hours_id = $4
    RETURNING department_id`,
  listAttached: `SELECT h.id, h.organization_id, h.name, h.schedule, h.created_at, h.updated_at
    FROM business_hours h JOIN department_business_hours a
      ON a.tenant_id = h.tenant_id AND a.organization_id = h.organization_id AND a.business_hours_id = h.id
    WHERE a.tenant_id = $1 AND a.organization_id = $2 AND a.department_id = $3
    ORDER BY h.created_at, h.id`,
  countOnline: `SELECT count(*)::int AS n FROM agents
    WHERE tenant_id = $1 AND organization_id = $2 AND status = 'online'`,
  countOnlineInDepartment: `SELECT count(*)::int AS n FROM agents a JOIN department_members m
      ON m.tenant_id = a.tenant_id AND m.organization_id = a.organization_id AND m.user_id = a.user_id
    WHERE a.tenant_id = $1 AND a.organization_id = $2 AND m.department_id = $3 AND a.status = 'online'`,
  getWidget: `SELECT ${WIDGET_COLS} FROM widgets WHERE tenant_id = $1 AND organization_id = $2`,
  // The no-op update makes RETURNING answer the existing row, even one committed by a concurrent caller.
  ensureWidget: `INSERT INTO widgets (tenant_id, organization_id, widget_key)
    SELECT $1, $2, $3 WHERE ${ORG_EXISTS}
    ON CONFLICT (tenant_id, organization_id) DO UPDATE SET widget_key = widgets.widget_key
    RETURNING ${WIDGET_COLS}`,
  saveWidget: `INSERT INTO widgets (tenant_id, organization_id, widget_key, settings, updated_at)
    SELECT $1, $2, $3, $4, $5 WHERE ${ORG_EXISTS}
    ON CONFLICT (tenant_id, organization_id) DO UPDATE
      SET settings = excluded.settings, updated_at = excluded.updated_at
    RETURNING ${WIDGET_COLS}`,
  rotateKey: `INSERT INTO widgets (tenant_id, organization_id, widget_key)
    SELECT $1, $2, $3 WHERE ${ORG_EXISTS}
    ON CONFLICT (tenant_id, organization_id) DO UPDATE SET widget_key = excluded.widget_key
    RETURNING ${WIDGET_COLS}`,
  findKey: 'SELECT tenant_id, organization_id FROM widgets WHERE widget_key = $1',
  allSettings: 'SELECT settings FROM widgets WHERE settings IS NOT NULL',
  getDepartmentWidget: `SELECT department_id, override, updated_at FROM department_widgets
    WHERE tenant_id = $1 AND organization_id = $2 AND department_id = $3`,
  saveDepartmentWidget: `INSERT INTO department_widgets (tenant_id, organization_id, department_id, override,
      updated_at)
    SELECT $1, $2, $3, $4, $5 WHERE ${DEP_EXISTS}
    ON CONFLICT (tenant_id, department_id) DO UPDATE
      SET override = excluded.override, updated_at = excluded.updated_at
    RETURNING department_id`,
  deleteDepartmentWidget: `DELETE FROM department_widgets
    WHERE tenant_id = $1 AND organization_id = $2 AND department_id = $3 RETURNING department_id`,
};

/** The PostgreSQL adapter's part of the port for business hours and widgets: each call is one statement. */
export class PostgresLivechatSettings implements LivechatSettingsStore {
  constructor(private readonly db: Database) {}

  async insertBusinessHours(tenantId: string, h: BusinessHours): Promise<boolean> {
    const rows = await this.db.write(sql.insertHours, [
      tenantId,
      h.organizationId,
      h.id,
      h.name,
      JSON.stringify(h.schedule),
      h.createdAt,
      h.updatedAt,
    ]);
    return rows.length > 0;
  }

  async getBusinessHours(
    tenantId: string,
    organizationId: string,
    id: string,
  ): Promise<BusinessHours | null> {
    const [row] = await this.db.rows<BusinessHoursRow>(sql.getHours, [tenantId, organizationId, id]);
    return row ? toBusinessHours(row) : null;
  }

  async listBusinessHours(tenantId: string, organizationId: string): Promise<BusinessHours[]> {
    return (await this.db.rows<BusinessHoursRow>(sql.listHours, [tenantId, organizationId])).map(
      toBusinessHours,
    );
  }

  async updateBusinessHours(
    tenantId: string,
    organizationId: string,
    id: string,
    patch: Parameters<LivechatSettingsStore['updateBusinessHours']>[3],
  ): Promise<BusinessHours | null> {
    const [row] = await this.db.write<BusinessHoursRow>(sql.updateHours, [
      tenantId,
      organizationId,
      id,
      patch.name ?? null,
      patch.schedule === undefined ? null : JSON.stringify(patch.schedule),
      patch.updatedAt,
    ]);
    return row ? toBusinessHours(row) : null;
  }

  async deleteBusinessHours(tenantId: string, organizationId: string, id: string): Promise<boolean> {
    return (await this.db.write(sql.deleteHours, [tenantId, organizationId, id])).length > 0;
  }

  async attachBusinessHours(
    tenantId: string,
    organizationId: string,
    departmentId: string,
    hoursId: string,
  ): Promise<boolean> {
    return (await this.db.write(sql.attach, [tenantId, organizationId, departmentId, hoursId])).length > 0;
  }

  async detachBusinessHours(
    tenantId: string,
    organizationId: string,
    departmentId: string,
    hoursId: string,
  ): Promise<boolean> {
    return (await this.db.write(sql.detach, [tenantId, organizationId, departmentId, hoursId])).length > 0;
  }

  async listDepartmentBusinessHours(
    tenantId: string,
    organizationId: string,
    departmentId: string,
  ): Promise<BusinessHours[]> {
    const rows = await this.db.rows<BusinessHoursRow>(sql.listAttached, [
      tenantId,
      organizationId,
      departmentId,
    ]);
    return rows.map(toBusinessHours);
  }

  async countOnlineAgents(tenantId: string, organizationId: string, departmentId?: string): Promise<number> {
    const [row] =
      departmentId === undefined
        ? await this.db.rows<{ n: number }>(sql.countOnline, [tenantId, organizationId])
        : await this.db.rows<{ n: number }>(sql.countOnlineInDepartment, [
            tenantId,
            organizationId,
            departmentId,
          ]);
    return row?.n ?? 0;
  }

  async embeddingOrigins(): Promise<string[]> {
    const rows = await this.db.rows<{ settings: string }>(sql.allSettings);
    return originsOf(rows.map((r) => r.settings));
  }

  async getWidget(tenantId: string, organizationId: string): Promise<WidgetRecord | null> {
    const [row] = await this.db.rows<WidgetRow>(sql.getWidget, [tenantId, organizationId]);
    return row ? toWidget(row) : null;
  }

  async ensureWidget(tenantId: string, organizationId: string, key: string): Promise<WidgetRecord | null> {
    const [row] = await this.db.write<WidgetRow>(sql.ensureWidget, [tenantId, organizationId, key]);
    return row ? toWidget(row) : null;
  }

  async saveWidgetSettings(
    tenantId: string,
    organizationId: string,
    settings: WidgetSettings,
    key: string,
    at: string,
  ): Promise<WidgetRecord | null> {
    const [row] = await this.db.write<WidgetRow>(sql.saveWidget, [
      tenantId,
      organizationId,
      key,
      JSON.stringify(settings),
      at,
    ]);
    return row ? toWidget(row) : null;
  }

  async rotateWidgetKey(tenantId: string, organizationId: string, key: string): Promise<WidgetRecord | null> {
    const [row] = await this.db.write<WidgetRow>(sql.rotateKey, [tenantId, organizationId, key]);
    return row ? toWidget(row) : null;
  }

  async findWidgetKey(key: string): Promise<{ tenantId: string; organizationId: string } | null> {
    const [row] = await this.db.rows<{ tenant_id: string; organization_id: string }>(sql.findKey, [key]);
    return row ? { tenantId: row.tenant_id, organizationId: row.organization_id } : null;
  }

  async getDepartmentWidget(
    tenantId: string,
    organizationId: string,
    departmentId: string,
  ): Promise<DepartmentWidgetRecord | null> {
    const [row] = await this.db.rows<DepartmentWidgetRow>(sql.getDepartmentWidget, [
      tenantId,
      organizationId,
      departmentId,
    ]);
    return row ? toDepartmentWidget(row) : null;
  }

  async saveDepartmentWidget(
    tenantId: string,
    organizationId: string,
    departmentId: string,
    override: WidgetSettingsOverride,
    at: string,
  ): Promise<boolean> {
    const rows = await this.db.write(sql.saveDepartmentWidget, [
      tenantId,
      organizationId,
      departmentId,
      JSON.stringify(override),
      at,
    ]);
    return rows.length > 0;
  }

  async deleteDepartmentWidget(
    tenantId: string,
    organizationId: string,
    departmentId: string,
  ): Promise<boolean> {
    return (
      (await this.db.write(sql.deleteDepartmentWidget, [tenantId, organizationId, departmentId])).length > 0
    );
  }
}
