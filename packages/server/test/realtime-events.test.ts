import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS, isErrorCode, type Message, type ServerFrame, type ThreadEvent } from '@parley/protocol';
import { createUserWithToken, startTestServer, type ApiResponse, type TestServer } from './support/server.js';
import { TestSocket } from './support/ws-client.js';
import {
  createThread,
  ephemeralEvents,
  restSend,
  sync,
  threadEvents,
  sleep,
  uid,
  waitForPos,
} from './support/realtime.js';
import { verifyEvents } from './support/verify-events.js';

type User = { id: string; token: string };
type Ack = Extract<ServerFrame, { type: 'ack' }>;
type ErrorFrame = Extract<ServerFrame, { type: 'error' }>;

describe('real-time events', () => {
  let server: TestServer;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  afterAll(async () => {
    await server.close();
  });

  const user = (name: string): Promise<User> =>
    createUserWithToken(server.api, uid(name), { displayName: name });
  const users = <N extends string[]>(...names: N) =>
    Promise.all(names.map(user)) as Promise<{ [K in keyof N]: User }>;

  async function connect(u: User): Promise<TestSocket> {
    const socket = await TestSocket.connect(server.wsUrl, u.token);
    sockets.push(socket);
    return socket;
  }

  function expectStatus(res: ApiResponse, status: number): void {
    expect(res.status, JSON.stringify(res.body)).toBe(status);
  }

  let requestSeq = 0;
  /** Sends a frame with a fresh request id and waits for its ack or error. */
  async function request(socket: TestSocket, frame: Record<string, unknown>): Promise<Ack | ErrorFrame> {
    const id = `req-${++requestSeq}`;
    socket.send({ ...frame, id });
    return socket.next<Ack | ErrorFrame>((f) => (f.type === 'ack' || f.type === 'error') && f.id === id);
  }

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

  it('acknowledges a WebSocket send with the request id and the stored message', async () => {
    const [alice, bob] = await users('alice', 'bob');
    const a = await connect(alice);
    const thread = await createThread(server.api, alice.token, [bob.id]);

    a.send({ type: 'send', id: 'my-request-1', threadId: thread.id, content: 'one' });
    a.send({
      type: 'send',
      id: 'my-request-2',
      threadId: thread.id,
      content: 'two',
      clientMessageId: 'cm-2',
    });
    const first = await a.next<Ack>((f) => f.type === 'ack' && f.id === 'my-request-1');
    const second = await a.next<Ack>((f) => f.type === 'ack' && f.id === 'my-request-2');
    expect(first.message).toMatchObject({
      threadId: thread.id,
      sequence: 1,
      type: 'text',
      content: 'one',
      senderId: alice.id,
      clientMessageId: null,
    });
    expect(second.message).toMatchObject({ sequence: 2, content: 'two', clientMessageId: 'cm-2' });

    const stored = await server.api<Message>(
      'GET',
      `/v1/threads/${thread.id}/messages/${second.message!.id}`,
      {
        auth: alice.token,
      },
    );
    expect(stored.body).toEqual(second.message);

    // A retried send with the same clientMessageId is acked with the original, and announced once.
    a.send({
      type: 'send',
      id: 'my-request-3',
      threadId: thread.id,
      content: 'two',
      clientMessageId: 'cm-2',
    });
    const retried = await a.next<Ack>((f) => f.type === 'ack' && f.id === 'my-request-3');
    expect(retried.message).toEqual(second.message);
    await sync(a);
    const created = threadEvents(a, thread.id).filter((e) => e.type === 'message.created');
    expect(created.map((e) => (e as Extract<ThreadEvent, { type: 'message.created' }>).message.id)).toEqual([
      first.message!.id,
      second.message!.id,
    ]);
  });

  it('acknowledges a WebSocket read with the receipt', async () => {
    const [alice, bob] = await users('alice', 'bob');
    const b = await connect(bob);
    const thread = await createThread(server.api, alice.token, [bob.id]);
    const m1 = await restSend(server.api, alice.token, thread.id, 'one');
    const m2 = await restSend(server.api, alice.token, thread.id, 'two');

    const ack = await request(b, { type: 'read', threadId: thread.id, messageId: m2.id });
    expect(ack).toEqual({
      type: 'ack',
      id: expect.any(String),
      receipt: { userId: bob.id, messageId: m2.id, sequence: m2.sequence, readAt: expect.any(String) },
    });
    // Reading backwards is acked with the current receipt and announces nothing.
    const eventsBefore = threadEvents(b, thread.id).length;
    const backwards = await request(b, { type: 'read', threadId: thread.id, messageId: m1.id });
    expect(backwards).toMatchObject({ type: 'ack', receipt: (ack as Ack).receipt });
    await sync(b);
    expect(threadEvents(b, thread.id).length).toBe(eventsBefore);
  });

  it('delivers typing to the other participants, not to the typer nor to outsiders', async () => {
    const [alice, bob, carol] = await users('alice', 'bob', 'carol');
    const thread = await createThread(server.api, alice.token, [bob.id]);
    await createThread(server.api, carol.token, [alice.id]); // carol follows a thread of her own
    const a = await connect(alice);
    const b = await connect(bob);
    const c = await connect(carol);

    a.send({ type: 'typing', threadId: thread.id });
    const typing = await b.next((f) => f.type === 'typing');
    expect(typing).toEqual({
      type: 'typing',
      threadId: thread.id,
      userId: alice.id,
      displayName: 'alice',
      at: expect.any(String),
    });
    await Promise.all([sync(a), sync(c)]);
    expect(a.frames.filter((f) => f.type === 'typing')).toEqual([]);
    expect(c.frames.filter((f) => f.type === 'typing')).toEqual([]);

    // Typing over REST reaches the sockets the same way.
    expectStatus(await server.api('POST', `/v1/threads/${thread.id}/typing`, { auth: bob.token }), 204);
    expect(await a.next((f) => f.type === 'typing')).toMatchObject({ threadId: thread.id, userId: bob.id });
    await Promise.all([sync(b), sync(c)]);
    expect(b.frames.filter((f) => f.type === 'typing' && f.userId === bob.id)).toEqual([]);
    expect(c.frames.filter((f) => f.type === 'typing')).toEqual([]);
  });

  it('delivers presence online and offline to users who share a thread, not to strangers', async () => {
    const [alice, bob, carol, dave] = await users('alice', 'bob', 'carol', 'dave');
    await createThread(server.api, alice.token, [bob.id]);
    await createThread(server.api, carol.token, [dave.id]); // carol shares nothing with bob
    const a = await connect(alice);
    const c = await connect(carol);

    const b = await connect(bob);
    const online = await a.next((f) => f.type === 'presence' && f.userId === bob.id);
    expect(online).toEqual({ type: 'presence', userId: bob.id, status: 'online', at: expect.any(String) });
    const ready = b.frames.find((f) => f.type === 'ready') as Extract<ServerFrame, { type: 'ready' }>;
    expect(ready.presence).toEqual([{ userId: alice.id, status: 'online' }]);

    // A second connection changes nothing; closing one of two does not make bob offline.
    const b2 = await connect(bob);
    b.close();
    await b.closed();
    await sleep(50); // the server handles the close after the client saw it
    await sync(b2);
    await sync(a);
    expect(ephemeralEvents(a).filter((e) => e.type === 'presence' && e.userId === bob.id)).toEqual([online]);

    b2.close();
    await b2.closed();
    const offline = await a.next(
      (f) => f.type === 'presence' && f.userId === bob.id && f.status === 'offline',
    );
    expect(offline).toMatchObject({ status: 'offline' });
    await sync(c);
    expect(ephemeralEvents(c).filter((e) => e.type === 'presence' && e.userId === bob.id)).toEqual([]);
  });

  it('answers failed WebSocket commands with error frames carrying catalogue codes', async () => {
    const [alice, bob, outsider] = await users('alice', 'bob', 'outsider');
    const thread = await createThread(server.api, alice.token, [bob.id]);
    const elsewhere = await createThread(server.api, outsider.token, []);
    const a = await connect(alice);
    const { limits } = server.server.core.deps.config;

    const expectError = (frame: Ack | ErrorFrame, code: string) => {
      expect(frame.type).toBe('error');
      const { error } = frame as ErrorFrame;
      expect(error.code).toBe(code);
      expect(isErrorCode(error.code)).toBe(true);
      expect(error.message.length).toBeGreaterThan(0);
    };

    const notMember = await request(a, { type: 'send', threadId: elsewhere.id, content: 'hi' });
    expectError(notMember, 'thread_not_found');
    expect((notMember as ErrorFrame).error.message).toBe(ERRORS.thread_not_found.message);
    expectError(
      await request(a, { type: 'send', threadId: 'th_does_not_exist', content: 'hi' }),
      'thread_not_found',
    );
    expectError(
      await request(a, { type: 'read', threadId: elsewhere.id, messageId: 'msg_whatever' }),
      'thread_not_found',
    );
    expectError(
      await request(a, { type: 'read', threadId: thread.id, messageId: 'msg_unknown' }),
      'message_not_found',
    );

    const tooLarge = await request(a, {
      type: 'send',
      threadId: thread.id,
      content: 'x'.repeat(limits.messageContentBytes + 1),
    });
    expectError(tooLarge, 'message_too_large');
    expect((tooLarge as ErrorFrame).error.field).toBe('content');
    // The limit is in UTF-8 bytes, not characters.
    const euros = '€'.repeat(Math.ceil((limits.messageContentBytes + 1) / 3));
    expect(euros.length).toBeLessThan(limits.messageContentBytes);
    expectError(await request(a, { type: 'send', threadId: thread.id, content: euros }), 'message_too_large');

    // Typing carries no request id: its error frame has none either.
    a.send({ type: 'typing', threadId: elsewhere.id });
    const typingError = await a.next<ErrorFrame>((f) => f.type === 'error' && f.id === undefined);
    expect(typingError.error.code).toBe('thread_not_found');

    // Nothing was stored, and the socket is still open and usable.
    await sync(a);
    expect(a.closeCode).toBeNull();
    const ok = await request(a, { type: 'send', threadId: thread.id, content: 'still here' });
    expect(ok).toMatchObject({ type: 'ack', message: { sequence: 1 } });
  });

  it('answers sends past the rate limit with rate_limited and retryAfter', async () => {
    const [alice] = await users('alice');
    const thread = await createThread(server.api, alice.token, []);
    const a = await connect(alice);
    const burst = server.server.core.deps.config.limits.userSendsPerSecond * 2;
    const ids = Array.from({ length: burst + 5 }, (_, i) => `burst-${i}`);
    for (const id of ids) a.send({ type: 'send', id, threadId: thread.id, content: id });
    const answers = await Promise.all(
      ids.map((id) =>
        a.next<Ack | ErrorFrame>((f) => (f.type === 'ack' || f.type === 'error') && f.id === id),
      ),
    );
    const limited = answers.filter((f): f is ErrorFrame => f.type === 'error');
    expect(limited.length).toBeGreaterThan(0);
    for (const frame of limited) {
      expect(frame.error.code).toBe('rate_limited');
      expect(frame.error.retryAfter).toBeGreaterThanOrEqual(1);
    }
    expect(answers.filter((f) => f.type === 'ack').length).toBeGreaterThanOrEqual(burst - 1);
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
