// ChatClient's thread operations and ChatThreadClient's properties, participants and receipts.
import { describe, expect, it } from 'vitest';
import { ChatClient } from '../src/index.js';
import { collect, expectParleyError, useSdkServer } from './support/sdk-server.js';

const ctx = useSdkServer();

describe('ChatClient threads', () => {
  it('creates, gets, lists and deletes a thread (seed 003 flow)', async () => {
    const alice = await ctx.user('alice');
    const bob = await ctx.user('bob');
    const thread = await alice.chat.createChatThread({
      topic: 'Lunch',
      participants: [{ userId: bob.id, displayName: 'Bob' }],
      metadata: { kind: 'dm' },
    });
    expect(thread).toMatchObject({ topic: 'Lunch', metadata: { kind: 'dm' }, createdBy: alice.id });
    expect(await bob.chat.getChatThread(thread.id)).toMatchObject({ id: thread.id, topic: 'Lunch' });

    const listed = await collect(bob.chat.listChatThreads());
    expect(listed.map((t) => t.id)).toEqual([thread.id]);
    expect(listed[0]).toMatchObject({ unreadCount: expect.any(Number) });

    await expectParleyError(bob.chat.deleteChatThread(thread.id), 'forbidden', 403);
    await alice.chat.deleteChatThread(thread.id);
    await expectParleyError(alice.chat.getChatThread(thread.id), 'thread_not_found', 404);
    await expectParleyError(alice.chat.deleteChatThread(thread.id), 'thread_not_found', 404);
  });

  it('makes thread creation idempotent with an idempotencyKey', async () => {
    const alice = await ctx.user('alice');
    const first = await alice.chat.createChatThread({ topic: 'Once', idempotencyKey: 'key-1' });
    const again = await alice.chat.createChatThread({ topic: 'Once', idempotencyKey: 'key-1' });
    expect(again.id).toBe(first.id);
    // Without a key, each call makes a thread (a generated key per call).
    const a = await alice.chat.createChatThread({ topic: 'Twice' });
    const b = await alice.chat.createChatThread({ topic: 'Twice' });
    expect(a.id).not.toBe(b.id);
  });

  it('reports creation errors with the field at fault', async () => {
    const alice = await ctx.user('alice');
    const err = await expectParleyError(
      alice.chat.createChatThread({ topic: 'x'.repeat(300) }),
      'invalid_request',
      400,
    );
    expect(err.field).toMatch(/topic/);
    await expectParleyError(
      alice.chat.createChatThread({ topic: 'ghost', participants: [{ userId: 'nobody-at-all' }] }),
      'user_not_found',
      404,
    );
  });

  it('pages through threads, newest activity first, and filters by startTime', async () => {
    const carol = await ctx.user('carol');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await carol.chat.createChatThread({ topic: `t${i}` })).id);
    const all = await collect(carol.chat.listChatThreads({ maxPageSize: 2 }));
    expect(all.map((t) => t.id)).toEqual([...ids].reverse());
    const pages = await collect(carol.chat.listChatThreads().byPage({ maxPageSize: 2 }));
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);

    const future = new Date(Date.now() + 3600_000);
    expect(await collect(carol.chat.listChatThreads({ startTime: future }))).toEqual([]);
    await expectParleyError(
      collect(carol.chat.listChatThreads({ maxPageSize: 201 })),
      'invalid_request',
      400,
    );
  });

  it('stops early without fetching further pages', async () => {
    const dan = await ctx.user('dan');
    for (let i = 0; i < 3; i++) await dan.chat.createChatThread({ topic: `d${i}` });
    let requests = 0;
    const counting = new ChatClient(ctx.url, dan.token, {
      fetch: (input, init) => {
        requests += 1;
        return fetch(input, init);
      },
    });
    for await (const thread of counting.listChatThreads({ maxPageSize: 1 })) {
      expect(thread.topic).toBe('d2');
      break;
    }
    expect(requests).toBe(1);
  });
});

describe('ChatThreadClient properties', () => {
  it('gets properties and updates the topic', async () => {
    const alice = await ctx.user('alice');
    const { id } = await alice.chat.createChatThread({ topic: 'Old' });
    const thread = alice.chat.getChatThreadClient(id);
    expect(thread.threadId).toBe(id);
    expect((await thread.getProperties()).topic).toBe('Old');
    expect((await thread.updateTopic('New')).topic).toBe('New');
    expect((await thread.updateProperties({ metadata: { a: '1' } })).metadata).toEqual({ a: '1' });
    expect(await thread.getProperties()).toMatchObject({ topic: 'New', metadata: { a: '1' } });
    await expectParleyError(thread.updateTopic('x'.repeat(300)), 'invalid_request', 400);
    await expectParleyError(alice.chat.getChatThreadClient('nope').getProperties(), 'thread_not_found', 404);
  });
});

