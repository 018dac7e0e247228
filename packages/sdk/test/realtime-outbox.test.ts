import { describe, expect, it } from 'vitest';
import type { Message } from '@parley/protocol';
import { allMessages, makeThread } from '../../server/test/support/fixtures.js';
import type { LocalMessage } from '../src/realtime/local-message.js';
import { memoryStorage, useRealtimeServer } from './support-realtime/harness.js';

const h = useRealtimeServer();

const statesOf = (changes: LocalMessage[], clientMessageId: string) =>
  changes.filter((m) => m.clientMessageId === clientMessageId).map((m) => m.state);

describe('RealtimeSession outbox', () => {
  it('keeps messages sent while disconnected and delivers each exactly once; pending → sent → delivered → read', async () => {
    const [alice, bob] = [await h.user('alice'), await h.user('bob')];
    const thread = await makeThread(h.server.api, { id: alice.id, token: alice.token }, [bob.id]);
    const { session, events, tap } = h.session(alice.token);
    await session.start();
    const first = session.sendMessage(thread.id, { content: 'online' });
    expect(first.state).toBe('pending');
    await events.until(() => session.localMessages().every((m) => m.state !== 'pending'), 'first acked');

    // Offline: the socket is cut, and messages queue meanwhile; some may even be on the wire.
    tap.last().terminate();
    const offline = Array.from({ length: 5 }, (_, i) =>
      session.sendMessage(thread.id, { content: `off ${i}` }),
    );
    expect(offline.every((m) => m.state === 'pending')).toBe(true);
    const ids = [first, ...offline].map((m) => m.clientMessageId);
    const changes = () => events.all('messageStateChanged');
    const reached = (state: string) => (id: string) =>
      changes().some((m) => m.clientMessageId === id && m.state === state);
    await events.until(() => ids.every(reached('delivered')), 'all delivered');

    const stored = await allMessages(h.server.api, thread.id, alice.token);
    const byClientId = stored.filter((m) => m.clientMessageId !== null).map((m) => m.clientMessageId);
    expect(byClientId).toEqual(ids);

    // Bob reads up to the last one: every message is read.
    const last = stored.at(-1) as Message;
    const read = await h.server.api('POST', `/v1/threads/${thread.id}/read-receipts`, {
      auth: bob.token,
      body: { messageId: last.id },
    });
    expect(read.status).toBe(200);
    await events.until(() => ids.every(reached('read')), 'all read');
    for (const id of ids) {
      const states = statesOf(changes(), id);
      expect(states[0]).toBe('pending');
      expect(states.at(-1)).toBe('read');
      // Progress never goes back, and nothing failed.
      const rank = { pending: 0, sent: 1, delivered: 2, read: 3, failed: -1 };
      expect(states.map((s) => rank[s])).toEqual([...states.map((s) => rank[s])].sort());
    }
    expect(statesOf(changes(), first.clientMessageId)).toEqual(['pending', 'sent', 'delivered', 'read']);
  });

  it('fails at once when the thread is gone (404), and retry keeps the same id', async () => {
    const alice = await h.user('alice');
    const thread = await makeThread(h.server.api, { id: alice.id, token: alice.token }, []);
    await h.server.api('DELETE', `/v1/threads/${thread.id}`, { auth: alice.token });
    const { session, events } = h.session(alice.token);
    await session.start();
    const local = session.sendMessage(thread.id, { content: 'to nowhere' });
    await events.until(() => session.localMessages()[0]?.state === 'failed', 'failed');
    expect(session.localMessages()[0]?.error?.code).toBe('thread_not_found');
    expect(session.retry(local.clientMessageId)).toBe(true);
    await events.until(
      () => statesOf(events.all('messageStateChanged'), local.clientMessageId).length === 4,
      'failed again',
    );
    expect(statesOf(events.all('messageStateChanged'), local.clientMessageId)).toEqual([
      'pending',
      'failed',
      'pending',
      'failed',
    ]);
    expect(session.discard(local.clientMessageId)).toBe(true);
    expect(session.localMessages()).toEqual([]);
  });

  it('fails after outboxRetryMs when no ack comes', async () => {
    const alice = await h.user('alice');
    const thread = await makeThread(h.server.api, { id: alice.id, token: alice.token }, []);
    const { session, events, tap } = h.session(alice.token, { outboxRetryMs: 300 });
    await session.start();
    tap.last().muted = true; // the frames never reach the server
    const local = session.sendMessage(thread.id, { content: 'lost' });
    await events.until(() => session.localMessages()[0]?.state === 'failed', 'failed');
    expect(session.localMessages()[0]?.error?.code).toBe('timeout');
    const stored = await allMessages(h.server.api, thread.id, alice.token);
    expect(stored.some((m) => m.clientMessageId === local.clientMessageId)).toBe(false);
  });

  it('a persisted outbox survives a new session with the same storage and is sent once', async () => {
    const alice = await h.user('alice');
    const thread = await makeThread(h.server.api, { id: alice.id, token: alice.token }, []);
    const storage = memoryStorage();
    const first = h.session(alice.token, { storage });
    await first.session.start();
    first.tap.last().muted = true; // sent into the void: the page is closed before any ack
    const local = first.session.sendMessage(thread.id, { content: 'survives a reload' });
    expect([...storage.data.values()].join()).toContain(local.clientMessageId);
    first.session.stop();

    const second = h.session(alice.token, { storage });
    await second.session.start();
    await second.events.until(
      () =>
        second.session
          .localMessages()
          .some((m) => m.clientMessageId === local.clientMessageId && m.state === 'delivered'),
      'delivered after reload',
    );
    const stored = await allMessages(h.server.api, thread.id, alice.token);
    expect(stored.filter((m) => m.clientMessageId === local.clientMessageId)).toHaveLength(1);
    // Acknowledged: nothing left to resend on the next reload.
    expect(storage.data.size).toBe(0);
  });
});
