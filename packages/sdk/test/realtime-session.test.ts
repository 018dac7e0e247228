import { describe, expect, it } from 'vitest';
import type { Message, ThreadEvent } from '@parley/protocol';
import { makeThread, sendMessage } from '../../server/test/support/fixtures.js';
import { useRealtimeServer } from './support-realtime/harness.js';

const h = useRealtimeServer();

const positionsOf = (events: ThreadEvent[]) => events.map((e) => e.pos);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('RealtimeSession: connecting and events', () => {
  it('connects, reports its states, and emits every event type with its ACS name', async () => {
    const [alice, bob, carol] = [await h.user('alice'), await h.user('bob'), await h.user('carol')];
    const { session, events } = h.session(alice.token);
    expect(session.state).toBe('idle');
    await session.start();
    expect(session.state).toBe('connected');
    expect(events.all('connectionStateChanged')).toEqual([
      { state: 'connecting', previous: 'idle' },
      { state: 'connected', previous: 'connecting' },
    ]);
    expect(events.all('connected')[0]).toMatchObject({ userId: alice.id, resuming: false });
    expect(events.all('realTimeNotificationConnected')).toHaveLength(1);

    const api = h.server.api;
    const thread = await makeThread(api, { id: bob.id, token: bob.token }, [alice.id]);
    const bobSession = h.session(bob.token);
    await bobSession.session.start();
    await events.until(
      () => events.all('presenceChanged').some((p) => p.userId === bob.id && p.status === 'online'),
      'bob online',
    );
    const message = await sendMessage(api, { id: bob.id, token: bob.token }, thread.id, 'hi');
    await api('PATCH', `/v1/threads/${thread.id}/messages/${message.id}`, {
      auth: bob.token,
      body: { content: 'hi!' },
    });
    await api('POST', `/v1/threads/${thread.id}/read-receipts`, {
      auth: bob.token,
      body: { messageId: message.id },
    });
    await api('PATCH', `/v1/threads/${thread.id}`, { auth: bob.token, body: { topic: 'news' } });
    await api('POST', `/v1/threads/${thread.id}/participants`, {
      auth: bob.token,
      body: { participants: [{ userId: carol.id }] },
    });
    await api('DELETE', `/v1/threads/${thread.id}/participants/${carol.id}`, { auth: bob.token });
    await api('DELETE', `/v1/threads/${thread.id}/messages/${message.id}`, { auth: bob.token });
    bobSession.session.sendTyping(thread.id);
    await events.until(() => events.all('typingIndicatorReceived').length > 0, 'typing');
    const deleted = await api('DELETE', `/v1/threads/${thread.id}`, { auth: bob.token });
    expect(deleted.status).toBe(204);
    await events.until(() => events.all('chatThreadDeleted').length > 0, 'thread deleted');

    const received = events.events(thread.id);
    expect(positionsOf(received)).toEqual(range(1, received.length));
    expect(events.all('chatThreadCreated')[0]?.thread.id).toBe(thread.id);
    expect(events.all('chatMessageReceived').map((e) => e.message.content)).toContain('hi');
    expect(events.all('chatMessageEdited')[0]?.message.content).toBe('hi!');
    expect(events.all('readReceiptReceived')[0]?.receipt).toMatchObject({
      userId: bob.id,
      messageId: message.id,
    });
    expect(events.all('chatThreadPropertiesUpdated')[0]?.thread.topic).toBe('news');
    expect(events.all('participantsAdded')[0]?.participants.map((p) => p.userId)).toEqual([carol.id]);
    expect(events.all('participantsRemoved')[0]?.userIds).toEqual([carol.id]);
    expect(events.all('chatMessageDeleted')[0]?.message.deletedAt).not.toBeNull();
    expect(events.all('typingIndicatorReceived')[0]).toMatchObject({ threadId: thread.id, userId: bob.id });
    expect(events.all('chatThreadDeleted')[0]?.threadId).toBe(thread.id);
    // A deleted thread is not named on the next resume.
    expect(session.positions()[thread.id]).toBeUndefined();
  });

  it('resumes exactly after the socket drops mid-stream while others send', async () => {
    const [alice, bob] = [await h.user('alice'), await h.user('bob')];
    const { session, events, tap } = h.session(alice.token);
    await session.start();
    const thread = await makeThread(h.server.api, { id: bob.id, token: bob.token }, [alice.id]);
    const sent: Message[] = [];
    const send = async (n: number) => {
      for (let i = 0; i < n; i++)
        sent.push(
          await sendMessage(h.server.api, { id: bob.id, token: bob.token }, thread.id, `m${sent.length}`),
        );
    };
    await send(10);
    // Some of these are live, some not yet: cut the socket with no close frame, as a network drop does.
    tap.last().terminate();
    await send(15);
    await events.until(() => events.all('caughtUp').length > 0, 'caught up');
    tap.last().terminate();
    await send(15);
    const lastPosition = (
      await h.server.api<{ lastPosition: number }>('GET', `/v1/threads/${thread.id}`, {
        auth: alice.token,
      })
    ).body.lastPosition;
    await events.until(() => session.positions()[thread.id] === lastPosition, 'every position');

    expect(events.all('reconnecting').length).toBeGreaterThanOrEqual(2);
    expect(events.all('disconnected').every((d) => d.action === 'reconnect')).toBe(true);
    expect(
      events
        .all('connected')
        .slice(1)
        .every((c) => c.resuming),
    ).toBe(true);
    const received = events.events(thread.id);
    expect(positionsOf(received)).toEqual(range(1, lastPosition));
    expect(events.all('chatMessageReceived').map((e) => e.message.id)).toEqual(sent.map((m) => m.id));
  });

  it('detects a server that stopped answering with its own pings, and reconnects', async () => {
    const alice = await h.user('alice');
    const { session, events, tap } = h.session(alice.token, {
      heartbeatIntervalMs: 50,
      heartbeatTimeoutMs: 150,
    });
    await session.start();
    tap.last().muted = true;
    await events.until(() => events.all('connected').length === 2, 'reconnected');
    expect(events.all('disconnected')[0]).toMatchObject({ code: 4002, action: 'reconnect' });
    expect(tap.sockets).toHaveLength(2);
  });

  it('reconnect() drops the connection and resumes at once', async () => {
    const alice = await h.user('alice');
    const { session, events } = h.session(alice.token);
    await session.start();
    session.reconnect();
    expect(session.state).toBe('connecting');
    await events.until(() => events.all('connected').length === 2, 'reconnected');
    expect(events.all('connected')[1]?.resuming).toBe(true);
  });
});

