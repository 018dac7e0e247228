import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Core } from '../core/index.js';

/**
 * Which successful requests are administrative changes, by route: changes
 * under an organization except the day-to-day work on conversations, and the
 * tenant's users and API keys (not token issuing, which backends do all day).
 */
export function auditedAction(method: string, route: string): string | null {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return null;
  const organization = route.startsWith('/v1/organizations');
  const conversationWork = route.includes('/conversations/') || route.endsWith('/conversations');
  const directory = /^\/v1\/(users|api-keys)(\/:[A-Za-z]+)?$/.test(route);
  if ((organization && !conversationWork) || directory || route.startsWith('/v1/tenants'))
    return `${method} ${route.replace(/:([A-Za-z]+)/g, '{$1}')}`;
  return null;
}

/**
 * Records every successful administrative change in the audit log, before
 * the answer leaves: a client that saw its change succeed finds it logged.
 * A failed write is logged and does not undo or fail the change.
 */
export function installAuditLog(app: FastifyInstance, core: Core): void {
  app.addHook('onSend', async (request: FastifyRequest, reply, payload) => {
    const route = request.routeOptions.url;
    if (!request.actor || !route || reply.statusCode >= 300) return payload;
    const action = auditedAction(request.method, route);
    if (action === null) return payload;
    const params = (request.params ?? {}) as Record<string, string>;
    await core.audit
      .record(request.actor, {
        action,
        path: request.url.split('?')[0]!,
        organizationId: params.organizationId ?? null,
        status: reply.statusCode,
      })
      .catch((err: unknown) => request.log.error({ err, action }, 'audit log entry lost'));
    return payload;
  });
}
