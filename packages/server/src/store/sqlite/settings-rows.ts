import type { BusinessHours, WidgetSettings, WidgetSettingsOverride } from '@parley/protocol';
import type { DepartmentWidgetRecord, WidgetRecord } from '../../core/ports/livechat-settings-store.js';

// Rows of the business-hours and widget tables, shared by both adapters
// (PostgreSQL selects the same column names). JSON columns are text in both.

export interface BusinessHoursRow {
  id: string;
  organization_id: string;
  name: string;
  schedule: string;
  created_at: string;
  updated_at: string;
}

export interface WidgetRow {
  organization_id: string;
  widget_key: string;
  settings: string | null;
  updated_at: string | null;
}

export interface DepartmentWidgetRow {
  department_id: string;
  override: string;
  updated_at: string;
}

export const toBusinessHours = (row: BusinessHoursRow): BusinessHours => ({
  id: row.id,
  organizationId: row.organization_id,
  name: row.name,
  schedule: JSON.parse(row.schedule) as BusinessHours['schedule'],
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export const toWidget = (row: WidgetRow): WidgetRecord => ({
  organizationId: row.organization_id,
  widgetKey: row.widget_key,
  settings: row.settings === null ? null : (JSON.parse(row.settings) as WidgetSettings),
  updatedAt: row.updated_at,
});

export const toDepartmentWidget = (row: DepartmentWidgetRow): DepartmentWidgetRecord => ({
  departmentId: row.department_id,
  override: JSON.parse(row.override) as WidgetSettingsOverride,
  updatedAt: row.updated_at,
});

/** The allowed origins of stored widget settings (JSON), deduplicated. Shared with the PostgreSQL adapter. */
export function originsOf(settings: string[]): string[] {
  const origins = new Set<string>();
  for (const json of settings)
    for (const o of (JSON.parse(json) as WidgetSettings).allowedOrigins) origins.add(o);
  return [...origins];
}
