import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Core } from '../../core/index.js';
import type { Metrics } from '../../metrics.js';
import { sendError } from '../errors.js';

/** Liveness, readiness and metrics: public, for load balancers and Prometheus. */
export function healthRoutes(app: FastifyInstance, core: Core, metrics: Metrics): void {
  const config = { public: true };
  app.get(
    '/healthz',
    {
      config,
      schema: {
        tags: ['Operations'],
        summary: 'Liveness: the process answers',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      config,
      schema: {
        tags: ['Operations'],
        summary: 'Readiness: the store and the bus answer',
        response: {
          200: Type.Object({ status: Type.Literal('ready'), store: Type.String(), bus: Type.String() }),
        },
      },
    },
    async (_request, reply) => {
      const [store, bus] = await Promise.allSettled([core.deps.store.ping(), core.deps.bus.ping()]);
      if (store.status === 'rejected' || bus.status === 'rejected') {
        return sendError(
          reply,
          'service_unavailable',
          `Not ready: store ${store.status === 'fulfilled' ? 'ok' : 'down'}, bus ${bus.status === 'fulfilled' ? 'ok' : 'down'}.`,
        );
      }
      return { status: 'ready' as const, store: 'ok', bus: 'ok' };
    },
  );
  app.get(
    '/metrics',
    { config, schema: { tags: ['Operations'], summary: 'Prometheus metrics (text format)' } },
    async (_request, reply) => {
      return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    },
  );
}