describe('ChatThreadClient participants', () => {
  it('adds, lists (skip paging) and removes participants', async () => {
    const owner = await ctx.user('owner');
    const others = await Promise.all([1, 2, 3, 4].map((i) => ctx.user(`p${i}`)));
    const { id } = await owner.chat.createChatThread({ topic: 'Group' });
    const thread = owner.chat.getChatThreadClient(id);
    const added = await thread.addParticipants(
      others.map((o, i) => ({
        userId: o.id,
        displayName: `P${i}`,
        ...(i === 0 && { role: 'reader' as const }),
      })),
    );
    expect(added.map((p) => p.userId)).toEqual(others.map((o) => o.id));
    expect(added[0]!.role).toBe('reader');

    const all = await collect(thread.listParticipants({ maxPageSize: 2 }));
    expect(all.map((p) => p.userId).sort()).toEqual([owner.id, ...others.map((o) => o.id)].sort());
    const pages = await collect(thread.listParticipants().byPage({ maxPageSize: 2 }));
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages[0]!.continuationToken).toBe('2');
    expect(await collect(thread.listParticipants({ skip: 4 }))).toHaveLength(1);

    await thread.removeParticipant(others[1]!.id);
    expect(await collect(thread.listParticipants())).toHaveLength(4);
    await expectParleyError(thread.removeParticipant(others[1]!.id), 'participant_not_found', 404);
    await expectParleyError(thread.addParticipants([{ userId: 'nobody-at-all' }]), 'user_not_found', 404);
    // A member cannot remove someone else; a removed user no longer sees the thread.
    const asMember = others[2]!.chat.getChatThreadClient(id);
    await expectParleyError(asMember.removeParticipant(others[3]!.id), 'forbidden', 403);
    await expectParleyError(
      collect(others[1]!.chat.getChatThreadClient(id).listParticipants()),
      'thread_not_found',
      404,
    );
  });
});

describe('ChatThreadClient read receipts and typing', () => {
  it('sends and lists read receipts', async () => {
    const alice = await ctx.user('alice');
    const bob = await ctx.user('bob');
    const { id } = await alice.chat.createChatThread({
      topic: 'Receipts',
      participants: [{ userId: bob.id }],
    });
    const sent = await alice.chat.getChatThreadClient(id).sendMessage({ content: 'read me' });
    const bobThread = bob.chat.getChatThreadClient(id);
    const receipt = await bobThread.sendReadReceipt(sent.id);
    expect(receipt).toMatchObject({ userId: bob.id, messageId: sent.id, sequence: sent.sequence });
    await alice.chat.getChatThreadClient(id).sendReadReceipt(sent.id);

    const receipts = await collect(bobThread.listReadReceipts({ maxPageSize: 1 }));
    expect(receipts.map((r) => r.userId).sort()).toEqual([alice.id, bob.id].sort());
    const pages = await collect(bobThread.listReadReceipts().byPage({ maxPageSize: 1 }));
    expect(pages.map((p) => p.length)).toEqual([1, 1]);
    expect(await collect(bobThread.listReadReceipts({ skip: 1 }))).toHaveLength(1);

    await expectParleyError(bobThread.sendReadReceipt('no-such-message'), 'message_not_found', 404);
    const stranger = await ctx.user('stranger');
    await expectParleyError(
      collect(stranger.chat.getChatThreadClient(id).listReadReceipts()),
      'thread_not_found',
      404,
    );
  });

  it('sends typing notifications over REST, at most once a second', async () => {
    const alice = await ctx.user('alice');
    const { id } = await alice.chat.createChatThread({ topic: 'Typing' });
    const thread = alice.chat.getChatThreadClient(id);
    expect(await thread.sendTypingNotification()).toBe(true);
    expect(await thread.sendTypingNotification()).toBe(false);
    const stranger = await ctx.user('stranger');
    await expectParleyError(
      stranger.chat.getChatThreadClient(id).sendTypingNotification(),
      'thread_not_found',
      404,
    );
  });
});
