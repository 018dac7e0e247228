import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import cors from '@fastify/cors';
import type { Core } from '../core/index.js';
import type { Metrics } from '../metrics.js';
import { installValidators } from './validation.js';
import { installErrorHandling } from './errors.js';
import { installAuth } from './auth.js';
import { installOpenApi, openApiRoutes } from './openapi.js';
import { healthRoutes } from './routes/health.js';
import { identityRoutes } from './routes/identity.js';
import { threadRoutes } from './routes/threads.js';
import { messageRoutes } from './routes/messages.js';
import { tenantRoutes } from './routes/tenants.js';
import { organizationRoutes } from './routes/livechat-organizations.js';
import { livechatSettingsRoutes } from './routes/livechat-settings.js';
import { livechatVisitorRoutes, widgetKeyOfUrl } from './routes/livechat-visitors.js';
import { accountRoutes } from './routes/accounts.js';
import { installAuditLog } from './audit-hook.js';
import { livechatInboxRoutes } from './routes/livechat-inbox.js';
import { livechatConversationRoutes } from './routes/livechat-conversations.js';
import { livechatWidgetConversationRoutes } from './routes/livechat-widget-conversations.js';
import { widgetAssetRoutes, type WidgetAssetOptions } from './routes/widget-assets.js';
import { dashboardAssetRoutes } from './routes/dashboard-assets.js';

/** The REST transport: a thin adapter from HTTP onto the domain actions. */
export async function buildHttp(
  core: Core,
  metrics: Metrics,
  logger: FastifyBaseLogger,
  options: {
    allowedOrigins: string[];
    trustProxy?: boolean | string;
    /** PARLEY_GEO_HEADER: the proxy's geolocation header, recorded on widget conversations. */
    geoHeader?: string | undefined;
    demoWidgetKey?: WidgetAssetOptions['demoWidgetKey'];
  } = {
    allowedOrigins: [],
  },
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: core.deps.config.limits.requestBodyBytes,
    trustProxy: options.trustProxy ?? false,
    routerOptions: { ignoreTrailingSlash: true },
  });
  // JSON only: a text/plain body is a 415, not a string handed to the JSON schemas.
  app.removeContentTypeParser('text/plain');
  installValidators(app);
  installErrorHandling(app);
  // Browser apps on the allowed origins (the same list as for WebSockets) may call the API from
  // their own pages. Registered before authentication: a preflight carries no credentials.
  // The public widget routes answer the widget key's organization's allowed origins instead: the
  // sites embedding the widget, which the global list knows nothing of. Only an allowed origin is
  // echoed; a lookup failure allows none (the route itself then reports the error).
  const base = {
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type'],
    exposedHeaders: ['retry-after', 'idempotent-replayed'],
    maxAge: 600,
  };
  const apiOrigins = options.allowedOrigins.includes('*') ? true : options.allowedOrigins;
  await app.register(cors, {
    delegator: async (request: FastifyRequest) => {
      const widgetKey = widgetKeyOfUrl(request.url);
      if (widgetKey === undefined) {
        // A page embedding a widget calls the thread routes too, with its visitor's token.
        const origin = request.headers.origin;
        if (apiOrigins === true || origin === undefined || apiOrigins.includes(origin))
          return { ...base, origin: apiOrigins };
        const embedding = await core.visitors.isEmbeddingOrigin(origin).catch(() => false);
        return { ...base, origin: embedding ? [origin] : apiOrigins };
      }
      const allowed = await core.visitors.allowedOrigins(widgetKey).catch(() => []);
      return { ...base, origin: allowed };
    },
  });
  installAuth(app, core);
  installAuditLog(app, core);
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpDuration
      .labels(request.method, request.routeOptions.url ?? 'unmatched', String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
  });
  await installOpenApi(app);
  healthRoutes(app, core, metrics);
  openApiRoutes(app);
  tenantRoutes(app, core);
  identityRoutes(app, core);
  threadRoutes(app, core);
  messageRoutes(app, core);
  organizationRoutes(app, core);
  livechatSettingsRoutes(app, core);
  livechatVisitorRoutes(app, core);
  livechatWidgetConversationRoutes(app, core, { geoHeader: options.geoHeader });
  livechatConversationRoutes(app, core);
  accountRoutes(app, core);
  livechatInboxRoutes(app, core);
  widgetAssetRoutes(app, { demoWidgetKey: options.demoWidgetKey ?? (async () => null) });
  dashboardAssetRoutes(app);
  return app;
}
