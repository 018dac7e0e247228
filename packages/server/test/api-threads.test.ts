// Threads: create, list and page, update, delete.
import { describe, expect, it } from 'vitest';
import type { Thread } from '@parley/protocol';
import {
  allMessages,
  expectError,
  listThreads,
  makeThread,
  makeUsers,
  participantsOf,
  sendMessage,
  sendRates,
  testClock,
  uid,
  useTestServer,
} from './support/fixtures.js';

const clock = testClock();
const ts = useTestServer(sendRates(1000), { clock });

describe('threads', () => {
  it('creates a thread whose creator is owner and whose listed users are members', async () => {
    const [owner, bob] = await makeUsers(ts.api, 'create', 2);
    const response = await ts.api<Thread>('POST', '/v1/threads', {
      auth: owner!.token,
      body: { topic: 'Order #42', metadata: { order: '42' }, participants: [{ userId: bob!.id }] },
    });
    expect(response.status).toBe(201);
    const thread = response.body;
    expect(thread).toMatchObject({
      id: expect.any(String),
      topic: 'Order #42',
      metadata: { order: '42' },
      createdBy: owner!.id,
      lastSequence: 0,
      lastPosition: 1,
    });
    expect(thread.updatedAt).toBe(thread.createdAt);
    expect(thread.lastActivityAt).toBe(thread.createdAt);

    for (const auth of [owner!.token, bob!.token, ts.apiKey]) {
      const got = await ts.api<Thread>('GET', `/v1/threads/${thread.id}`, { auth });
      expect(got.status).toBe(200);
      expect(got.body).toEqual(thread);
    }
    const participants = await participantsOf(ts.api, thread.id);
    const roles = Object.fromEntries(participants.map((p) => [p.userId, p.role]));
    expect(roles).toEqual({ [owner!.id]: 'owner', [bob!.id]: 'member' });
  });

  it('lets an API key create a thread with participants but not an empty one', async () => {
    const [alice] = await makeUsers(ts.api, 'svc', 1);
    const thread = await makeThread(ts.api, null, [{ userId: alice!.id, role: 'owner' }]);
    expect(thread.createdBy).toBeNull();
    expect((await ts.api('GET', `/v1/threads/${thread.id}`, { auth: alice!.token })).status).toBe(200);
    expectError(await ts.api('POST', '/v1/threads', { body: {} }), 400, 'invalid_request');
  });

  it('refuses unknown participants and writes nothing', async () => {
    const [owner] = await makeUsers(ts.api, 'unknown', 1);
    const response = await ts.api('POST', '/v1/threads', {
      auth: owner!.token,
      body: { topic: 'never', participants: [{ userId: 'no-such-user' }] },
    });
    expectError(response, 404, 'user_not_found');
    expect((await listThreads(ts.api, owner!)).items).toEqual([]);
  });

  it('returns the first thread again for a repeated idempotencyKey', async () => {
    const [owner, other] = await makeUsers(ts.api, 'idem', 2);
    const key = uid('key');
    const body = { topic: 'Once', idempotencyKey: key };
    const first = await ts.api<Thread>('POST', '/v1/threads', { auth: owner!.token, body });
    const second = await ts.api<Thread>('POST', '/v1/threads', { auth: owner!.token, body });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect((await listThreads(ts.api, owner!)).items.map((t) => t.id)).toEqual([first.body.id]);
    // The key belongs to its creator: another user's key of the same value is another thread.
    const others = await ts.api<Thread>('POST', '/v1/threads', { auth: other!.token, body });
    expect(others.status).toBe(201);
    expect(others.body.id).not.toBe(first.body.id);
  });

  it('creates one thread when creates with one idempotencyKey race', async () => {
    const [owner] = await makeUsers(ts.api, 'idemrace', 1);
    const body = { topic: 'Race', idempotencyKey: uid('key') };
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => ts.api<Thread>('POST', '/v1/threads', { auth: owner!.token, body })),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect((await listThreads(ts.api, owner!)).items).toHaveLength(1);
  });

  it('lists threads newest activity first, with last message and unread count', async () => {
    const [owner, reader] = await makeUsers(ts.api, 'order', 2);
    const threads: Thread[] = [];
    for (let i = 0; i < 4; i++)
      threads.push(await makeThread(ts.api, owner!, [reader!.id], { topic: `t${i}` }));
    const [t0, t1, t2, t3] = threads as [Thread, Thread, Thread, Thread];
    const m1 = await sendMessage(ts.api, owner!, t1.id, 'first');
    const m2 = await sendMessage(ts.api, owner!, t1.id, 'second');

    const forReader = await listThreads(ts.api, reader!);
    expect(forReader.items.map((t) => t.id)).toEqual([t1.id, t3.id, t2.id, t0.id]);
    expect(forReader.nextCursor).toBeNull();
    const summary = forReader.items[0]!;
    expect(summary).toMatchObject({
      id: t1.id,
      lastSequence: 2,
      unreadCount: 2,
      lastActivityAt: m2.createdAt,
    });
    expect(summary.lastMessage).toEqual(m2);
    expect(forReader.items[1]).toMatchObject({ lastMessage: null, unreadCount: 0 });
    // Own messages are never unread.
    expect((await listThreads(ts.api, owner!)).items[0]).toMatchObject({ id: t1.id, unreadCount: 0 });

    // updatedSince keeps threads with activity at or after the time.
    const since = await listThreads(
      ts.api,
      reader!,
      `?updatedSince=${encodeURIComponent(t3.lastActivityAt)}`,
    );
    expect(since.items.map((t) => t.id)).toEqual([t1.id, t3.id]);
    const later = await listThreads(ts.api, reader!, `?updatedSince=${encodeURIComponent(m1.createdAt)}`);
    expect(later.items.map((t) => t.id)).toEqual([t1.id]);
    expectError(
      await ts.api('GET', '/v1/threads?updatedSince=yesterday', { auth: reader!.token }),
      400,
      'invalid_request',
    );
  });

  it('pages through threads with a cursor without duplicates or omissions, ties included', async () => {
    const [owner] = await makeUsers(ts.api, 'paging', 1);
    const created: string[] = [];
    for (let i = 0; i < 4; i++) created.push((await makeThread(ts.api, owner!, [], { topic: `a${i}` })).id);
    clock.setStep(0); // these share one lastActivityAt: the id breaks the tie
    try {
      for (let i = 0; i < 5; i++) created.push((await makeThread(ts.api, owner!, [], { topic: `b${i}` })).id);
    } finally {
      clock.setStep(1);
    }
    clock.advance(1);
    for (let i = 0; i < 3; i++) created.push((await makeThread(ts.api, owner!, [], { topic: `c${i}` })).id);

    const whole = await listThreads(ts.api, owner!, '?limit=200');
    expect(whole.items).toHaveLength(12);
    expect(new Set(whole.items.map((t) => t.id))).toEqual(new Set(created));
    for (const [i, t] of whole.items.entries()) {
      if (i > 0) expect(t.lastActivityAt <= whole.items[i - 1]!.lastActivityAt).toBe(true);
    }

    for (const size of [1, 2, 5]) {
      const seen: string[] = [];
      let query = `?limit=${size}`;
      for (;;) {
        const page = await listThreads(ts.api, owner!, query);
        expect(page.items.length).toBeLessThanOrEqual(size);
        seen.push(...page.items.map((t) => t.id));
        if (page.nextCursor === null) break;
        query = `?limit=${size}&cursor=${page.nextCursor}`;
      }
      expect(seen).toEqual(whole.items.map((t) => t.id));
    }
    expectError(
      await ts.api('GET', '/v1/threads?cursor=Zm9v', { auth: owner!.token }),
      400,
      'invalid_request',
    );
    expectError(await ts.api('GET', '/v1/threads?limit=201', { auth: owner!.token }), 400, 'invalid_request');
  });

  it('updates the topic with a topicUpdated system message', async () => {
    const [owner, member] = await makeUsers(ts.api, 'topic', 2);
    const thread = await makeThread(ts.api, owner!, [member!.id], { topic: 'Old' });
    const updated = await ts.api<Thread>('PATCH', `/v1/threads/${thread.id}`, {
      auth: member!.token,
      body: { topic: 'New' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: thread.id, topic: 'New', lastSequence: 1 });
    expect(updated.body.updatedAt > thread.updatedAt).toBe(true);

    const messages = await allMessages(ts.api, thread.id, owner!.token);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      sequence: 1,
      type: 'topicUpdated',
      content: '',
      senderId: null,
      system: { initiatorId: member!.id, topic: 'New' },
    });

    // Metadata alone, or the same topic again, adds no system message.
    const meta = await ts.api<Thread>('PATCH', `/v1/threads/${thread.id}`, {
      auth: owner!.token,
      body: { metadata: { k: 'v' }, topic: 'New' },
    });
    expect(meta.body).toMatchObject({ metadata: { k: 'v' }, topic: 'New', lastSequence: 1 });
    expect(await allMessages(ts.api, thread.id, owner!.token)).toHaveLength(1);

    expectError(
      await ts.api('PATCH', `/v1/threads/${thread.id}`, { auth: owner!.token, body: {} }),
      400,
      'invalid_request',
    );
    expectError(
      await ts.api('PATCH', `/v1/threads/${thread.id}`, {
        auth: owner!.token,
        body: { topic: 'x'.repeat(257) },
      }),
      400,
      'invalid_request',
    );
  });

  it('lets only an owner delete a thread; afterwards it is gone for everyone', async () => {
    const [owner, member] = await makeUsers(ts.api, 'delete', 2);
    const thread = await makeThread(ts.api, owner!, [member!.id]);
    await sendMessage(ts.api, member!, thread.id, 'hello');
    expectError(
      await ts.api('DELETE', `/v1/threads/${thread.id}`, { auth: member!.token }),
      403,
      'forbidden',
    );
    expect((await ts.api('GET', `/v1/threads/${thread.id}`, { auth: member!.token })).status).toBe(200);

    expect((await ts.api('DELETE', `/v1/threads/${thread.id}`, { auth: owner!.token })).status).toBe(204);
    for (const auth of [owner!.token, member!.token, ts.apiKey]) {
      expectError(await ts.api('GET', `/v1/threads/${thread.id}`, { auth }), 404, 'thread_not_found');
      expectError(
        await ts.api('GET', `/v1/threads/${thread.id}/messages`, { auth }),
        404,
        'thread_not_found',
      );
    }
    expectError(
      await ts.api('POST', `/v1/threads/${thread.id}/messages`, {
        auth: owner!.token,
        body: { content: 'x' },
      }),
      404,
      'thread_not_found',
    );
    expect((await listThreads(ts.api, member!)).items.map((t) => t.id)).not.toContain(thread.id);
    expectError(
      await ts.api('DELETE', `/v1/threads/${thread.id}`, { auth: owner!.token }),
      404,
      'thread_not_found',
    );
  });
});
