// Participants: add, list, remove, history sharing, roles and the participant limit.
import { describe, expect, it } from 'vitest';
import type { Message, Participant, Thread } from '@parley/protocol';
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
  type Page,
  type SkipPage,
  type TestUser,
} from './support/fixtures.js';

const clock = testClock();
const ts = useTestServer(sendRates(1000), { clock });

describe('participants', () => {
  it('adds participants with display name, role and history, announced by a system message', async () => {
    const [owner, bob, carol] = await makeUsers(ts.api, 'add', 3);
    const thread = await makeThread(ts.api, owner!, []);
    const history = new Date(clock.peek() - 60_000).toISOString();
    const added = await ts.api<{ added: Participant[] }>('POST', `/v1/threads/${thread.id}/participants`, {
      auth: owner!.token,
      body: {
        participants: [
          { userId: bob!.id, displayName: 'Bob (support)', role: 'reader', shareHistoryTime: history },
          { userId: carol!.id },
        ],
      },
    });
    expect(added.status).toBe(201);
    expect(added.body.added).toEqual([
      {
        userId: bob!.id,
        displayName: 'Bob (support)',
        role: 'reader',
        shareHistoryTime: history,
        joinedAt: expect.any(String),
      },
      {
        userId: carol!.id,
        displayName: carol!.id,
        role: 'member',
        // Unless told, history is shared from the thread's creation.
        shareHistoryTime: thread.createdAt,
        joinedAt: expect.any(String),
      },
    ]);
    // Ordered by join time, then user id.
    const listed = await participantsOf(ts.api, thread.id);
    expect(listed.map((p) => p.userId)).toEqual([owner!.id, ...[bob!.id, carol!.id].sort()]);
    expect(listed.find((p) => p.userId === bob!.id)).toEqual(added.body.added[0]);

    const messages = await allMessages(ts.api, thread.id, owner!.token);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      type: 'participantAdded',
      senderId: null,
      system: {
        initiatorId: owner!.id,
        participants: [
          { userId: bob!.id, displayName: 'Bob (support)' },
          { userId: carol!.id, displayName: carol!.id },
        ],
      },
    });

    // Adding someone already present changes nothing.
    const again = await ts.api<{ added: Participant[] }>('POST', `/v1/threads/${thread.id}/participants`, {
      auth: owner!.token,
      body: { participants: [{ userId: carol!.id, role: 'owner' }] },
    });
    expect(again.status).toBe(201);
    expect(again.body.added).toEqual([]);
    expect(await allMessages(ts.api, thread.id, owner!.token)).toHaveLength(1);
    expect((await participantsOf(ts.api, thread.id)).find((p) => p.userId === carol!.id)?.role).toBe(
      'member',
    );
  });

  it('refuses unknown users, bad bodies and member-made owners, writing nothing', async () => {
    const [owner, member, dave] = await makeUsers(ts.api, 'addbad', 3);
    const thread = await makeThread(ts.api, owner!, [member!.id]);
    const path = `/v1/threads/${thread.id}/participants`;
    expectError(
      await ts.api('POST', path, {
        auth: owner!.token,
        body: { participants: [{ userId: dave!.id }, { userId: 'no-such-user' }] },
      }),
      404,
      'user_not_found',
    );
    expectError(
      await ts.api('POST', path, {
        auth: member!.token,
        body: { participants: [{ userId: dave!.id, role: 'owner' }] },
      }),
      403,
      'forbidden',
    );
    expectError(
      await ts.api('POST', path, { auth: owner!.token, body: { participants: [] } }),
      400,
      'invalid_request',
    );
    expectError(
      await ts.api('POST', path, {
        auth: owner!.token,
        body: { participants: [{ userId: dave!.id, role: 'god' }] },
      }),
      400,
      'invalid_request',
    );
    expect((await participantsOf(ts.api, thread.id)).map((p) => p.userId).sort()).toEqual(
      [owner!.id, member!.id].sort(),
    );
    expect(await allMessages(ts.api, thread.id, owner!.token)).toEqual([]);
  });

  it('pages participants with skip', async () => {
    const users = await makeUsers(ts.api, 'skip', 5);
    const [owner, ...rest] = users as [TestUser, ...TestUser[]];
    const thread = await makeThread(
      ts.api,
      owner,
      rest.map((u) => u.id),
    );
    const seen: string[] = [];
    let skip = 0;
    const skips: (number | null)[] = [];
    for (;;) {
      const page = await ts.api<SkipPage<Participant>>(
        'GET',
        `/v1/threads/${thread.id}/participants?limit=2&skip=${skip}`,
        { auth: rest[0]!.token },
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((p) => p.userId));
      skips.push(page.body.nextSkip);
      if (page.body.nextSkip === null) break;
      skip = page.body.nextSkip;
    }
    expect(skips).toEqual([2, 4, null]);
    expect(new Set(seen)).toEqual(new Set(users.map((u) => u.id)));
    expect(seen).toHaveLength(5);
    expectError(
      await ts.api('GET', `/v1/threads/${thread.id}/participants?skip=-1`, { auth: owner.token }),
      400,
      'invalid_request',
    );
  });

  it('removes participants: owners remove others, anyone leaves, with a system message', async () => {
    const [owner, bob, carol] = await makeUsers(ts.api, 'remove', 3);
    const thread = await makeThread(ts.api, owner!, [bob!.id, carol!.id]);
    const path = (userId: string) => `/v1/threads/${thread.id}/participants/${userId}`;

    expectError(await ts.api('DELETE', path(carol!.id), { auth: bob!.token }), 403, 'forbidden');
    expect((await ts.api('DELETE', path(carol!.id), { auth: owner!.token })).status).toBe(204);
    expect((await ts.api('DELETE', path(bob!.id), { auth: bob!.token })).status).toBe(204);
    expectError(await ts.api('DELETE', path(bob!.id), { auth: owner!.token }), 404, 'participant_not_found');

    expect((await participantsOf(ts.api, thread.id)).map((p) => p.userId)).toEqual([owner!.id]);
    const messages = await allMessages(ts.api, thread.id, owner!.token);
    expect(messages.map((m) => [m.type, m.system?.initiatorId, m.system?.participants?.[0]?.userId])).toEqual(
      [
        ['participantRemoved', owner!.id, carol!.id],
        ['participantRemoved', bob!.id, bob!.id],
      ],
    );
    for (const gone of [bob!, carol!]) {
      expectError(
        await ts.api('GET', `/v1/threads/${thread.id}`, { auth: gone.token }),
        404,
        'thread_not_found',
      );
      expect((await listThreads(ts.api, gone)).items.map((t) => t.id)).not.toContain(thread.id);
    }
  });

  it('hides messages older than shareHistoryTime from a participant', async () => {
    const [owner, late, early] = await makeUsers(ts.api, 'history', 3);
    const thread = await makeThread(ts.api, owner!, []);
    const old1 = await sendMessage(ts.api, owner!, thread.id, 'before you came 1');
    const old2 = await sendMessage(ts.api, owner!, thread.id, 'before you came 2');
    const from = new Date(Date.parse(old2.createdAt) + 1).toISOString();
    await ts.api('POST', `/v1/threads/${thread.id}/participants`, {
      auth: owner!.token,
      body: { participants: [{ userId: late!.id, shareHistoryTime: from }, { userId: early!.id }] },
    });
    const fresh = await sendMessage(ts.api, owner!, thread.id, 'welcome');

    const seenByLate = await allMessages(ts.api, thread.id, late!.token);
    expect(seenByLate.map((m) => m.id)).not.toContain(old1.id);
    expect(seenByLate.map((m) => m.id)).not.toContain(old2.id);
    expect(seenByLate.map((m) => m.type)).toEqual(['participantAdded', 'text']);
    expect(seenByLate.at(-1)!.id).toBe(fresh.id);
    const newestFirst = await ts.api<Page<Message>>('GET', `/v1/threads/${thread.id}/messages`, {
      auth: late!.token,
    });
    expect(newestFirst.body.items.map((m) => m.id)).toEqual(seenByLate.map((m) => m.id).reverse());
    expectError(
      await ts.api('GET', `/v1/threads/${thread.id}/messages/${old1.id}`, { auth: late!.token }),
      404,
      'message_not_found',
    );
    expectError(
      await ts.api('POST', `/v1/threads/${thread.id}/read-receipts`, {
        auth: late!.token,
        body: { messageId: old2.id },
      }),
      404,
      'message_not_found',
    );
    const summary = (await listThreads(ts.api, late!)).items.find((t) => t.id === thread.id);
    expect(summary?.unreadCount).toBe(1);

    // A participant added without a time sees the whole history.
    expect((await allMessages(ts.api, thread.id, early!.token)).map((m) => m.id)).toContain(old1.id);
    expect((await listThreads(ts.api, early!)).items.find((t) => t.id === thread.id)?.unreadCount).toBe(3);
  });

  it('readers read but cannot send, type, add or change the topic', async () => {
    const [owner, reader, dave] = await makeUsers(ts.api, 'reader', 3);
    const thread = await makeThread(ts.api, owner!, [{ userId: reader!.id, role: 'reader' }]);
    const sent = await sendMessage(ts.api, owner!, thread.id, 'read me');
    const auth = reader!.token;
    const base = `/v1/threads/${thread.id}`;
    expectError(
      await ts.api('POST', `${base}/messages`, { auth, body: { content: 'no' } }),
      403,
      'forbidden',
    );
    expectError(await ts.api('POST', `${base}/typing`, { auth }), 403, 'forbidden');
    expectError(await ts.api('PATCH', base, { auth, body: { topic: 'mine' } }), 403, 'forbidden');
    expectError(
      await ts.api('POST', `${base}/participants`, { auth, body: { participants: [{ userId: dave!.id }] } }),
      403,
      'forbidden',
    );
    expect((await ts.api('GET', `${base}/messages/${sent.id}`, { auth })).status).toBe(200);
    expect(
      (await ts.api('POST', `${base}/read-receipts`, { auth, body: { messageId: sent.id } })).status,
    ).toBe(200);
    expect((await allMessages(ts.api, thread.id, owner!.token)).map((m) => m.id)).toEqual([sent.id]);
  });
  it('answers times in UTC with milliseconds, whatever offset they were given in', async () => {
    const [owner, bob] = await makeUsers(ts.api, 'utc', 2);
    const thread = await makeThread(ts.api, owner!, []);
    const added = await ts.api<{ added: Participant[] }>('POST', `/v1/threads/${thread.id}/participants`, {
      auth: owner!.token,
      body: { participants: [{ userId: bob!.id, shareHistoryTime: '2024-03-01T02:30:00+02:00' }] },
    });
    expect(added.body.added[0]!.shareHistoryTime).toBe('2024-03-01T00:30:00.000Z');
  });

  it('a deleted user disappears from every thread, silently', async () => {
    const [owner, doomed] = await makeUsers(ts.api, 'deluser', 2);
    const threads = [
      await makeThread(ts.api, owner!, [doomed!.id]),
      await makeThread(ts.api, owner!, [doomed!.id]),
    ];
    expect((await ts.api('DELETE', `/v1/users/${doomed!.id}`)).status).toBe(204);
    for (const thread of threads) {
      expect((await participantsOf(ts.api, thread.id)).map((p) => p.userId)).toEqual([owner!.id]);
      expect(await allMessages(ts.api, thread.id, owner!.token)).toEqual([]);
    }
  });
});

