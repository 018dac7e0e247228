import type {
  Availability,
  BusinessHours,
  BusinessHoursSchedule,
  CreateBusinessHoursBody,
  UpdateBusinessHoursBody,
} from '@parley/protocol';
import type { Actor } from '../actor.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { iso } from '../clock.js';
import { newId } from '../ids.js';
import { accessOrganization } from '../access.js';
import { validateSchedule, type Schedule } from './business-hours.js';
import { governingSchedules, hoursOpen, nextChangeOfAny } from './availability.js';

/**
 * An organization's business hours (several named schedules), their
 * attachment to departments, and availability: whether the organization or a
 * department is open now and how many of its agents are online. Writes need
 * `manage` on the organization, reads `read` (its agents).
 */
export class Schedules {
  constructor(private readonly deps: CoreDeps) {}

  async create(actor: Actor, organizationId: string, body: CreateBusinessHoursBody): Promise<BusinessHours> {
    await accessOrganization(this.deps, actor, organizationId, 'manage');
    const now = iso(this.deps.clock.now());
    const hours: BusinessHours = {
      id: newId('bh'),
      organizationId,
      name: body.name,
      schedule: checkSchedule(body.schedule),
      createdAt: now,
      updatedAt: now,
    };
    // False only when the organization was deleted meanwhile.
    if (!(await this.deps.store.livechat.insertBusinessHours(actor.tenantId, hours))) {
      throw new AppError('organization_not_found');
    }
    return hours;
  }

  async list(actor: Actor, organizationId: string): Promise<BusinessHours[]> {
    await accessOrganization(this.deps, actor, organizationId, 'read');
    return this.deps.store.livechat.listBusinessHours(actor.tenantId, organizationId);
  }

  async get(actor: Actor, organizationId: string, id: string): Promise<BusinessHours> {
    await accessOrganization(this.deps, actor, organizationId, 'read');
    const hours = await this.deps.store.livechat.getBusinessHours(actor.tenantId, organizationId, id);
    if (!hours) throw new AppError('business_hours_not_found');
    return hours;
  }

  async update(
    actor: Actor,
    organizationId: string,
    id: string,
    body: UpdateBusinessHoursBody,
  ): Promise<BusinessHours> {
    await accessOrganization(this.deps, actor, organizationId, 'manage');
    const updated = await this.deps.store.livechat.updateBusinessHours(actor.tenantId, organizationId, id, {
      ...(body.name !== undefined && { name: body.name }),
      ...(body.schedule !== undefined && { schedule: checkSchedule(body.schedule) }),
      updatedAt: iso(this.deps.clock.now()),
    });
    if (!updated) throw new AppError('business_hours_not_found');
    return updated;
  }

  /** Deletes the schedule and detaches it from every department. */
  async delete(actor: Actor, organizationId: string, id: string): Promise<void> {
    await accessOrganization(this.deps, actor, organizationId, 'manage');
    if (!(await this.deps.store.livechat.deleteBusinessHours(actor.tenantId, organizationId, id))) {
      throw new AppError('business_hours_not_found');
    }
  }

  // Attachments -----------------------------------------------------------

  async listAttached(actor: Actor, organizationId: string, departmentId: string): Promise<BusinessHours[]> {
    await this.department(actor, organizationId, departmentId, 'read');
    return this.deps.store.livechat.listDepartmentBusinessHours(actor.tenantId, organizationId, departmentId);
  }

  /** Attaches the schedule to the department (again is a no-op) and returns the department's schedules. */
  async attach(
    actor: Actor,
    organizationId: string,
    departmentId: string,
    businessHoursId: string,
  ): Promise<BusinessHours[]> {
    await this.department(actor, organizationId, departmentId, 'manage');
    const { store } = this.deps;
    if (
      !(await store.livechat.attachBusinessHours(
        actor.tenantId,
        organizationId,
        departmentId,
        businessHoursId,
      ))
    ) {
      // The department was checked: what is missing is the schedule (or the department, deleted meanwhile).
      throw new AppError('business_hours_not_found', undefined, { field: 'businessHoursId' });
    }
    return store.livechat.listDepartmentBusinessHours(actor.tenantId, organizationId, departmentId);
  }

  async detach(
    actor: Actor,
    organizationId: string,
    departmentId: string,
    businessHoursId: string,
  ): Promise<void> {
    await this.department(actor, organizationId, departmentId, 'manage');
    const { store } = this.deps;
    if (
      !(await store.livechat.detachBusinessHours(
        actor.tenantId,
        organizationId,
        departmentId,
        businessHoursId,
      ))
    ) {
      throw new AppError(
        'business_hours_not_found',
        'These business hours are not attached to the department.',
      );
    }
  }

  // Availability ------------------------------------------------------------

  /**
   * Seed 001's "is an agent available now", per organization or department.
   * The hours that apply are the department's attached schedules, or the
   * organization's schedules when it has none attached (or no department is
   * named); no schedule at all means always open (`governingSchedules`).
   */
  async availability(actor: Actor, organizationId: string, departmentId?: string): Promise<Availability> {
    await accessOrganization(this.deps, actor, organizationId, 'read');
    return this.availabilityOf(actor.tenantId, organizationId, departmentId);
  }

  /** `availability` without an access check, for the public widget (which checked its key and origin). */
  async availabilityOf(
    tenantId: string,
    organizationId: string,
    departmentId?: string,
  ): Promise<Availability> {
    const { store } = this.deps;
    let attached: BusinessHours[] = [];
    if (departmentId !== undefined) {
      if (!(await store.livechat.getDepartment(tenantId, organizationId, departmentId))) {
        throw new AppError('department_not_found', undefined, { field: 'departmentId' });
      }
      attached = await store.livechat.listDepartmentBusinessHours(tenantId, organizationId, departmentId);
    }
    const all = attached.length > 0 ? [] : await store.livechat.listBusinessHours(tenantId, organizationId);
    const schedules = governingSchedules(
      attached.map((h) => h.schedule),
      all.map((h) => h.schedule),
    );
    const now = new Date(this.deps.clock.now());
    const change = nextChangeOfAny(schedules, now);
    return {
      open: hoursOpen(schedules, now),
      nextChange: change && { open: change.open, at: iso(change.at.getTime()) },
      agentsOnline: await store.livechat.countOnlineAgents(tenantId, organizationId, departmentId),
    };
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

/**
 * The schedule to store: holidays default to none, and `validateSchedule`'s
 * verdict with its field placed under `schedule` as the request names it.
 */
function checkSchedule(body: BusinessHoursSchedule): Schedule {
  const schedule: Schedule = {
    timeZone: body.timeZone,
    weekly: body.weekly.map(({ day, open, close }) => ({ day, open, close })),
    holidays: (body.holidays ?? []).map(({ date, name }) => ({ date, ...(name !== undefined && { name }) })),
  };
  try {
    validateSchedule(schedule);
  } catch (err) {
    if (err instanceof AppError && typeof err.details.field === 'string') {
      throw new AppError(err.code, err.message, { field: `schedule.${err.details.field}` });
    }
    throw err;
  }
  return schedule;
}
