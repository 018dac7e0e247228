import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/server.js';

/** `/app` is served like the widget: bundled in memory on first use, assets hashed and immutable. */
describe('the dashboard is served at /app with no build step', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('serves the HTML shell, never cached, with a strict CSP naming no inline script', async () => {
    const response = await fetch(`${server.url}/app`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await response.text();
    expect(html).toMatch(/<script type="module" src="\/app\/assets\/app\.[\w-]{12}\.js"><\/script>/);
    expect(html).toMatch(/<link rel="stylesheet" href="\/app\/assets\/app\.[\w-]{12}\.css">/);
    expect(html).not.toMatch(/<script>/);
    expect((await fetch(`${server.url}/app/`)).status).toBe(200);
  });

  it('serves hashed assets, immutable and compressed, with 304 on revalidation; reports their size', async () => {
    const html = await (await fetch(`${server.url}/app`)).text();
    const paths = [...html.matchAll(/(?:src|href)="(\/app\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(paths).toHaveLength(2);
    const sizes: string[] = [];
    for (const path of paths) {
      const plain = await fetch(`${server.url}${path}`, { headers: { 'accept-encoding': 'identity' } });
      expect(plain.status).toBe(200);
      expect(plain.headers.get('content-type')).toBe(
        path.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8',
      );
      expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const raw = (await plain.arrayBuffer()).byteLength;
      const etag = plain.headers.get('etag')!;
      expect(etag).toMatch(/^"[\w-]+"$/);
      const again = await fetch(`${server.url}${path}`, { headers: { 'if-none-match': etag } });
      expect(again.status).toBe(304);
      // Node's fetch decodes gzip itself: read the compressed length over the raw header.
      const gz = await fetch(`${server.url}${path}`, { headers: { 'accept-encoding': 'gzip' } });
      expect(gz.headers.get('content-encoding')).toBe('gzip');
      const gzipped = Number(gz.headers.get('content-length'));
      await gz.arrayBuffer();
      sizes.push(
        `${path.split('.').pop()}: ${(raw / 1024).toFixed(1)} KB minified, ${(gzipped / 1024).toFixed(1)} KB gzip`,
      );
    }
    console.warn(`dashboard bundle — ${sizes.join('; ')}`);
    expect((await fetch(`${server.url}/app/assets/app.nope.js`)).status).toBe(404);
  });
});
