import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import {
  AttachBusinessHoursBody,
  Availability,
  BusinessHours,
  CreateBusinessHoursBody,
  DepartmentQuery,
  DepartmentWidget,
  OrganizationParams,
  OrganizationWidget,
  SettingsParams,
  UpdateBusinessHoursBody,
  WidgetSettings,
  WidgetSettingsOverride,
} from '@parley/protocol';
import type { Core } from '../../core/index.js';
import { actorOf } from '../auth.js';
import { NoContent, withErrors } from '../route-helpers.js';

type OrgParams = Static<typeof OrganizationParams.organization>;
type DepParams = Static<typeof OrganizationParams.department>;
type HoursParams = Static<typeof SettingsParams.businessHours>;
type DepHoursParams = Static<typeof SettingsParams.departmentHours>;

const ORG = '/v1/organizations/:organizationId';
const HOURS = `${ORG}/business-hours`;
const DEP = `${ORG}/departments/:departmentId`;
const hoursTags = ['Live chat: business hours'];
const widgetTags = ['Live chat: widget settings'];
const HoursList = Type.Object({ items: Type.Array(BusinessHours) });

/** Live-chat business hours, availability, widget settings and the widget key. */
export function livechatSettingsRoutes(app: FastifyInstance, core: Core): void {
  const { schedules, widgets } = core;

  app.post(
    HOURS,
    {
      schema: {
        tags: hoursTags,
        summary: 'Create business hours (a named weekly schedule)',
        params: OrganizationParams.organization,
        body: CreateBusinessHoursBody,
        response: withErrors({ 201: BusinessHours }),
      },
    },
    async (request, reply) => {
      const { organizationId } = request.params as OrgParams;
      const body = request.body as CreateBusinessHoursBody;
      return reply.status(201).send(await schedules.create(actorOf(request), organizationId, body));
    },
  );
  app.get(
    HOURS,
    {
      schema: {
        tags: hoursTags,
        summary: "List an organization's business hours",
        params: OrganizationParams.organization,
        response: withErrors({ 200: HoursList }),
      },
    },
    async (request) => ({
      items: await schedules.list(actorOf(request), (request.params as OrgParams).organizationId),
    }),
  );
  app.get(
    `${HOURS}/:businessHoursId`,
    {
      schema: {
        tags: hoursTags,
        summary: 'Get business hours',
        params: SettingsParams.businessHours,
        response: withErrors({ 200: BusinessHours }),
      },
    },
    async (request) => {
      const { organizationId, businessHoursId } = request.params as HoursParams;
      return schedules.get(actorOf(request), organizationId, businessHoursId);
    },
  );
  app.patch(
    `${HOURS}/:businessHoursId`,
    {
      schema: {
        tags: hoursTags,
        summary: 'Rename business hours or replace their schedule',
        params: SettingsParams.businessHours,
        body: UpdateBusinessHoursBody,
        response: withErrors({ 200: BusinessHours }),
      },
    },
    async (request) => {
      const { organizationId, businessHoursId } = request.params as HoursParams;
      const body = request.body as UpdateBusinessHoursBody;
      return schedules.update(actorOf(request), organizationId, businessHoursId, body);
    },
  );
  app.delete(
    `${HOURS}/:businessHoursId`,
    {
      schema: {
        tags: hoursTags,
        summary: 'Delete business hours (detached from every department)',
        params: SettingsParams.businessHours,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      const { organizationId, businessHoursId } = request.params as HoursParams;
      await schedules.delete(actorOf(request), organizationId, businessHoursId);
      return reply.status(204).send();
    },
  );

  app.get(
    `${DEP}/business-hours`,
    {
      schema: {
        tags: hoursTags,
        summary: 'List the business hours attached to a department',
        params: OrganizationParams.department,
        response: withErrors({ 200: HoursList }),
      },
    },
    async (request) => {
      const { organizationId, departmentId } = request.params as DepParams;
      return { items: await schedules.listAttached(actorOf(request), organizationId, departmentId) };
    },
  );
  app.post(
    `${DEP}/business-hours`,
    {
      schema: {
        tags: hoursTags,
        summary: 'Attach business hours to a department (again changes nothing)',
        params: OrganizationParams.department,
        body: AttachBusinessHoursBody,
        response: withErrors({ 200: HoursList }),
      },
    },
    async (request) => {
      const { organizationId, departmentId } = request.params as DepParams;
      const { businessHoursId } = request.body as AttachBusinessHoursBody;
      return {
        items: await schedules.attach(actorOf(request), organizationId, departmentId, businessHoursId),
      };
    },
  );
  app.delete(
    `${DEP}/business-hours/:businessHoursId`,
    {
      schema: {
        tags: hoursTags,
        summary: 'Detach business hours from a department',
        params: SettingsParams.departmentHours,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      const { organizationId, departmentId, businessHoursId } = request.params as DepHoursParams;
      await schedules.detach(actorOf(request), organizationId, departmentId, businessHoursId);
      return reply.status(204).send();
    },
  );
  app.get(
    `${ORG}/availability`,
    {
      schema: {
        tags: hoursTags,
        summary: 'Whether the organization or a department is open now, and its agents online',
        params: OrganizationParams.organization,
        querystring: DepartmentQuery,
        response: withErrors({ 200: Availability }),
      },
    },
    async (request) => {
      const { organizationId } = request.params as OrgParams;
      const { departmentId } = request.query as DepartmentQuery;
      return schedules.availability(actorOf(request), organizationId, departmentId);
    },
  );

  app.get(
    `${ORG}/widget-settings`,
    {
      schema: {
        tags: widgetTags,
        summary: "The organization's widget key and settings (defaults until saved)",
        params: OrganizationParams.organization,
        response: withErrors({ 200: OrganizationWidget }),
      },
    },
    async (request) => widgets.get(actorOf(request), (request.params as OrgParams).organizationId),
  );
  app.put(
    `${ORG}/widget-settings`,
    {
      schema: {
        tags: widgetTags,
        summary: "Replace the organization's widget settings",
        params: OrganizationParams.organization,
        body: WidgetSettings,
        response: withErrors({ 200: OrganizationWidget }),
      },
    },
    async (request) =>
      widgets.save(
        actorOf(request),
        (request.params as OrgParams).organizationId,
        request.body as WidgetSettings,
      ),
  );
  app.get(
    `${ORG}/widget-settings/resolved`,
    {
      schema: {
        tags: widgetTags,
        summary: "The settings a department's widget shows (the organization's, overridden)",
        params: OrganizationParams.organization,
        querystring: DepartmentQuery,
        response: withErrors({ 200: WidgetSettings }),
      },
    },
    async (request) => {
      const { organizationId } = request.params as OrgParams;
      const { departmentId } = request.query as DepartmentQuery;
      return widgets.resolved(actorOf(request), organizationId, departmentId);
    },
  );
  app.post(
    `${ORG}/widget-key/rotate`,
    {
      schema: {
        tags: widgetTags,
        summary: 'Replace the public widget key; the old key stops working at once',
        params: OrganizationParams.organization,
        response: withErrors({ 200: OrganizationWidget }),
      },
    },
    async (request) => widgets.rotateKey(actorOf(request), (request.params as OrgParams).organizationId),
  );
  app.get(
    `${DEP}/widget-settings`,
    {
      schema: {
        tags: widgetTags,
        summary: "A department's widget overrides",
        params: OrganizationParams.department,
        response: withErrors({ 200: DepartmentWidget }),
      },
    },
    async (request) => {
      const { organizationId, departmentId } = request.params as DepParams;
      return widgets.getOverride(actorOf(request), organizationId, departmentId);
    },
  );
  app.put(
    `${DEP}/widget-settings`,
    {
      schema: {
        tags: widgetTags,
        summary: "Replace a department's widget overrides",
        params: OrganizationParams.department,
        body: WidgetSettingsOverride,
        response: withErrors({ 200: DepartmentWidget }),
      },
    },
    async (request) => {
      const { organizationId, departmentId } = request.params as DepParams;
      const body = request.body as WidgetSettingsOverride;
      return widgets.saveOverride(actorOf(request), organizationId, departmentId, body);
    },
  );
  app.delete(
    `${DEP}/widget-settings`,
    {
      schema: {
        tags: widgetTags,
        summary: "Drop a department's widget overrides",
        params: OrganizationParams.department,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      const { organizationId, departmentId } = request.params as DepParams;
      await widgets.deleteOverride(actorOf(request), organizationId, departmentId);
      return reply.status(204).send();
    },
  );
}
