import type Database from 'better-sqlite3';
import type { BusinessHours, WidgetSettings, WidgetSettingsOverride } from '@parley/protocol';
import type {
  DepartmentWidgetRecord,
  LivechatSettingsStore,
  WidgetRecord,
} from '../../core/ports/livechat-settings-store.js';
import type { WriteQueue } from './write-queue.js';
import {
  originsOf,
  toBusinessHours,
  toDepartmentWidget,
  toWidget,
  type BusinessHoursRow,
  type DepartmentWidgetRow,
  type WidgetRow,
} from './settings-rows.js';

type InOrg = { tenantId: string; organizationId: string };
type InDep = InOrg & { departmentId: string };
type Hours = InOrg & { id: string };

const ORG_EXISTS =
  'EXISTS (SELECT 1 FROM organizations WHERE tenant_id = @tenantId AND id = @organizationId)';
const DEP_EXISTS = `EXISTS (SELECT 1 FROM departments
  WHERE tenant_id = @tenantId AND organization_id = @organizationId AND id = @departmentId)`;
const WIDGET_COLS = 'organization_id, widget_key, settings, updated_at';

function prepare(db: Database.Database) {
  return {
    insertHours: db.prepare<Hours & { name: string; schedule: string; createdAt: string; updatedAt: string }>(
      `INSERT INTO business_hours (tenant_id, id, organization_id, name, schedule, created_at, updated_at)
       SELECT @tenantId, @id, @organizationId, @name, @schedule, @createdAt, @updatedAt WHERE ${ORG_EXISTS}`,
    ),
    getHours: db.prepare<Hours, BusinessHoursRow>(
      `SELECT * FROM business_hours WHERE tenant_id = @tenantId AND organization_id = @organizationId
         AND id = @id`,
    ),
    listHours: db.prepare<InOrg, BusinessHoursRow>(
      `SELECT * FROM business_hours WHERE tenant_id = @tenantId AND organization_id = @organizationId
       ORDER BY created_at, id`,
    ),
    updateHours: db.prepare<
      Hours & { name: string | null; schedule: string | null; at: string },
      BusinessHoursRow
    >(
      `UPDATE business_hours SET name = ifnull(@name, name), schedule = ifnull(@schedule, schedule),
         updated_at = @at
       WHERE tenant_id = @tenantId AND organization_id = @organizationId AND id = @id RETURNING *`,
    ),
    deleteHours: db.prepare<Hours>(
      'DELETE FROM business_hours WHERE tenant_id = @tenantId AND organization_id = @organizationId AND id = @id',
    ),
    attach: db.prepare<InDep & { hoursId: string }>(
      `INSERT INTO department_business_hours (tenant_id, organization_id, department_id, business_hours_id)
       SELECT @tenantId, @organizationId, @departmentId, @hoursId
       WHERE ${DEP_EXISTS}
         AND EXISTS (SELECT 1 FROM business_hours
           WHERE tenant_id = @tenantId AND organization_id = @organizationId AND id = @hoursId)
       ON CONFLICT (tenant_id, department_id, business_hours_id) DO NOTHING`,
    ),
    isAttached: db.prepare<InDep & { hoursId: string }, number>(
      `SELECT 1 FROM department_business_hours WHERE tenant_id = @tenantId
         AND organization_id = @organizationId AND department_id = @departmentId
         AND business_hours_id = @hoursId`,
    ),
    detach: db.prepare<InDep & { hoursId: string }>(
      `DELETE FROM department_business_hours WHERE tenant_id = @tenantId
         AND organization_id = @organizationId AND department_id = @departmentId
         AND business_hours_id = @hoursId`,
    ),
    listAttached: db.prepare<InDep, BusinessHoursRow>(
      `SELECT h.* FROM business_hours h JOIN department_business_hours a
         ON a.tenant_id = h.tenant_id AND a.organization_id = h.organization_id AND a.business_hours_id = h.id
       WHERE a.tenant_id = @tenantId AND a.organization_id = @organizationId
         AND a.department_id = @departmentId
       ORDER BY h.created_at, h.id`,
    ),
    countOnline: db.prepare<InOrg, number>(
      `SELECT count(*) FROM agents WHERE tenant_id = @tenantId AND organization_id = @organizationId
         AND status = 'online'`,
    ),
    countOnlineInDepartment: db.prepare<InDep, number>(
      `SELECT count(*) FROM agents a JOIN department_members m
         ON m.tenant_id = a.tenant_id AND m.organization_id = a.organization_id AND m.user_id = a.user_id
       WHERE a.tenant_id = @tenantId AND a.organization_id = @organizationId
         AND m.department_id = @departmentId AND a.status = 'online'`,
    ),
    getWidget: db.prepare<InOrg, WidgetRow>(
      `SELECT ${WIDGET_COLS} FROM widgets WHERE tenant_id = @tenantId AND organization_id = @organizationId`,
    ),
    ensureWidget: db.prepare<InOrg & { key: string }>(
      `INSERT INTO widgets (tenant_id, organization_id, widget_key)
       SELECT @tenantId, @organizationId, @key WHERE ${ORG_EXISTS}
       ON CONFLICT (tenant_id, organization_id) DO NOTHING`,
    ),
    saveWidget: db.prepare<InOrg & { key: string; settings: string; at: string }, WidgetRow>(
      `INSERT INTO widgets (tenant_id, organization_id, widget_key, settings, updated_at)
       SELECT @tenantId, @organizationId, @key, @settings, @at WHERE ${ORG_EXISTS}
       ON CONFLICT (tenant_id, organization_id) DO UPDATE
         SET settings = excluded.settings, updated_at = excluded.updated_at
       RETURNING ${WIDGET_COLS}`,
    ),
    rotateKey: db.prepare<InOrg & { key: string }, WidgetRow>(
      `INSERT INTO widgets (tenant_id, organization_id, widget_key)
       SELECT @tenantId, @organizationId, @key WHERE ${ORG_EXISTS}
       ON CONFLICT (tenant_id, organization_id) DO UPDATE SET widget_key = excluded.widget_key
       RETURNING ${WIDGET_COLS}`,
    ),
    allSettings: db.prepare<[], string>('SELECT settings FROM widgets WHERE settings IS NOT NULL'),
    findKey: db.prepare<{ key: string }, { tenant_id: string; organization_id: string }>(
      'SELECT tenant_id, organization_id FROM widgets WHERE widget_key = @key',
    ),
    getDepartmentWidget: db.prepare<InDep, DepartmentWidgetRow>(
      `SELECT department_id, override, updated_at FROM department_widgets
       WHERE tenant_id = @tenantId AND organization_id = @organizationId AND department_id = @departmentId`,
    ),
    saveDepartmentWidget: db.prepare<InDep & { override: string; at: string }>(
      `INSERT INTO department_widgets (tenant_id, organization_id, department_id, override, updated_at)
       SELECT @tenantId, @organizationId, @departmentId, @override, @at WHERE ${DEP_EXISTS}
       ON CONFLICT (tenant_id, department_id) DO UPDATE
         SET override = excluded.override, updated_at = excluded.updated_at`,
    ),
    deleteDepartmentWidget: db.prepare<InDep>(
      `DELETE FROM department_widgets
       WHERE tenant_id = @tenantId AND organization_id = @organizationId AND department_id = @departmentId`,
    ),
  };
}

