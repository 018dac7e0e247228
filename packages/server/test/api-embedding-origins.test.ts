// Pages embedding a widget call the thread routes and the WebSocket from their own origin: the
// server accepts every widget's allowed origins there, including one an admin has just added.
import { describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '@parley/protocol';
import { useTestServer } from './support/fixtures.js';
import { TestSocket } from './support/ws-client.js';
import { SITE, createWidget, manyVisitorRequests, registerVisitor } from './support/livechat.js';

const ts = useTestServer(manyVisitorRequests);

async function preflight(origin: string): Promise<string | null> {
  const res = await fetch(`${ts.url}/v1/threads`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'authorization',
    },
  });
  return res.headers.get('access-control-allow-origin');
}

describe('embedding origins', () => {
  it('grants an origin on the thread routes and the WebSocket as soon as a widget allows it', async () => {
    const origin = 'https://fresh-shop.example';
    // Asked once before it is allowed (the answer is cached)…
    expect(await preflight(origin)).toBeNull();
    const refused = await TestSocket.open(ts.wsUrl, { origin });
    expect(await refused.closed()).toBe(CLOSE_CODES.origin_not_allowed.code);
    // …then allowed: it works at once, not after the cache expires.
    const widget = await createWidget(ts.api, { allowedOrigins: [SITE, origin] });
    expect(await preflight(origin)).toBe(origin);
    const visitor = await registerVisitor(ts.api, widget);
    const socket = await TestSocket.open(ts.wsUrl, { origin });
    socket.send({ type: 'hello', token: visitor.accessToken });
    expect((await socket.next((f) => f.type === 'ready')).type).toBe('ready');
    socket.close();
    // A stranger stays refused.
    expect(await preflight('https://stranger.example')).toBeNull();
  });
});
