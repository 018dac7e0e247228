import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { dashboardBundle, type DashboardAsset } from '@parley/dashboard/build';
import { sendError } from '../errors.js';

const ASSET_CACHE = 'public, max-age=31536000, immutable';

/*
 * The shell's policy: scripts and styles from this server only, so that text
 * a visitor or an agent typed can never run even if it reached the DOM as
 * markup; API and WebSocket calls go to this server ('self' covers ws: and wss:
 * of the same host).
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the agent dashboard: `/app` is the HTML shell (revalidated on every
 * load, since it names the current assets) and `/app/assets/*` the script and
 * stylesheet, content-hashed and immutable. Bundled in memory from the sources
 * on first request, like the widget: `npm start` needs no build step. The app
 * routes by hash (`/app#/inbox`), so `/app` is the only page.
 */
export function dashboardAssetRoutes(app: FastifyInstance): void {
  dashboardBundle().catch(() => undefined);
  const config = { public: true };
  const schema = { hide: true };

  app.get('/app', { config, schema }, async (request, reply) => {
    const bundle = await dashboardBundle();
    reply
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer');
    return sendAsset(request, reply, bundle.shell, 'no-cache');
  });

  app.get<{ Params: { file: string } }>('/app/assets/:file', { config, schema }, async (request, reply) => {
    const bundle = await dashboardBundle();
    const found = bundle.assets.find((a) => a.path === `/app/assets/${request.params.file}`);
    if (!found) return sendError(reply, 'route_not_found', `No dashboard file ${request.params.file}.`);
    reply.header('x-content-type-options', 'nosniff');
    return sendAsset(request, reply, found, ASSET_CACHE);
  });
}

function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: DashboardAsset, cache: string) {
  reply
    .header('content-type', asset.contentType)
    .header('cache-control', cache)
    .header('etag', asset.etag)
    .header('vary', 'Accept-Encoding');
  if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  const accepted = String(request.headers['accept-encoding'] ?? '');
  if (/\bbr\b/.test(accepted)) return reply.header('content-encoding', 'br').send(asset.brotli);
  if (/\bgzip\b/.test(accepted)) return reply.header('content-encoding', 'gzip').send(asset.gzip);
  return reply.send(asset.body);
}
