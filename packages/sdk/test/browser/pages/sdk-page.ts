/// <reference lib="dom" />
// The SDK as an application bundles it: imported by package name, run in Chromium.
import { ChatClient, type ConnectionState, type LocalMessage, type Message } from '@parley/sdk';

/** What the test calls in the page (through `page.evaluate`). */
export interface SdkHarness {
  connect(token: string): Promise<{ userId: string }>;
  state(): ConnectionState;
  /** Contents of messages received live, in arrival order. */
  received(threadId: string): string[];
  send(threadId: string, content: string): LocalMessage;
  /** The latest state of each message sent from this page. */
  sent(): LocalMessage[];
  /** Every `localStorage` entry the SDK keeps for its outbox. */
  outboxStorage(): Record<string, string>;
  /** How often the page saw `ready` (first connect and every reconnect). */
  connects(): number;
}

const received: Message[] = [];
const sent = new Map<string, LocalMessage>();
let client: ChatClient | null = null;
let connects = 0;

const harness: SdkHarness = {
  async connect(token) {
    // Same origin: REST and the WebSocket go to the page's own server, which fronts Parley.
    client = new ChatClient(location.origin, token, {
      realtime: { backoff: { initialMs: 100, maxMs: 400 } },
    });
    let userId = '';
    client.on('connected', (e) => {
      connects++;
      userId = e.userId;
    });
    client.on('chatMessageReceived', (e) => received.push(e.message));
    client.on('messageStateChanged', (local) => sent.set(local.clientMessageId, local));
    await client.startRealtimeNotifications();
    return { userId };
  },
  state: () => client?.connectionState ?? 'idle',
  received: (threadId) => received.filter((m) => m.threadId === threadId).map((m) => m.content),
  send(threadId, content) {
    if (!client) throw new Error('connect first');
    const local = client.realtime.sendMessage(threadId, { content });
    sent.set(local.clientMessageId, local);
    return local;
  },
  sent: () => [...sent.values()],
  outboxStorage() {
    const out: Record<string, string> = {};
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key !== null && key.startsWith('parley:outbox:')) out[key] = localStorage.getItem(key) ?? '';
    }
    return out;
  },
  connects: () => connects,
};

(globalThis as { harness?: SdkHarness }).harness = harness;
document.title = 'sdk-ready';
