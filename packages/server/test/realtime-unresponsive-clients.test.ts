// Clients that stop reading (slow consumers) or stop answering pings (heartbeat) are disconnected,
// while the others keep being served.
import { describe, expect, it } from 'vitest';
import { CLOSE_CODES, type ServerFrame } from '@parley/protocol';
import { useTestServer } from './support/fixtures.js';
import { createUserWithToken } from './support/server.js';
import { TestSocket } from './support/ws-client.js';
import {
  RawClient,
  createThread,
  lastPosition,
  sleep,
  sync,
  threadEvents,
  uid,
  waitForPos,
} from './support/realtime.js';

const code = (name: keyof typeof CLOSE_CODES) => CLOSE_CODES[name].code;

describe('real-time security', () => {
  describe('slow consumers', () => {
    const slowServer = useTestServer((config) => {
      config.limits.socketBufferBytes = 16 * 1024;
      config.limits.userSendsPerSecond = 1_000_000;
      config.limits.threadSendsPerSecond = 1_000_000;
    });

    async function slowConsumerCloses(): Promise<number> {
      const res = await slowServer.api<string>('GET', '/metrics', { auth: null });
      const line = res.body
        .split('\n')
        .find((l) => l.startsWith('parley_ws_closes_total{reason="slow_consumer"}'));
      return line ? Number(line.split(' ')[1]) : 0;
    }

    it('closes a socket that stops reading with 4001, while a normal client keeps receiving', async () => {
      const sender = await createUserWithToken(slowServer.api, uid('sender'));
      const reader = await createUserWithToken(slowServer.api, uid('reader'));
      const stalled = await createUserWithToken(slowServer.api, uid('stalled'));
      const thread = await createThread(slowServer.api, sender.token, [reader.id, stalled.id]);
      const normal = await TestSocket.connect(slowServer.wsUrl, reader.token);
      const senderSocket = await TestSocket.connect(slowServer.wsUrl, sender.token);
      const slow = await RawClient.connect(slowServer.wsUrl, stalled.token);
      slow.tcp.pause();

      // Each frame fits the buffer: only a client that stops reading can overflow it.
      const content = 'x'.repeat(12 * 1024);
      let sent = 0;
      const deadline = Date.now() + 15_000;
      while ((await slowConsumerCloses()) === 0 && Date.now() < deadline) {
        // Pipelined over one socket: the server handles them in order, group-committing.
        const acks = Array.from({ length: 50 }, (_, i) => {
          const id = `flood-${sent + i}`;
          senderSocket.send({ type: 'send', id, threadId: thread.id, content });
          return senderSocket.next(
            (f) => (f.type === 'ack' || f.type === 'error') && 'id' in f && f.id === id,
          );
        });
        sent += acks.length;
        for (const ack of await Promise.all(acks)) expect(ack.type).toBe('ack');
      }
      expect(await slowConsumerCloses()).toBe(1);
      // Reading again, the client finds the close frame behind the buffered data.
      slow.tcp.resume();
      expect(await slow.closedWithin(3000)).toBe(code('slow_consumer'));

      // The normal client received everything, in order, and is still connected.
      const last = await lastPosition(slowServer.api, sender.token, thread.id);
      await waitForPos(normal, thread.id, last, 10_000);
      const positions = threadEvents(normal, thread.id).map((e) => e.pos);
      expect(positions).toEqual(
        Array.from({ length: positions.length }, (_, i) => last - positions.length + 1 + i),
      );
      expect(positions.length).toBe(sent);
      await sync(normal);
      expect(normal.closeCode).toBeNull();
      normal.close();
      senderSocket.close();
    });

    it('does not close clients that read promptly when one frame is larger than the buffer limit', async () => {
      const sender = await createUserWithToken(slowServer.api, uid('sender'));
      const reader = await createUserWithToken(slowServer.api, uid('reader'));
      const thread = await createThread(slowServer.api, sender.token, [reader.id]);
      const listening = await TestSocket.connect(slowServer.wsUrl, reader.token);
      const sending = await TestSocket.connect(slowServer.wsUrl, sender.token);
      // Within the message limit (28 KiB), above the socket buffer limit (16 KiB); nothing else is queued.
      const content = 'y'.repeat(20 * 1024);
      sending.send({ type: 'send', id: 'big', threadId: thread.id, content });
      const outcome = await Promise.race([
        sending.next((f) => f.type === 'ack' && f.id === 'big', 3000),
        sending.closed(3000).then((closeCode) => ({ type: 'closed', closeCode })),
      ]);
      expect(outcome).toMatchObject({ type: 'ack', message: { content } });
      expect(await waitForPos(listening, thread.id, 2)).toMatchObject({ message: { content } });
      await Promise.all([sync(listening), sync(sending)]);
      expect(listening.closeCode).toBeNull();
      expect(sending.closeCode).toBeNull();
      listening.close();
      sending.close();
    });
  });

  describe('heartbeat', () => {
    const beatServer = useTestServer((config) => {
      config.heartbeatIntervalMs = 200;
    });

    it('disconnects a client that does not answer pings, and keeps one that does', async () => {
      const silent = await createUserWithToken(beatServer.api, uid('silent'));
      const lively = await createUserWithToken(beatServer.api, uid('lively'));
      const normal = await TestSocket.connect(beatServer.wsUrl, lively.token);
      const mute = await RawClient.connect(beatServer.wsUrl, silent.token, { autoPong: false });
      const ready = normal.frames.find((f) => f.type === 'ready') as Extract<ServerFrame, { type: 'ready' }>;
      expect(ready.heartbeatIntervalMs).toBe(200);

      expect(await mute.closedWithin(2000)).toBe(code('heartbeat_timeout'));
      await sleep(600); // several more heartbeats
      await sync(normal);
      expect(normal.closeCode).toBeNull();
      normal.close();
    });
  });
});
