import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { CreatedTenant, CreateTenantBody } from '@parley/protocol';
import type { Core } from '../../core/index.js';
import { actorOf } from '../auth.js';
import { withErrors } from '../route-helpers.js';

export function tenantRoutes(app: FastifyInstance, core: Core): void {
  app.post(
    '/v1/tenants',
    {
      schema: {
        tags: ['Tenants'],
        summary: 'Create a tenant and its first API key (platform API keys only)',
        body: CreateTenantBody,
        response: withErrors({ 201: CreatedTenant }),
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await core.tenants.create(actorOf(request), request.body as Static<typeof CreateTenantBody>)),
  );
}