describe('RealtimeSession: close codes', () => {
  it('stops on an invalid token (4100): start() rejects, no reconnect', async () => {
    const { session, events } = h.session('not-a-token');
    await expect(session.start()).rejects.toMatchObject({ name: 'ParleyError', code: 'unauthenticated' });
    expect(session.state).toBe('stopped');
    expect(events.all('disconnected')).toEqual([expect.objectContaining({ code: 4100, action: 'stop' })]);
    expect(events.all('reconnecting')).toEqual([]);
  });

  it('stops when the user is deleted (4104)', async () => {
    const alice = await h.user('alice');
    const { session, events } = h.session(alice.token);
    await session.start();
    expect((await h.server.api('DELETE', `/v1/users/${alice.id}`)).status).toBe(204);
    await events.until(() => session.state === 'stopped', 'stopped');
    expect(events.all('disconnected')).toEqual([expect.objectContaining({ code: 4104, action: 'stop' })]);
  });

  it('refreshes the token after a revocation (4102), reconnects and resumes', async () => {
    const [alice, bob] = [await h.user('alice'), await h.user('bob')];
    const thread = await makeThread(h.server.api, { id: bob.id, token: bob.token }, [alice.id]);
    let token = alice.token;
    const refreshes: boolean[] = [];
    const credential = {
      getToken: async (options?: { forceRefresh?: boolean }) => {
        if (options?.forceRefresh) {
          refreshes.push(true);
          const issued = await h.server.api<{ token: string }>('POST', `/v1/users/${alice.id}/tokens`, {
            body: {},
          });
          token = issued.body.token;
        }
        return token;
      },
    };
    const { session, events } = h.session(credential);
    await session.start();
    await sendMessage(h.server.api, { id: bob.id, token: bob.token }, thread.id, 'before');
    await events.until(() => events.all('chatMessageReceived').length === 1, 'first message');
    expect((await h.server.api('DELETE', `/v1/users/${alice.id}/tokens`)).status).toBe(204);
    await events.until(() => events.all('disconnected').length === 1, 'revoked');
    await sendMessage(h.server.api, { id: bob.id, token: bob.token }, thread.id, 'during');
    await events.until(() => events.all('chatMessageReceived').length === 2, 'missed message');
    expect(events.all('disconnected')[0]).toMatchObject({ code: 4102, action: 'refresh' });
    expect(refreshes).toHaveLength(1);
    expect(events.all('chatMessageReceived').map((e) => e.message.content)).toEqual(['before', 'during']);
  });
});
