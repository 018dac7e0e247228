import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  DepartmentQuery,
  ErrorResponse,
  IdentifiedVisitor,
  IdentifyVisitorBody,
  IdentitySecretBody,
  OrganizationParams,
  RegisterVisitorBody,
  ResumeVisitorBody,
  VisitorSession,
  WidgetConfig,
  WidgetKeyParams,
} from '@parley/protocol';
import type { Core } from '../../core/index.js';
import type { WidgetCaller } from '../../core/livechat/visitors.js';
import { actorOf } from '../auth.js';
import { NoContent, withErrors } from '../route-helpers.js';

const WIDGET = '/v1/widget/:widgetKey';
const tags = ['Live chat: visitors'];
// Public: the widget holds no credential yet. The domain checks origin and rate.
const config = { public: true };

/**
 * Where a widget call comes from. Browsers leave `Origin` out of same-origin
 * GETs (the widget on a page this server serves, like `/demo`), but always
 * send `Sec-Fetch-Site`, which scripts cannot set: then the origin is the
 * server's own, and it must still be on the allow-list.
 */
export function callerOf(request: FastifyRequest): WidgetCaller {
  const { origin, host } = request.headers;
  const sameOrigin = origin === undefined && request.headers['sec-fetch-site'] === 'same-origin' && host;
  return { origin: sameOrigin ? `${request.protocol}://${host}` : origin, ip: request.ip };
}

/** The public visitor API under `/v1/widget/{widgetKey}`, and the identity secret's admin routes. */
export function livechatVisitorRoutes(app: FastifyInstance, core: Core): void {
  const { visitors, identitySecrets } = core;

  app.get(
    `${WIDGET}/config`,
    {
      config,
      schema: {
        tags,
        summary: 'Widget configuration: public settings, language, and whether an agent is online',
        params: WidgetKeyParams,
        querystring: DepartmentQuery,
        response: withErrors({ 200: WidgetConfig }),
      },
    },
    async (request) => {
      const { widgetKey } = request.params as WidgetKeyParams;
      const { departmentId } = request.query as DepartmentQuery;
      const acceptLanguage = request.headers['accept-language'];
      return visitors.config(widgetKey, callerOf(request), {
        ...(departmentId !== undefined && { departmentId }),
        ...(acceptLanguage !== undefined && { acceptLanguage }),
      });
    },
  );
  app.post(
    `${WIDGET}/visitors`,
    {
      config,
      schema: {
        tags,
        summary: 'Register a visitor: a server-generated visitor token and an access token',
        params: WidgetKeyParams,
        body: RegisterVisitorBody,
        response: withErrors({ 201: VisitorSession }),
      },
    },
    async (request, reply) => {
      const { widgetKey } = request.params as WidgetKeyParams;
      const body = (request.body ?? {}) as RegisterVisitorBody;
      return reply.status(201).send(await visitors.register(widgetKey, callerOf(request), body));
    },
  );
  app.post(
    `${WIDGET}/visitors/resume`,
    {
      config,
      schema: {
        tags,
        summary: 'Resume a visitor with its visitor token: a fresh access token',
        params: WidgetKeyParams,
        body: ResumeVisitorBody,
        response: withErrors({ 200: VisitorSession }),
      },
    },
    async (request) => {
      const { widgetKey } = request.params as WidgetKeyParams;
      const { visitorToken } = request.body as ResumeVisitorBody;
      return visitors.resume(widgetKey, callerOf(request), visitorToken);
    },
  );
  app.post(
    `${WIDGET}/visitors/identify`,
    {
      config,
      schema: {
        tags,
        summary: "Identify the visitor as the site's logged-in customer (HMAC signed by the site)",
        params: WidgetKeyParams,
        body: IdentifyVisitorBody,
        response: withErrors({ 200: IdentifiedVisitor, 409: ErrorResponse }),
      },
    },
    async (request) => {
      const { widgetKey } = request.params as WidgetKeyParams;
      return visitors.identify(widgetKey, callerOf(request), request.body as IdentifyVisitorBody);
    },
  );

  const SECRET = '/v1/organizations/:organizationId/identity-secret';
  app.put(
    SECRET,
    {
      schema: {
        tags,
        summary: "Set the organization's identity secret (write-only; never returned)",
        params: OrganizationParams.organization,
        body: IdentitySecretBody,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      const { organizationId } = request.params as { organizationId: string };
      const { secret } = request.body as IdentitySecretBody;
      await identitySecrets.set(actorOf(request), organizationId, secret);
      return reply.status(204).send();
    },
  );
  app.delete(
    SECRET,
    {
      schema: {
        tags,
        summary: 'Delete the identity secret: identification is disabled',
        params: OrganizationParams.organization,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      const { organizationId } = request.params as { organizationId: string };
      await identitySecrets.delete(actorOf(request), organizationId);
      return reply.status(204).send();
    },
  );
}

/** The widget key of a `/v1/widget/{key}/…` URL, for CORS; undefined elsewhere. */
export function widgetKeyOfUrl(url: string): string | undefined {
  const match = /^\/v1\/widget\/([A-Za-z0-9_-]{1,64})(?:[/?]|$)/.exec(url);
  return match?.[1];
}
