import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/server.js';
import { createOrganization } from './support/organization.js';

describe('GET /widget.js, the chat chunks and /demo', () => {
  let server: TestServer;
  let demoKey: string | null = null;

  beforeAll(async () => {
    server = await startTestServer(() => undefined, { demoWidgetKey: async () => demoKey });
  });
  afterAll(() => server.close());

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, { headers });

  it('serves the loader as a CORS-enabled module with a short cache, an ETag and gzip or brotli', async () => {
    const plain = await get('/widget.js', { 'accept-encoding': 'identity' });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(plain.headers.get('access-control-allow-origin')).toBe('*');
    expect(plain.headers.get('cache-control')).toBe('public, max-age=300');
    const etag = plain.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    const source = await plain.text();
    expect(source).toMatch(/\/widget\/chat-en\.[\w-]+\.js/);

    const gzipped = await fetch(`${server.url}/widget.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gzipped.headers.get('content-encoding')).toBe('gzip');
    // fetch decodes gzip itself: the decoded body is the same module.
    expect(await gzipped.text()).toBe(source);
    const br = await get('/widget.js', { 'accept-encoding': 'gzip, br' });
    expect(br.headers.get('content-encoding')).toBe('br');
    await br.arrayBuffer();

    const again = await get('/widget.js', { 'if-none-match': etag! });
    expect(again.status).toBe(304);
  });

  it('serves each chat chunk the loader names, immutable, and 404s unknown ones', async () => {
    const loader = await (await get('/widget.js')).text();
    const paths = [...loader.matchAll(/\/widget\/chat-(?:en|fr)\.[\w-]+\.js/g)].map((m) => m[0]);
    expect(new Set(paths).size).toBe(2);
    for (const path of paths) {
      const chunk = await get(path);
      expect(chunk.status).toBe(200);
      expect(chunk.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(chunk.headers.get('access-control-allow-origin')).toBe('*');
      expect(await chunk.text()).toContain('export');
    }
    const missing = await get('/widget/chat-en.nope.js');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'route_not_found' } });
  });

  it('answers /demo with 404 route_not_found while there is no demo organization', async () => {
    demoKey = null;
    const response = await get('/demo');
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('route_not_found');
    expect(body.error.message).toBeTruthy();
  });

  it('answers /demo with a shop page embedding the widget with the demo key', async () => {
    const org = await createOrganization(server.api, { allowedOrigins: [server.url] });
    demoKey = org.widgetKey;
    const response = await get('/demo', { 'accept-encoding': 'identity' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toContain(`<script type="module" src="/widget.js" data-key="${org.widgetKey}"></script>`);
  });

  it('compresses the loader to what the budget test measures', async () => {
    const response = await fetch(`${server.url}/widget.js`, { headers: { 'accept-encoding': 'gzip' } });
    const raw = Buffer.from(await response.arrayBuffer());
    // undici already decoded it; the gzip buffer the server keeps must decode to the same bytes.
    const { widgetBundle } = await import('@parley/widget/build');
    const bundle = await widgetBundle();
    expect(gunzipSync(bundle.loader.gzip).equals(raw)).toBe(true);
  });
});
