// Real-time security: authentication and token lifetime, malformed frames, origins, and who hears what.
import { beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES, type CreatedTenant, type ServerFrame } from '@parley/protocol';
import { createUserWithToken, makeApi } from './support/server.js';
import type { TestSocket } from './support/ws-client.js';
import {
  createThread,
  ephemeralEvents,
  lastPosition,
  request,
  restSend,
  sync,
  threadEvents,
  uid,
  useRealtimeServer,
  waitForPos,
  type ErrorFrame,
  type User,
} from './support/realtime.js';

const code = (name: keyof typeof CLOSE_CODES) => CLOSE_CODES[name].code;

describe('real-time security', () => {
  /** Added to the real time: tests move the server's clock forward. */
  let clockOffsetMs = 0;
  const { server, user, connect, open } = useRealtimeServer(
    (config) => {
      config.allowedOrigins = ['https://good.example'];
      config.limits.frameBytes = 2048;
    },
    { clock: { now: () => Date.now() + clockOffsetMs } },
  );

  /** The socket still works: a round trip and a stored, acknowledged send. */
  async function expectServing(socket: TestSocket, threadId: string): Promise<void> {
    await sync(socket);
    expect(socket.closeCode).toBeNull();
    const ack = await request(socket, { type: 'send', threadId, content: 'still served' });
    expect(ack.type).toBe('ack');
  }

  describe('authentication', () => {
    it('closes with 4100 for an invalid token, a non-user credential or a missing chat scope', async () => {
      const bad = await open();
      bad.send({ type: 'hello', token: 'not-a-token' });
      expect(await bad.closed()).toBe(code('unauthenticated'));

      // A well-formed token signed with another secret.
      const [header, payload] = (await user('forger')).token.split('.');
      const forged = await open();
      forged.send({ type: 'hello', token: `${header}.${payload}.${'A'.repeat(43)}` });
      expect(await forged.closed()).toBe(code('unauthenticated'));

      const apiKey = await open();
      apiKey.send({ type: 'hello', token: server.apiKey });
      expect(await apiKey.closed()).toBe(code('unauthenticated'));

      const reader = await user('reader', { scopes: ['users.read'] });
      const noChat = await open();
      noChat.send({ type: 'hello', token: reader.token });
      expect(await noChat.closed()).toBe(code('unauthenticated'));

      // Any other frame before hello.
      const early = await open();
      early.send({ type: 'ping', id: 'p' });
      expect(await early.closed()).toBe(code('unauthenticated'));
      expect(early.frames.filter((f) => f.type === 'pong')).toEqual([]);
    });

    it('closes with 4101 at hello when the token has expired', async () => {
      const alice = await user('alice', { expiresInSeconds: 60 });
      clockOffsetMs += 61_000;
      const socket = await open();
      socket.send({ type: 'hello', token: alice.token });
      expect(await socket.closed()).toBe(code('token_expired'));
      expect(socket.frames.filter((f) => f.type === 'ready')).toEqual([]);
    });

    it('closes an open connection with 4101 once its token expires, and only that one', async () => {
      const shortLived = await user('short', { expiresInSeconds: 60 });
      const longLived = await user('long');
      const thread = await createThread(server.api, longLived.token, [shortLived.id]);
      const expiring = await connect(shortLived);
      const staying = await connect(longLived);
      await sync(expiring);

      clockOffsetMs += 61_000;
      // The gateway checks expiry once a second.
      expect(await expiring.closed(2500)).toBe(code('token_expired'));
      await expectServing(staying, thread.id);
    });

    it("closes the user's open sockets with 4102 when their tokens are revoked", async () => {
      const [alice, bob] = await Promise.all([user('alice'), user('bob')]);
      const thread = await createThread(server.api, bob.token, [alice.id]);
      const first = await connect(alice);
      const second = await connect(alice);
      const b = await connect(bob);

      const revoked = await server.api('DELETE', `/v1/users/${alice.id}/tokens`);
      expect(revoked.status).toBe(204);
      expect(await first.closed(3000)).toBe(code('token_revoked'));
      expect(await second.closed(3000)).toBe(code('token_revoked'));
      await expectServing(b, thread.id);

      // The old token no longer opens a session; a new one does.
      const retry = await open();
      retry.send({ type: 'hello', token: alice.token });
      expect(await retry.closed()).toBe(code('token_revoked'));
      const issued = await server.api<{ token: string }>('POST', `/v1/users/${alice.id}/tokens`, {
        body: {},
      });
      const fresh = await connect({ id: alice.id, token: issued.body.token });
      await expectServing(fresh, thread.id);
    });

    it('closes the sockets of a deleted user with 4104', async () => {
      const [alice, bob] = await Promise.all([user('alice'), user('bob')]);
      const thread = await createThread(server.api, bob.token, [alice.id]);
      const a = await connect(alice);
      const b = await connect(bob);
      expect((await server.api('DELETE', `/v1/users/${alice.id}`)).status).toBe(204);
      expect(await a.closed(3000)).toBe(code('user_deleted'));
      await expectServing(b, thread.id);
    });
  });

  describe('frames', () => {
    let alice: User;
    let threadId: string;

    beforeAll(async () => {
      alice = await user('alice');
      threadId = (await createThread(server.api, alice.token, [])).id;
    });

    it('closes with 4000 on a frame that is not JSON, and keeps serving other clients', async () => {
      const other = await connect(alice);
      const bad = await connect(alice);
      bad.send('this is not json');
      expect(await bad.closed()).toBe(code('invalid_frame'));
      await expectServing(other, threadId);

      const beforeHello = await open();
      beforeHello.send('{"type": "hello", ');
      expect(await beforeHello.closed()).toBe(code('invalid_frame'));

      const binary = await connect(alice);
      binary.ws.send(Buffer.from(JSON.stringify({ type: 'ping' })), { binary: true });
      expect(await binary.closed()).toBe(code('invalid_frame'));

      for (const notAnObject of ['[]', '42', 'null', '"ping"']) {
        const socket = await connect(alice);
        socket.send(notAnObject);
        expect(await socket.closed()).toBe(code('invalid_frame'));
      }
      await expectServing(other, threadId);
    });

    it('closes with 4000 on an unknown frame type', async () => {
      const socket = await connect(alice);
      socket.send({ type: 'subscribe', threadId });
      expect(await socket.closed()).toBe(code('invalid_frame'));
      const untyped = await connect(alice);
      untyped.send({ threadId });
      expect(await untyped.closed()).toBe(code('invalid_frame'));
    });

    it('closes with 1009 on a frame over the frame size limit, and keeps serving other clients', async () => {
      const other = await connect(alice);
      const big = await connect(alice);
      big.send({ type: 'send', id: 'big', threadId, content: 'x'.repeat(3000) });
      expect(await big.closed()).toBe(code('frame_too_large'));
      expect(big.frames.filter((f) => f.type === 'ack')).toEqual([]);
      await expectServing(other, threadId);
    });

    it('answers a known frame with a bad field with invalid_request and stays open', async () => {
      const socket = await connect(alice);
      const cases: Record<string, unknown>[] = [
        { type: 'send', threadId, content: '' },
        { type: 'send', threadId, content: 42 },
        { type: 'send', threadId: 'bad id with spaces', content: 'x' },
        { type: 'send', threadId, content: 'x', messageType: 'participantAdded' },
        { type: 'send', threadId, content: 'x', unexpected: true },
        { type: 'read', threadId },
      ];
      for (const frame of cases) {
        const answer = await request(socket, frame);
        expect(answer.type, JSON.stringify(frame)).toBe('error');
        expect((answer as ErrorFrame).error.code).toBe('invalid_request');
      }
      // Without a usable id the error frame has none.
      socket.send({ type: 'typing', threadId: 7 });
      const anonymous = await socket.next<ErrorFrame>((f) => f.type === 'error' && f.id === undefined);
      expect(anonymous.error.code).toBe('invalid_request');
      // A second hello is refused without closing.
      socket.send({ type: 'hello', token: alice.token });
      await socket.next<ErrorFrame>(
        (f) => f.type === 'error' && f !== anonymous && f.error.code === 'invalid_request',
      );
      await expectServing(socket, threadId);
      // The live copy of the one stored message may follow its ack (a networked bus): wait for it,
      // then check that nothing else was stored.
      await socket.next((f) => f.type === 'message.created');
      await sync(socket);
      expect(threadEvents(socket, threadId).filter((e) => e.type === 'message.created')).toHaveLength(1);
    });
  });

  describe('origins', () => {
    it('closes with 4103 when the Origin is not allowed; allowed, same and no origin work', async () => {
      const alice = await user('alice');
      const evil = await open({ origin: 'https://evil.example' });
      expect(await evil.closed()).toBe(code('origin_not_allowed'));
      expect(evil.frames).toEqual([]);

      for (const origin of ['https://good.example', server.url, undefined]) {
        const socket = await open(origin === undefined ? {} : { origin });
        socket.send({ type: 'hello', token: alice.token });
        expect(await socket.next((f) => f.type === 'ready')).toMatchObject({ userId: alice.id });
      }
    });
  });

  describe('visibility', () => {
    it('never delivers the events of a thread to a non-participant', async () => {
      const [alice, bob, carol] = await Promise.all([user('alice'), user('bob'), user('carol')]);
      await createThread(server.api, carol.token, [alice.id]); // carol follows a thread with alice
      const c = await connect(carol);
      const a = await connect(alice);
      const thread = await createThread(server.api, alice.token, [bob.id]);
      const message = await restSend(server.api, alice.token, thread.id, 'private');
      await request(a, { type: 'send', threadId: thread.id, content: 'private too' });
      await request(a, { type: 'read', threadId: thread.id, messageId: message.id });
      await server.api('PATCH', `/v1/threads/${thread.id}`, { auth: alice.token, body: { topic: 'secret' } });
      a.send({ type: 'typing', threadId: thread.id });
      await waitForPos(a, thread.id, await lastPosition(server.api, alice.token, thread.id));
      await sync(c);
      expect(threadEvents(c, thread.id)).toEqual([]);
      expect(c.frames.filter((f) => f.type === 'typing')).toEqual([]);

      // Nor can carol act on it.
      const send = await request(c, { type: 'send', threadId: thread.id, content: 'let me in' });
      expect(send).toMatchObject({ type: 'error', error: { code: 'thread_not_found' } });
    });

    it('replays nothing of a thread the user never was in when a resume names it', async () => {
      const [alice, mallory] = await Promise.all([user('alice'), user('mallory')]);
      const thread = await createThread(server.api, alice.token, []);
      await restSend(server.api, alice.token, thread.id, 'private');
      // A guessed or leaked thread id must not open the thread's history.
      const stranger = await connect(mallory, { threads: { [thread.id]: 0 } });
      await stranger.next((f) => f.type === 'caught_up');
      expect(threadEvents(stranger, thread.id)).toEqual([]);
    });

    it('replays nothing after the removal of a former participant who resumes from past it', async () => {
      const [alice, bob] = await Promise.all([user('alice'), user('bob')]);
      const thread = await createThread(server.api, alice.token, [bob.id]);
      await restSend(server.api, alice.token, thread.id, 'before bob left');
      const removed = await server.api('DELETE', `/v1/threads/${thread.id}/participants/${bob.id}`, {
        auth: alice.token,
      });
      expect(removed.status).toBe(204);
      const removalPos = await lastPosition(server.api, alice.token, thread.id);
      await restSend(server.api, alice.token, thread.id, 'after bob left');
      const former = await connect(bob, { threads: { [thread.id]: removalPos } });
      await former.next((f) => f.type === 'caught_up');
      expect(threadEvents(former, thread.id)).toEqual([]);
    });

    it('stops delivering to a removed participant at once: its own removal, then nothing', async () => {
      const [alice, bob] = await Promise.all([user('alice'), user('bob')]);
      const thread = await createThread(server.api, alice.token, [bob.id]);
      const a = await connect(alice);
      const b = await connect(bob);
      const removed = await server.api('DELETE', `/v1/threads/${thread.id}/participants/${bob.id}`, {
        auth: alice.token,
      });
      expect(removed.status).toBe(204);
      const removal = await b.next((f) => f.type === 'participant.removed' && f.threadId === thread.id);
      expect(removal).toMatchObject({ userIds: [bob.id] });

      for (let i = 0; i < 3; i++)
        await request(a, { type: 'send', threadId: thread.id, content: `after ${i}` });
      a.send({ type: 'typing', threadId: thread.id });
      await waitForPos(a, thread.id, await lastPosition(server.api, alice.token, thread.id));
      await sync(b);
      const seen = threadEvents(b, thread.id);
      expect(seen.at(-1)).toEqual(removal);
      expect(b.frames.filter((f) => f.type === 'typing')).toEqual([]);
      const send = await request(b, { type: 'send', threadId: thread.id, content: 'still here?' });
      expect(send).toMatchObject({ type: 'error', error: { code: 'thread_not_found' } });
    });

    it("isolates tenants: a token of tenant A can neither act on nor hear tenant B's threads", async () => {
      const created = await server.api<CreatedTenant>('POST', '/v1/tenants', {
        body: { name: uid('tenant-b') },
      });
      expect(created.status).toBe(201);
      const apiB = makeApi(server.url, created.body.apiKey.secret);
      // The same user id in both tenants: ids are per tenant, and so must be everything else.
      const sharedId = uid('alice');
      const aliceA = await createUserWithToken(server.api, sharedId);
      const aliceB = await createUserWithToken(apiB, sharedId);
      const bobB = await createUserWithToken(apiB, uid('bob'));
      const threadA = await createThread(server.api, aliceA.token, []);
      const threadB = await createThread(apiB, bobB.token, [sharedId]);
      const messageB = await restSend(apiB, bobB.token, threadB.id, 'tenant B only');

      const a = await connect(aliceA, { threads: { [threadB.id]: 0 } });
      await a.next((f) => f.type === 'caught_up');
      const ready = a.frames.find((f) => f.type === 'ready') as Extract<ServerFrame, { type: 'ready' }>;
      expect(ready.tenantId).not.toBe(created.body.tenant.id);
      expect(ready.presence).toEqual([]);

      const b = await connect(bobB);
      const aB = await connect(aliceB);
      for (const frame of [
        { type: 'send', threadId: threadB.id, content: 'cross-tenant' },
        { type: 'read', threadId: threadB.id, messageId: messageB.id },
      ]) {
        expect(await request(a, frame)).toMatchObject({ type: 'error', error: { code: 'thread_not_found' } });
      }
      a.send({ type: 'typing', threadId: threadB.id });
      expect(await a.next<ErrorFrame>((f) => f.type === 'error' && f.id === undefined)).toMatchObject({
        error: { code: 'thread_not_found' },
      });

      // Tenant B's activity, including typing and presence of a user with the same id.
      await request(b, { type: 'send', threadId: threadB.id, content: 'B again' });
      b.send({ type: 'typing', threadId: threadB.id });
      await aB.next((f) => f.type === 'typing');
      await waitForPos(aB, threadB.id, await lastPosition(apiB, bobB.token, threadB.id));
      await sync(a);
      expect(threadEvents(a, threadB.id)).toEqual([]);
      expect(ephemeralEvents(a)).toEqual([]);
      // And the other way round.
      await request(a, { type: 'send', threadId: threadA.id, content: 'A only' });
      await sync(aB);
      expect(threadEvents(aB, threadA.id)).toEqual([]);
      expect(threadEvents(b, threadA.id)).toEqual([]);
    });
  });
});
