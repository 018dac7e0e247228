import type { BusinessHours, WidgetSettings, WidgetSettingsOverride } from '@parley/protocol';

/**
 * The live-chat settings part of the Store port: an organization's business
 * hours and their attachment to departments, its widget (public key and
 * settings) and the departments' widget overrides. Part of the Store's
 * `livechat` facet (`livechat-store.ts`), under its general contract:
 * tenant-scoped (another tenant's id behaves like an unknown one) except
 * `findWidgetKey` and `embeddingOrigins`, atomic and durable when resolved, the caller's ISO times,
 * fresh copies returned.
 *
 * The model:
 * - Business hours belong to one organization; ids are unique within the
 *   tenant. An attachment ties business hours to a department of the same
 *   organization. Deleting the organization deletes its business hours, its
 *   widget and every attachment and override; deleting a department deletes
 *   its attachments and override; deleting business hours detaches them
 *   everywhere. All in the same transaction as the deletion.
 * - Schedules and settings are stored as given (the domain validates them)
 *   and returned equal.
 * - An organization has at most one widget row: its public key and, once
 *   saved, its settings. Keys are unique across all tenants, so a key alone
 *   names its organization. The domain generates keys; the store never
 *   replaces a key except in `rotateWidgetKey`, so concurrent first reads
 *   agree on one key.
 */
export interface LivechatSettingsStore {
  // Business hours --------------------------------------------------------
  /** False, writing nothing, when the organization is unknown. */
  insertBusinessHours(tenantId: string, hours: BusinessHours): Promise<boolean>;
  getBusinessHours(tenantId: string, organizationId: string, id: string): Promise<BusinessHours | null>;
  /** The organization's business hours, oldest first (ties by id). */
  listBusinessHours(tenantId: string, organizationId: string): Promise<BusinessHours[]>;
  /** Applies the fields given and sets `updatedAt`; null when unknown in that organization. */
  updateBusinessHours(
    tenantId: string,
    organizationId: string,
    id: string,
    patch: { name?: string; schedule?: BusinessHours['schedule']; updatedAt: string },
  ): Promise<BusinessHours | null>;
  /** Deletes them and their attachments; false when unknown in that organization. */
  deleteBusinessHours(tenantId: string, organizationId: string, id: string): Promise<boolean>;

  // Attachments -----------------------------------------------------------
  /**
   * Attaches business hours to a department; attaching again changes
   * nothing. False, writing nothing, when either is not in that organization.
   */
  attachBusinessHours(
    tenantId: string,
    organizationId: string,
    departmentId: string,
    businessHoursId: string,
  ): Promise<boolean>;
  /** False when they were not attached to that department of that organization. */
  detachBusinessHours(
    tenantId: string,
    organizationId: string,
    departmentId: string,
    businessHoursId: string,
  ): Promise<boolean>;
  /** The business hours attached to the department, oldest first (ties by id). */
  listDepartmentBusinessHours(
    tenantId: string,
    organizationId: string,
    departmentId: string,
  ): Promise<BusinessHours[]>;

  /** How many agents of the organization (members of the department, when given) have status `online`. */
  countOnlineAgents(tenantId: string, organizationId: string, departmentId?: string): Promise<number>;

  // Widget ----------------------------------------------------------------
  /** The organization's widget row, or null when it has none yet (or the organization is unknown). */
  getWidget(tenantId: string, organizationId: string): Promise<WidgetRecord | null>;
  /**
   * The widget row, created with `candidateKey` and no settings when missing;
   * an existing key is kept. Null when the organization is unknown.
   */
  ensureWidget(tenantId: string, organizationId: string, candidateKey: string): Promise<WidgetRecord | null>;
  /**
   * Stores the settings (replacing any) and sets `updatedAt`, creating the row
   * with `candidateKey` when missing. Null when the organization is unknown.
   */
  saveWidgetSettings(
    tenantId: string,
    organizationId: string,
    settings: WidgetSettings,
    candidateKey: string,
    updatedAt: string,
  ): Promise<WidgetRecord | null>;
  /** Replaces the key (creating the row when missing); the old key finds nothing afterwards. */
  rotateWidgetKey(tenantId: string, organizationId: string, newKey: string): Promise<WidgetRecord | null>;
  /** The organization a widget key belongs to, in any tenant; null for an unknown or rotated key. */
  findWidgetKey(widgetKey: string): Promise<{ tenantId: string; organizationId: string } | null>;
  /**
   * Every origin some widget allows, in any tenant, deduplicated: the sites
   * that embed a widget, whose pages then call the thread routes and the
   * WebSocket with a visitor's token.
   */
  embeddingOrigins(): Promise<string[]>;

  // Department overrides ----------------------------------------------------
  getDepartmentWidget(
    tenantId: string,
    organizationId: string,
    departmentId: string,
  ): Promise<DepartmentWidgetRecord | null>;
  /** Replaces the override; false, writing nothing, when the department is not in that organization. */
  saveDepartmentWidget(
    tenantId: string,
    organizationId: string,
    departmentId: string,
    override: WidgetSettingsOverride,
    updatedAt: string,
  ): Promise<boolean>;
  /** False when the department had no override. */
  deleteDepartmentWidget(tenantId: string, organizationId: string, departmentId: string): Promise<boolean>;
}

/** An organization's widget row: `settings` and `updatedAt` are null until settings are first saved. */
export interface WidgetRecord {
  organizationId: string;
  widgetKey: string;
  settings: WidgetSettings | null;
  updatedAt: string | null;
}

export interface DepartmentWidgetRecord {
  departmentId: string;
  override: WidgetSettingsOverride;
  updatedAt: string;
}