describe('participant limit', () => {
  const small = useTestServer((c) => {
    c.limits.participantsPerThread = 3;
  });

  it('refuses to grow a thread past the limit and writes nothing', async () => {
    const [owner, a, b, c, d] = await makeUsers(small.api, 'lim', 5);
    const thread = await makeThread(small.api, owner!, [a!.id]);
    const path = `/v1/threads/${thread.id}/participants`;

    const tooMany = await small.api('POST', path, {
      auth: owner!.token,
      body: { participants: [{ userId: b!.id }, { userId: c!.id }] },
    });
    expectError(tooMany, 422, 'participant_limit');
    const unchanged = await small.api<Thread>('GET', `/v1/threads/${thread.id}`, { auth: owner!.token });
    expect(unchanged.body).toEqual(thread);
    const list = async () =>
      (await small.api<SkipPage<Participant>>('GET', path, { auth: owner!.token })).body.items
        .map((p) => p.userId)
        .sort();
    expect(await list()).toEqual([owner!.id, a!.id].sort());

    // Two adders race for the last seat: exactly one wins.
    const race = await Promise.all(
      [c!, d!].map((u) =>
        small.api('POST', path, { auth: owner!.token, body: { participants: [{ userId: u.id }] } }),
      ),
    );
    expect(race.map((r) => r.status).sort()).toEqual([201, 422]);
    expect(await list()).toHaveLength(3);
    expectError(
      await small.api('POST', path, { auth: owner!.token, body: { participants: [{ userId: b!.id }] } }),
      422,
      'participant_limit',
    );
    expect(await list()).toHaveLength(3);
    const messages = await allMessages(small.api, thread.id, owner!.token);
    expect(messages.map((m) => m.type)).toEqual(['participantAdded']);
  });

  it('refuses to create an oversized thread and creates nothing', async () => {
    const [owner, a, b, c] = await makeUsers(small.api, 'limc', 4);
    const others = [a!, b!, c!].map((u) => ({ userId: u.id }));
    const asUser = await small.api('POST', '/v1/threads', {
      auth: owner!.token,
      body: { participants: others },
    });
    expectError(asUser, 422, 'participant_limit');
    const asKey = await small.api('POST', '/v1/threads', {
      body: { participants: [...others, { userId: owner!.id }] },
    });
    expectError(asKey, 422, 'participant_limit');
    for (const user of [owner!, a!, b!, c!]) {
      expect((await small.api<Page<Thread>>('GET', '/v1/threads', { auth: user.token })).body.items).toEqual(
        [],
      );
    }
  });

  it('counts a user listed twice once, on create as on add', async () => {
    const [owner, a, b] = await makeUsers(small.api, 'limd', 3);
    const twice = { participants: [{ userId: a!.id }, { userId: b!.id }, { userId: a!.id }] };
    const created = await small.api<Thread>('POST', '/v1/threads', { auth: owner!.token, body: twice });
    expect(created.status).toBe(201);
    const other = await makeThread(small.api, owner!, []);
    const added = await small.api('POST', `/v1/threads/${other.id}/participants`, {
      auth: owner!.token,
      body: twice,
    });
    expect(added.status).toBe(201);
  });
});

describe('default participant limit', () => {
  it('is 250: a full thread takes no 251st participant', async () => {
    const prefix = uid('full');
    const ids = Array.from({ length: 251 }, (_, i) => `${prefix}-${i}`);
    for (let i = 0; i < ids.length; i += 50) {
      await Promise.all(
        ids.slice(i, i + 50).map((id) => ts.api('POST', '/v1/users', { body: { id, displayName: id } })),
      );
    }
    const thread = await makeThread(
      ts.api,
      null,
      ids.slice(0, 250).map((userId) => ({ userId })),
    );
    const last = await ts.api('POST', `/v1/threads/${thread.id}/participants`, {
      body: { participants: [{ userId: ids[250]! }] },
    });
    expectError(last, 422, 'participant_limit');
    const page = await ts.api<SkipPage<Participant>>(
      'GET',
      `/v1/threads/${thread.id}/participants?limit=200&skip=200`,
    );
    expect(page.body).toMatchObject({ nextSkip: null });
    expect(page.body.items).toHaveLength(50);
  });
});