/** The SQLite adapter's part of the port for business hours and widgets; writes go through the group commit. */
export class SqliteLivechatSettings implements LivechatSettingsStore {
  private readonly s: ReturnType<typeof prepare>;

  constructor(
    db: Database.Database,
    private readonly queue: WriteQueue,
  ) {
    this.s = prepare(db);
  }

  insertBusinessHours(tenantId: string, hours: BusinessHours): Promise<boolean> {
    const { schedule, ...rest } = hours;
    return this.queue.run(
      () => this.s.insertHours.run({ tenantId, ...rest, schedule: JSON.stringify(schedule) }).changes > 0,
    );
  }

  async getBusinessHours(
    tenantId: string,
    organizationId: string,
    id: string,
  ): Promise<BusinessHours | null> {
    const row = this.s.getHours.get({ tenantId, organizationId, id });
    return row ? toBusinessHours(row) : null;
  }

  async listBusinessHours(tenantId: string, organizationId: string): Promise<BusinessHours[]> {
    return this.s.listHours.all({ tenantId, organizationId }).map(toBusinessHours);
  }

  updateBusinessHours(
    tenantId: string,
    organizationId: string,
    id: string,
    patch: Parameters<LivechatSettingsStore['updateBusinessHours']>[3],
  ): Promise<BusinessHours | null> {
    return this.queue.run(() => {
      const row = this.s.updateHours.get({
        tenantId,
        organizationId,
        id,
        name: patch.name ?? null,
        schedule: patch.schedule === undefined ? null : JSON.stringify(patch.schedule),
        at: patch.updatedAt,
      });
      return row ? toBusinessHours(row) : null;
    });
  }

