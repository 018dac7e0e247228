import { WebSocket as WsWebSocket } from 'ws';
import type { Browser } from 'playwright-core';
import {
  createUserWithToken,
  startTestServer,
  type TestServer,
} from '../../../../server/test/support/server.js';
import { ChatClient, type WebSocketConstructorLike } from '../../../src/index.js';
import { launchChromium } from './browser.js';
import { startPageServer, type PageServer } from './page-server.js';

const NodeWebSocket = WsWebSocket as unknown as WebSocketConstructorLike;

export interface BrowserFixture {
  server: TestServer;
  pages: PageServer;
  browser: Browser;
  alice: { id: string; token: string };
  bob: { id: string; token: string; chat: ChatClient };
  threadId: string;
  close(): Promise<void>;
}

let counter = 0;

/**
 * The real server on port 0 whose allow-list holds the page server's origin,
 * the page server in front of it, Chromium, and two users in one thread: alice
 * (in the page) and bob (a Node client with the `ws` package).
 */
export async function startBrowserFixture(): Promise<BrowserFixture> {
  const pages = await startPageServer();
  const server = await startTestServer((config) => {
    config.allowedOrigins = [pages.origin];
  });
  pages.setTarget(server.url);
  const suffix = `${process.pid}_${++counter}`;
  const alice = await createUserWithToken(server.api, `alice_${suffix}`, { displayName: 'Alice' });
  const bobUser = await createUserWithToken(server.api, `bob_${suffix}`, { displayName: 'Bob' });
  const created = await server.api<{ id: string }>('POST', '/v1/threads', {
    body: { topic: 'Browser', participants: [{ userId: alice.id }, { userId: bobUser.id }] },
  });
  if (created.status !== 201)
    throw new Error(`create thread: ${created.status} ${JSON.stringify(created.body)}`);
  const chat = new ChatClient(server.url, bobUser.token, { WebSocket: NodeWebSocket, storage: null });
  await chat.startRealtimeNotifications();
  const browser = await launchChromium();
  return {
    server,
    pages,
    browser,
    alice,
    bob: { ...bobUser, chat },
    threadId: created.body.id,
    async close() {
      await browser.close();
      await chat.stopRealtimeNotifications();
      await pages.close();
      await server.close();
    },
  };
}
