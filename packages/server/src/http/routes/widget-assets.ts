import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { demoPage, widgetBundle, type WidgetAsset } from '@parley/widget/build';
import { sendError } from '../errors.js';

export interface WidgetAssetOptions {
  /** The widget key of the demo organization; null when there is none (then /demo is a 404). */
  demoWidgetKey: () => Promise<string | null>;
}

const LOADER_CACHE = 'public, max-age=300';
const CHUNK_CACHE = 'public, max-age=31536000, immutable';

/**
 * Serves the embeddable widget and the demo shop page. The widget is bundled
 * in memory from its sources on first request (esbuild, a few hundred ms) and
 * kept, compressed once with brotli and gzip: `npm start` needs no build step.
 * `widget.js` is cached briefly (the embed tag names it, and a new release must
 * reach visitors); chunks carry their content hash and never change.
 */
export function widgetAssetRoutes(app: FastifyInstance, options: WidgetAssetOptions): void {
  // Warm the build so that the first visitor does not wait for it; a failure surfaces on request.
  widgetBundle().catch(() => undefined);
  const config = { public: true };
  const schema = { hide: true };

  app.get('/widget.js', { config, schema }, async (request, reply) => {
    const bundle = await widgetBundle();
    return sendAsset(request, reply, bundle.loader, LOADER_CACHE);
  });

  app.get<{ Params: { file: string } }>('/widget/:file', { config, schema }, async (request, reply) => {
    const bundle = await widgetBundle();
    const chunk = bundle.chunks.find((c) => c.path === `/widget/${request.params.file}`);
    if (!chunk) return sendError(reply, 'route_not_found', `No widget file ${request.params.file}.`);
    return sendAsset(request, reply, chunk, CHUNK_CACHE);
  });

  app.get('/demo', { config, schema }, async (_request, reply) => {
    const key = await options.demoWidgetKey();
    if (key === null) return sendError(reply, 'route_not_found', 'No demo organization on this server.');
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(demoPage(key));
  });
}

function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: WidgetAsset, cache: string) {
  // Module scripts from another origin are fetched in CORS mode: any site may embed the widget.
  reply
    .header('access-control-allow-origin', '*')
    .header('cross-origin-resource-policy', 'cross-origin')
    .header('content-type', 'text/javascript; charset=utf-8')
    .header('cache-control', cache)
    .header('etag', asset.etag)
    .header('vary', 'Accept-Encoding');
  if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  const accepted = String(request.headers['accept-encoding'] ?? '');
  if (/\bbr\b/.test(accepted)) return reply.header('content-encoding', 'br').send(asset.brotli);
  if (/\bgzip\b/.test(accepted)) return reply.header('content-encoding', 'gzip').send(asset.gzip);
  return reply.send(asset.body);
}
