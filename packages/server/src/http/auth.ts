import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor, Core } from '../core/index.js';
import { AppError } from '../core/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    /** Routes that need no credentials (health, docs). */
    public?: boolean;
  }
}

/** Reads `Authorization: Bearer <API key or access token>` before anything else runs. */
export function installAuth(app: FastifyInstance, core: Core): void {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.public || !request.routeOptions.url) return;
    const header = request.headers.authorization;
    if (!header) throw new AppError('unauthenticated');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1])
      throw new AppError(
        'unauthenticated',
        'Use the header "Authorization: Bearer <API key or access token>".',
      );
    request.actor = await core.authenticate(match[1]);
  });
}

export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('unauthenticated');
  return request.actor;
}
