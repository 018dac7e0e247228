// Thread events over WebSockets: every type to every participant, for REST and WebSocket actions,
// in step with the server, and as participants are added and removed.
import { describe, expect, it } from 'vitest';
import type { Message, ThreadEvent } from '@parley/protocol';
import {
  createThread,
  expectStatus,
  request,
  restSend,
  sync,
  threadEvents,
  useRealtimeServer,
  waitForPos,
  type Ack,
  type User,
} from './support/realtime.js';
import type { TestSocket } from './support/ws-client.js';
import { verifyEvents } from './support/verify-events.js';

describe('real-time events', () => {
  const { server, users, connect } = useRealtimeServer();

  async function wsSend(socket: TestSocket, threadId: string, content: string): Promise<Message> {
    const ack = await request(socket, { type: 'send', threadId, content });
    if (ack.type !== 'ack' || !ack.message) throw new Error(`send not acked: ${JSON.stringify(ack)}`);
    return ack.message;
  }

  it('delivers every thread event type to every participant for REST actions', async () => {
    const [alice, bob, dave] = await users('alice', 'bob', 'dave');
    const a = await connect(alice);
    const b = await connect(bob);
    const thread = await createThread(server.api, alice.token, [bob.id], { topic: 'Start' });
    const base = `/v1/threads/${thread.id}`;
    const as = (u: User) => ({ auth: u.token });

    expectStatus(await server.api('PATCH', base, { ...as(alice), body: { topic: 'Renamed' } }), 200);
    const message = await restSend(server.api, alice.token, thread.id, 'hello');
    expectStatus(
      await server.api('PATCH', `${base}/messages/${message.id}`, {
        ...as(alice),
        body: { content: 'hello!' },
      }),
      200,
    );
    expectStatus(
      await server.api('POST', `${base}/read-receipts`, { ...as(bob), body: { messageId: message.id } }),
      200,
    );
    expectStatus(
      await server.api('POST', `${base}/participants`, {
        ...as(alice),
        body: { participants: [{ userId: dave.id }] },
      }),
      201,
    );
    expectStatus(await server.api('DELETE', `${base}/participants/${dave.id}`, as(alice)), 204);
    expectStatus(await server.api('DELETE', `${base}/messages/${message.id}`, as(alice)), 204);
    expectStatus(await server.api('DELETE', base, as(alice)), 204);

    const expectedTypes: ThreadEvent['type'][] = [
      'thread.created',
      'message.created', // topicUpdated system message
      'thread.updated',
      'message.created',
      'message.updated',
      'receipt.created',
      'participant.added',
      'message.created', // participantAdded system message
      'message.created', // participantRemoved system message
      'participant.removed',
      'message.deleted',
      'thread.deleted',
    ];
    for (const socket of [a, b]) {
      await socket.next((f) => f.type === 'thread.deleted' && f.threadId === thread.id);
      const events = threadEvents(socket, thread.id);
      expect(events.map((e) => e.type)).toEqual(expectedTypes);
      expect(events.map((e) => e.pos)).toEqual(expectedTypes.map((_, i) => i + 1));
    }

    const events = threadEvents(b, thread.id);
    const created = events[0] as Extract<ThreadEvent, { type: 'thread.created' }>;
    expect(created.thread.id).toBe(thread.id);
    expect(created.participants.map((p) => p.userId).sort()).toEqual([alice.id, bob.id].sort());
    expect(events[2]).toMatchObject({ type: 'thread.updated', thread: { id: thread.id, topic: 'Renamed' } });
    expect(events[3]).toMatchObject({ message: { id: message.id, content: 'hello', senderId: alice.id } });
    expect(events[4]).toMatchObject({ message: { id: message.id, content: 'hello!' } });
    expect(events[5]).toMatchObject({ receipt: { userId: bob.id, messageId: message.id } });
    expect(events[6]).toMatchObject({ participants: [{ userId: dave.id }] });
    expect(events[7]).toMatchObject({ message: { type: 'participantAdded' } });
    expect(events[8]).toMatchObject({ message: { type: 'participantRemoved' } });
    expect(events[9]).toMatchObject({ userIds: [dave.id] });
    expect(events[10]).toMatchObject({ message: { id: message.id, content: '' } });
    expect(
      (events[10] as Extract<ThreadEvent, { type: 'message.deleted' }>).message.deletedAt,
    ).not.toBeNull();
  });

  it('delivers message.created and receipt.created to every participant for WebSocket actions', async () => {
    const [alice, bob] = await users('alice', 'bob');
    const a = await connect(alice);
    const b = await connect(bob);
    const thread = await createThread(server.api, alice.token, [bob.id]);
    await Promise.all([waitForPos(a, thread.id, 1), waitForPos(b, thread.id, 1)]);

    const sent = await wsSend(b, thread.id, 'from the socket');
    for (const socket of [a, b]) {
      const event = await waitForPos(socket, thread.id, 2);
      expect(event).toMatchObject({ type: 'message.created', message: sent });
    }

    const ack = await request(a, { type: 'read', threadId: thread.id, messageId: sent.id });
    expect(ack.type).toBe('ack');
    for (const socket of [a, b]) {
      const event = await waitForPos(socket, thread.id, 3);
      expect(event).toEqual({
        type: 'receipt.created',
        threadId: thread.id,
        pos: 3,
        at: expect.any(String),
        receipt: (ack as Ack).receipt,
      });
    }
  });

  it("sends the sender's own connections the message.created of its send, identical to the ack", async () => {
    const [alice, bob] = await users('alice', 'bob');
    const first = await connect(alice);
    const second = await connect(alice);
    const thread = await createThread(server.api, alice.token, [bob.id]);
    await Promise.all([waitForPos(first, thread.id, 1), waitForPos(second, thread.id, 1)]);

    const message = await wsSend(first, thread.id, 'echo me');
    for (const socket of [first, second]) {
      const event = await waitForPos(socket, thread.id, 2);
      expect(event).toMatchObject({ type: 'message.created', message });
    }
    // A REST send by the same user also reaches their sockets.
    const viaRest = await restSend(server.api, alice.token, thread.id, 'over REST');
    for (const socket of [first, second]) {
      expect(await waitForPos(socket, thread.id, 3)).toMatchObject({ message: viaRest });
    }
  });

  it('keeps messages, receipts and unread counts of a client in step with the server (verifyEvents)', async () => {
    const [alice, bob, dave] = await users('alice', 'bob', 'dave');
    const thread = await createThread(server.api, alice.token, [bob.id]);
    const a = await connect(alice);
    const b = await connect(bob);
    const forAlice = { api: server.api, token: alice.token, threadId: thread.id, socket: a };
    const forBob = { api: server.api, token: bob.token, threadId: thread.id, socket: b };
    const base = `/v1/threads/${thread.id}`;

    let first!: Message;
    let second!: Message;
    const sends = await verifyEvents({
      ...forAlice,
      action: async () => {
        first = await restSend(server.api, bob.token, thread.id, 'one (REST)');
        second = await wsSend(b, thread.id, 'two (WebSocket)');
      },
      expectTypes: ['message.created', 'message.created'],
    });
    expect(sends.before.unreadCount).toBe(0);
    expect(sends.after.unreadCount).toBe(2);

    // The sender's own messages are not unread for them.
    const own = await verifyEvents({
      ...forBob,
      action: () => restSend(server.api, bob.token, thread.id, 'three'),
      expectTypes: ['message.created'],
    });
    expect(own.after.unreadCount).toBe(0);

    const readOverWs = await verifyEvents({
      ...forAlice,
      action: () => request(a, { type: 'read', threadId: thread.id, messageId: second.id }),
      expectTypes: ['receipt.created'],
    });
    expect(readOverWs.after.unreadCount).toBe(1);

    const edit = await verifyEvents({
      ...forAlice,
      action: async () =>
        expectStatus(
          await server.api('PATCH', `${base}/messages/${first.id}`, {
            auth: bob.token,
            body: { content: 'one, edited', metadata: { k: 'v' } },
          }),
          200,
        ),
      expectTypes: ['message.updated'],
    });
    expect(edit.after.messages.find((m) => m.id === first.id)).toMatchObject({
      content: 'one, edited',
      metadata: { k: 'v' },
    });

    const third = edit.after.messages.at(-1)!;
    const deletion = await verifyEvents({
      ...forAlice,
      action: async () =>
        expectStatus(await server.api('DELETE', `${base}/messages/${third.id}`, { auth: bob.token }), 204),
      expectTypes: ['message.deleted'],
    });
    expect(deletion.after.unreadCount).toBe(0);

    await verifyEvents({
      ...forAlice,
      action: async () => {
        await restSend(server.api, bob.token, thread.id, 'four');
        await restSend(server.api, bob.token, thread.id, 'five');
      },
    });
    const readOverRest = await verifyEvents({
      ...forBob,
      action: async () => {
        const latest = await restSend(server.api, alice.token, thread.id, 'six');
        expectStatus(
          await server.api('POST', `${base}/read-receipts`, {
            auth: bob.token,
            body: { messageId: latest.id },
          }),
          200,
        );
      },
      expectTypes: ['message.created', 'receipt.created'],
    });
    expect(readOverRest.after.unreadCount).toBe(0);
    expect(readOverRest.after.receipts.map((r) => r.userId).sort()).toEqual([alice.id, bob.id].sort());

    const topic = await verifyEvents({
      ...forAlice,
      action: async () =>
        expectStatus(
          await server.api('PATCH', base, {
            auth: bob.token,
            body: { topic: 'New topic', metadata: { a: 'b' } },
          }),
          200,
        ),
      expectTypes: ['message.created', 'thread.updated'],
    });
    expect(topic.after.thread).toMatchObject({ topic: 'New topic', metadata: { a: 'b' } });

    // dave reads something, then leaves: his receipt goes with him.
    await verifyEvents({
      ...forAlice,
      action: async () => {
        expectStatus(
          await server.api('POST', `${base}/participants`, {
            auth: bob.token,
            body: { participants: [{ userId: dave.id }] },
          }),
          201,
        );
        expectStatus(
          await server.api('POST', `${base}/read-receipts`, {
            auth: dave.token,
            body: { messageId: first.id },
          }),
          200,
        );
      },
      expectTypes: ['participant.added', 'message.created', 'receipt.created'],
    });
    const leave = await verifyEvents({
      ...forAlice,
      action: async () =>
        expectStatus(
          await server.api('DELETE', `${base}/participants/${dave.id}`, { auth: dave.token }),
          204,
        ),
      expectTypes: ['message.created', 'participant.removed'],
    });
    expect(leave.after.participants.map((p) => p.userId).sort()).toEqual([alice.id, bob.id].sort());
  });

  it('starts delivering a thread to a connected user who is added to it, without reconnecting', async () => {
    const [alice, dave, eve] = await users('alice', 'dave', 'eve');
    const d = await connect(dave);
    const e = await connect(eve);

    // A new thread that includes dave.
    const thread = await createThread(server.api, alice.token, [dave.id]);
    const created = await waitForPos(d, thread.id, 1);
    expect(created).toMatchObject({ type: 'thread.created', thread: { id: thread.id } });
    const message = await restSend(server.api, alice.token, thread.id, 'welcome dave');
    expect(await waitForPos(d, thread.id, 2)).toMatchObject({ type: 'message.created', message });

    // An existing thread that eve is added to: from her join on, nothing before it.
    await sync(e);
    expect(threadEvents(e, thread.id)).toEqual([]);
    const added = await server.api<{ added: { userId: string }[] }>(
      'POST',
      `/v1/threads/${thread.id}/participants`,
      { auth: alice.token, body: { participants: [{ userId: eve.id }] } },
    );
    expectStatus(added, 201);
    const joined = await e.next<Extract<ThreadEvent, { type: 'participant.added' }>>(
      (f) => f.type === 'participant.added' && f.threadId === thread.id,
    );
    expect(joined.participants.map((p) => p.userId)).toEqual([eve.id]);
    // The system message announcing her comes after her join, so she sees it.
    expect(await waitForPos(e, thread.id, joined.pos + 1)).toMatchObject({
      type: 'message.created',
      message: { type: 'participantAdded' },
    });
    const later = await wsSend(d, thread.id, 'hi eve');
    expect(await waitForPos(e, thread.id, joined.pos + 2)).toMatchObject({ message: later });
    expect(threadEvents(e, thread.id).map((ev) => ev.pos)).toEqual([
      joined.pos,
      joined.pos + 1,
      joined.pos + 2,
    ]);
    // eve can act on it over the same socket at once.
    const reply = await wsSend(e, thread.id, 'thanks');
    expect(await waitForPos(d, thread.id, joined.pos + 3)).toMatchObject({ message: reply });
  });

  it('delivers a thread again to a participant who was removed and added back', async () => {
    const [alice, bob] = await users('alice', 'bob');
    const thread = await createThread(server.api, alice.token, [bob.id]);
    const b = await connect(bob);
    const base = `/v1/threads/${thread.id}`;
    expectStatus(await server.api('DELETE', `${base}/participants/${bob.id}`, { auth: alice.token }), 204);
    await b.next((f) => f.type === 'participant.removed' && f.threadId === thread.id);
    await restSend(server.api, alice.token, thread.id, 'while bob is out');
    expectStatus(
      await server.api('POST', `${base}/participants`, {
        auth: alice.token,
        body: { participants: [{ userId: bob.id }] },
      }),
      201,
    );
    const back = await b.next<Extract<ThreadEvent, { type: 'participant.added' }>>(
      (f) => f.type === 'participant.added' && f.threadId === thread.id,
    );
    const message = await restSend(server.api, alice.token, thread.id, 'welcome back');
    expect(await waitForPos(b, thread.id, back.pos + 2)).toMatchObject({ message });
    const seen = threadEvents(b, thread.id).map((e) =>
      e.type === 'message.created' ? e.message.content : e.type,
    );
    expect(seen).not.toContain('while bob is out');
    expect(seen.slice(-3)).toEqual(['participant.added', '', 'welcome back']);
  });
});