  deleteBusinessHours(tenantId: string, organizationId: string, id: string): Promise<boolean> {
    return this.queue.run(() => this.s.deleteHours.run({ tenantId, organizationId, id }).changes > 0);
  }

  attachBusinessHours(
    tenantId: string,
    organizationId: string,
    departmentId: string,
    hoursId: string,
  ): Promise<boolean> {
    const params = { tenantId, organizationId, departmentId, hoursId };
    return this.queue.run(() => {
      this.s.attach.run(params);
      return this.s.isAttached.get(params) !== undefined;
    });
  }

  detachBusinessHours(
    tenantId: string,
    organizationId: string,
    departmentId: string,
    hoursId: string,
  ): Promise<boolean> {
    return this.queue.run(
      () => this.s.detach.run({ tenantId, organizationId, departmentId, hoursId }).changes > 0,
    );
  }

  async listDepartmentBusinessHours(
    tenantId: string,
    organizationId: string,
    departmentId: string,
  ): Promise<BusinessHours[]> {
    return this.s.listAttached.all({ tenantId, organizationId, departmentId }).map(toBusinessHours);
  }

  async countOnlineAgents(tenantId: string, organizationId: string, departmentId?: string): Promise<number> {
    const count =
      departmentId === undefined
        ? this.s.countOnline.pluck().get({ tenantId, organizationId })
        : this.s.countOnlineInDepartment.pluck().get({ tenantId, organizationId, departmentId });
    return count ?? 0;
  }

  async embeddingOrigins(): Promise<string[]> {
    return originsOf(this.s.allSettings.pluck().all());
  }

  async getWidget(tenantId: string, organizationId: string): Promise<WidgetRecord | null> {
    const row = this.s.getWidget.get({ tenantId, organizationId });
    return row ? toWidget(row) : null;
  }

  ensureWidget(tenantId: string, organizationId: string, key: string): Promise<WidgetRecord | null> {
    return this.queue.run(() => {
      this.s.ensureWidget.run({ tenantId, organizationId, key });
      const row = this.s.getWidget.get({ tenantId, organizationId });
      return row ? toWidget(row) : null;
    });
  }

  saveWidgetSettings(
    tenantId: string,
    organizationId: string,
    settings: WidgetSettings,
    key: string,
    at: string,
  ): Promise<WidgetRecord | null> {
    return this.queue.run(() => {
      const row = this.s.saveWidget.get({
        tenantId,
        organizationId,
        key,
        settings: JSON.stringify(settings),
        at,
      });
      return row ? toWidget(row) : null;
    });
  }

  rotateWidgetKey(tenantId: string, organizationId: string, key: string): Promise<WidgetRecord | null> {
    return this.queue.run(() => {
      const row = this.s.rotateKey.get({ tenantId, organizationId, key });
      return row ? toWidget(row) : null;
    });
  }

  async findWidgetKey(key: string): Promise<{ tenantId: string; organizationId: string } | null> {
    const row = this.s.findKey.get({ key });
    return row ? { tenantId: row.tenant_id, organizationId: row.organization_id } : null;
  }

  async getDepartmentWidget(
    tenantId: string,
    organizationId: string,
    departmentId: string,
  ): Promise<DepartmentWidgetRecord | null> {
    const row = this.s.getDepartmentWidget.get({ tenantId, organizationId, departmentId });
    return row ? toDepartmentWidget(row) : null;
  }

  saveDepartmentWidget(
    tenantId: string,
    organizationId: string,
    departmentId: string,
    override: WidgetSettingsOverride,
    at: string,
  ): Promise<boolean> {
    return this.queue.run(
      () =>
        this.s.saveDepartmentWidget.run({
          tenantId,
          organizationId,
          departmentId,
          override: JSON.stringify(override),
          at,
        }).changes > 0,
    );
  }

  deleteDepartmentWidget(tenantId: string, organizationId: string, departmentId: string): Promise<boolean> {
    return this.queue.run(
      () => this.s.deleteDepartmentWidget.run({ tenantId, organizationId, departmentId }).changes > 0,
    );
  }
}
