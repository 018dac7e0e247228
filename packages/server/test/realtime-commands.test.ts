// WebSocket commands and ephemeral events: acks of send and read, error frames, rate limits,
// typing and presence.
import { describe, expect, it } from 'vitest';
import { ERRORS, isErrorCode, type Message, type ServerFrame, type ThreadEvent } from '@parley/protocol';
import {
  createThread,
  ephemeralEvents,
  expectStatus,
  request,
  restSend,
  sleep,
  sync,
  threadEvents,
  useRealtimeServer,
  type Ack,
  type ErrorFrame,
} from './support/realtime.js';

describe('real-time events', () => {
  const { server, users, connect } = useRealtimeServer();

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

    expectError(
      await request(a, { type: 'send', threadId: thread.id, content: 'nul \u0000 inside' }),
      'invalid_request',
    );

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
    // Three sockets of one user: the limit is per user, and their frames are handled in parallel, so
    // the sends outpace the refill whatever one store write costs.
    const sockets = [await connect(alice), await connect(alice), await connect(alice)];
    const burst = server.server.core.deps.config.limits.userSendsPerSecond * 2;
    const ids = Array.from({ length: burst + 15 }, (_, i) => `burst-${i}`);
    const socketOf = (i: number) => sockets[i % sockets.length]!;
    ids.forEach((id, i) => socketOf(i).send({ type: 'send', id, threadId: thread.id, content: id }));
    const answers = await Promise.all(
      ids.map((id, i) =>
        socketOf(i).next<Ack | ErrorFrame>((f) => (f.type === 'ack' || f.type === 'error') && f.id === id),
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
});
