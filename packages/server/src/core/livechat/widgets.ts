import { randomBytes } from 'node:crypto';
import type {
  DepartmentWidget,
  OrganizationWidget,
  WidgetSettings,
  WidgetSettingsOverride,
} from '@parley/protocol';
import type { Actor } from '../actor.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { iso } from '../clock.js';
import { accessOrganization } from '../access.js';
import type { WidgetRecord } from '../ports/livechat-settings-store.js';
import { checkWidgetSettings, defaultWidgetSettings, resolveWidgetSettings } from './widget-settings.js';

/**
 * A new public widget key: `wk_` and 192 random bits, url-safe. Public (it is
 * in the site's HTML) but unguessable, so a key names one organization and
 * cannot be enumerated.
 */
export function newWidgetKey(): string {
  return `wk_${randomBytes(24).toString('base64url')}`;
}

/**
 * An organization's widget: its public key and settings, and the departments'
 * overrides. Writes need `manage` on the organization, reads `read`.
 */
export class Widgets {
  /** Told after settings are saved here (the allowed origins may have changed); set by the wiring. */
  settingsSaved: () => void = () => undefined;

  constructor(private readonly deps: CoreDeps) {}

  /**
   * The widget, with the default settings until some are saved. The key is
   * made on first need (this read, a save or a rotation), so organizations
   * created before widgets existed get one too; concurrent first reads agree
   * on one key (see `ensureWidget`).
   */
  async get(actor: Actor, organizationId: string): Promise<OrganizationWidget> {
    await accessOrganization(this.deps, actor, organizationId, 'read');
    const { store } = this.deps;
    const record =
      (await store.livechat.getWidget(actor.tenantId, organizationId)) ??
      (await store.livechat.ensureWidget(actor.tenantId, organizationId, newWidgetKey()));
    return present(organizationId, record);
  }

  /** Replaces the organization's settings as a whole (origins normalised). */
  async save(actor: Actor, organizationId: string, body: WidgetSettings): Promise<OrganizationWidget> {
    await accessOrganization(this.deps, actor, organizationId, 'manage');
    const settings = checkWidgetSettings(body);
    const record = await this.deps.store.livechat.saveWidgetSettings(
      actor.tenantId,
      organizationId,
      settings,
      newWidgetKey(),
      iso(this.deps.clock.now()),
    );
    this.settingsSaved();
    return present(organizationId, record);
  }

  /** Gives the organization a new key; the old one stops naming it at once. */
  async rotateKey(actor: Actor, organizationId: string): Promise<OrganizationWidget> {
    await accessOrganization(this.deps, actor, organizationId, 'manage');
    const record = await this.deps.store.livechat.rotateWidgetKey(
      actor.tenantId,
      organizationId,
      newWidgetKey(),
    );
    return present(organizationId, record);
  }

  // Department overrides ----------------------------------------------------

  async getOverride(actor: Actor, organizationId: string, departmentId: string): Promise<DepartmentWidget> {
    await this.department(actor, organizationId, departmentId, 'read');
    const record = await this.deps.store.livechat.getDepartmentWidget(
      actor.tenantId,
      organizationId,
      departmentId,
    );
    return {
      organizationId,
      departmentId,
      override: record?.override ?? {},
      updatedAt: record?.updatedAt ?? null,
    };
  }

  /** Replaces the department's overrides as a whole; `{}` overrides nothing. */
  async saveOverride(
    actor: Actor,
    organizationId: string,
    departmentId: string,
    body: WidgetSettingsOverride,
  ): Promise<DepartmentWidget> {
    await accessOrganization(this.deps, actor, organizationId, 'manage');
    const override = checkWidgetSettings(body);
    const updatedAt = iso(this.deps.clock.now());
    const saved = await this.deps.store.livechat.saveDepartmentWidget(
      actor.tenantId,
      organizationId,
      departmentId,
      override,
      updatedAt,
    );
    if (!saved) throw new AppError('department_not_found');
    return { organizationId, departmentId, override, updatedAt };
  }

  /** Drops the department's overrides (none is fine): it inherits everything again. */
  async deleteOverride(actor: Actor, organizationId: string, departmentId: string): Promise<void> {
    await this.department(actor, organizationId, departmentId, 'manage');
    await this.deps.store.livechat.deleteDepartmentWidget(actor.tenantId, organizationId, departmentId);
  }

  /** The settings a department's widget shows (`resolveWidgetSettings`), or the organization's. */
  async resolved(actor: Actor, organizationId: string, departmentId?: string): Promise<WidgetSettings> {
    await accessOrganization(this.deps, actor, organizationId, 'read');
    return this.resolvedFor(actor.tenantId, organizationId, departmentId);
  }

  /** `resolved` without an access check, for the public widget (which checked its key and origin). */
  async resolvedFor(
    tenantId: string,
    organizationId: string,
    departmentId?: string,
  ): Promise<WidgetSettings> {
    const { store } = this.deps;
    const widget = await store.livechat.getWidget(tenantId, organizationId);
    const settings = widget?.settings ?? defaultWidgetSettings();
    if (departmentId === undefined) return settings;
    if (!(await store.livechat.getDepartment(tenantId, organizationId, departmentId))) {
      throw new AppError('department_not_found', undefined, { field: 'departmentId' });
    }
    const override = await store.livechat.getDepartmentWidget(tenantId, organizationId, departmentId);
    return resolveWidgetSettings(settings, override?.override);
  }

  private async department(
    actor: Actor,
    organizationId: string,
    departmentId: string,
    need: 'read' | 'manage',
  ): Promise<void> {
    await accessOrganization(this.deps, actor, organizationId, need);
    if (!(await this.deps.store.livechat.getDepartment(actor.tenantId, organizationId, departmentId))) {
      throw new AppError('department_not_found');
    }
  }
}

/** The response for a widget row; null means the organization went away during the call. */
function present(organizationId: string, record: WidgetRecord | null): OrganizationWidget {
  if (!record) throw new AppError('organization_not_found');
  return {
    organizationId,
    widgetKey: record.widgetKey,
    settings: record.settings ?? defaultWidgetSettings(),
    updatedAt: record.updatedAt,
  };
}
