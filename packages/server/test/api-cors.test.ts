// Cross-origin REST from browser apps: allowed origins only, the same list as for WebSockets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server.js';

const GOOD = 'https://app.example';
const BAD = 'https://evil.example';

describe('CORS', () => {
  let server: TestServer;
  let closedServer: TestServer;

  beforeAll(async () => {
    server = await startTestServer((config) => {
      config.allowedOrigins = [GOOD];
    });
    closedServer = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
    await closedServer.close();
  });

  const preflight = (base: string, origin: string) =>
    fetch(`${base}/v1/threads`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });

  it('answers a preflight from an allowed origin, before and without authentication', async () => {
    const response = await preflight(server.url, GOOD);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(GOOD);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  it('gives no CORS grant to other origins, nor to any origin without an allow-list', async () => {
    for (const response of [await preflight(server.url, BAD), await preflight(closedServer.url, GOOD)]) {
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('lets allowed pages read the answer and the headers the SDK needs', async () => {
    const response = await fetch(`${server.url}/v1/users`, {
      headers: { origin: GOOD, authorization: `Bearer ${server.apiKey}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(GOOD);
    expect(response.headers.get('access-control-expose-headers')).toContain('retry-after');
  });
});
