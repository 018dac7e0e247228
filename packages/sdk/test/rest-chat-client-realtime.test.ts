// ChatClient's real-time surface delegates to RealtimeSession: listeners added before start, state, stop.
import { WebSocket as WsWebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import { ChatClient, type ChatEvents, type WebSocketConstructorLike } from '../src/index.js';
import { useSdkServer } from './support/sdk-server.js';

const ctx = useSdkServer();
const WebSocket = WsWebSocket as unknown as WebSocketConstructorLike;

function next<K extends keyof ChatEvents>(chat: ChatClient, event: K): Promise<ChatEvents[K]> {
  return new Promise((resolve) => {
    const off = chat.on(event, (payload) => {
      off();
      resolve(payload);
    });
  });
}

describe('ChatClient real-time notifications', () => {
  it('receives chatMessageReceived after startRealtimeNotifications (seed 003)', async () => {
    const alice = await ctx.user('alice');
    const bob = await ctx.user('bob');
    const chat = new ChatClient(ctx.url, bob.token, { WebSocket, storage: null });
    expect(chat.connectionState).toBe('idle');
    const connected = next(chat, 'realTimeNotificationConnected');
    const received = next(chat, 'chatMessageReceived');
    let removedCalls = 0;
    const removed = () => {
      removedCalls += 1;
    };
    chat.on('chatMessageReceived', removed);
    chat.off('chatMessageReceived', removed);

    expect(chat.userId).toBeNull();
    await chat.startRealtimeNotifications();
    expect((await connected).userId).toBe(bob.id);
    expect(chat.userId).toBe(bob.id);
    expect(chat.connectionState).toBe('connected');

    const { id } = await alice.chat.createChatThread({ topic: 'Live', participants: [{ userId: bob.id }] });
    const sent = await alice.chat.getChatThreadClient(id).sendMessage({ content: 'Hello Bob' });
    const event = await received;
    expect(event.message).toMatchObject({ id: sent.id, content: 'Hello Bob' });
    expect(removedCalls).toBe(0);

    await chat.stopRealtimeNotifications();
    expect(chat.connectionState).toBe('stopped');
  });
});
