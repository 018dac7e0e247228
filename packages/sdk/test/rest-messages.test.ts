// ChatThreadClient's messages: send (idempotent, retried), list (both directions, paged), get, edit, delete, limits.
import { describe, expect, it } from 'vitest';
import { ChatClient } from '../src/index.js';
import { collect, expectParleyError, useSdkServer, type TestUser } from './support/sdk-server.js';

const ctx = useSdkServer((config) => {
  // Small enough to reach in a test: 2 sends per second per user, bursts of 4.
  config.limits.userSendsPerSecond = 2;
  config.limits.messageContentBytes = 1024;
});

async function threadWith(owner: TestUser, ...others: TestUser[]) {
  const { id } = await owner.chat.createChatThread({
    topic: 'Messages',
    participants: others.map((o) => ({ userId: o.id })),
  });
  return id;
}

/** Sends `n` messages, pausing to stay under the test server's small rate limit. */
async function sendMany(user: TestUser, threadId: string, n: number) {
  const thread = user.chat.getChatThreadClient(threadId);
  const sent = [];
  for (let i = 0; i < n; i++) {
    sent.push(await thread.sendMessage({ content: `m${i}` }));
    if (i % 4 === 3) await new Promise((resolve) => setTimeout(resolve, 700));
  }
  return sent;
}

describe('sendMessage', () => {
  it('sends with type, display name and metadata (seed 003)', async () => {
    const alice = await ctx.user('alice');
    const thread = alice.chat.getChatThreadClient(await threadWith(alice));
    const message = await thread.sendMessage({
      content: 'Please take a look at the attachment',
      senderDisplayName: 'Jack',
      type: 'text',
      metadata: { hasAttachment: 'true' },
    });
    expect(message).toMatchObject({
      threadId: thread.threadId,
      senderId: alice.id,
      senderDisplayName: 'Jack',
      type: 'text',
      metadata: { hasAttachment: 'true' },
      clientMessageId: expect.stringMatching(/^c_[0-9a-f]{32}$/),
    });
    const html = await thread.sendMessage({ content: '<b>bold</b><script>x</script>', type: 'html' });
    expect(html.content).toBe('<b>bold</b>');
  });

  it('returns the original message for a repeated clientMessageId, and 409 for other content', async () => {
    const alice = await ctx.user('alice');
    const thread = alice.chat.getChatThreadClient(await threadWith(alice));
    const first = await thread.sendMessage({ content: 'once', clientMessageId: 'cm-1' });
    const again = await thread.sendMessage({ content: 'once', clientMessageId: 'cm-1' });
    expect(again.id).toBe(first.id);
    await expectParleyError(
      thread.sendMessage({ content: 'different', clientMessageId: 'cm-1' }),
      'client_message_id_conflict',
      409,
    );
  });

  it('retries a send whose answer was lost, and the message is stored once', async () => {
    const alice = await ctx.user('alice');
    const threadId = await threadWith(alice);
    let lost = 0;
    const losingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (init?.method === 'POST' && lost === 0) {
        lost += 1;
        await response.text();
        throw new TypeError('fetch failed'); // the server stored it; the answer never arrived
      }
      return response;
    };
    const flaky = new ChatClient(ctx.url, alice.token, { fetch: losingFetch });
    const message = await flaky.getChatThreadClient(threadId).sendMessage({ content: 'exactly once' });
    expect(lost).toBe(1);
    const stored = await collect(alice.chat.getChatThreadClient(threadId).listMessages());
    expect(stored.filter((m) => m.content === 'exactly once').map((m) => m.id)).toEqual([message.id]);
  });

  it('reports validation, size, access and rate-limit errors', async () => {
    const alice = await ctx.user('alice');
    const reader = await ctx.user('reader');
    const threadId = await threadWith(alice);
    await alice.chat.getChatThreadClient(threadId).addParticipants([{ userId: reader.id, role: 'reader' }]);
    const thread = alice.chat.getChatThreadClient(threadId);

    const empty = await expectParleyError(thread.sendMessage({ content: '' }), 'invalid_request', 400);
    expect(empty.field).toMatch(/content/);
    await expectParleyError(thread.sendMessage({ content: 'x'.repeat(2000) }), 'message_too_large', 413);
    await expectParleyError(
      reader.chat.getChatThreadClient(threadId).sendMessage({ content: 'hi' }),
      'forbidden',
      403,
    );
    const stranger = await ctx.user('stranger');
    await expectParleyError(
      stranger.chat.getChatThreadClient(threadId).sendMessage({ content: 'hi' }),
      'thread_not_found',
      404,
    );

    const rater = await ctx.user('rater');
    const ratedThread = rater.chat.getChatThreadClient(await threadWith(rater));
    let limited;
    for (let i = 0; i < 10 && !limited; i++) {
      try {
        await ratedThread.sendMessage({ content: `burst ${i}` });
      } catch (err) {
        limited = err;
      }
    }
    const err = await expectParleyError(Promise.reject(limited), 'rate_limited', 429);
    expect(err.retryAfter).toBeGreaterThanOrEqual(1);
  });
});

describe('listMessages', () => {
  it('lists newest first across pages, and forward with after, startTime and order', async () => {
    const alice = await ctx.user('alice');
    const threadId = await threadWith(alice);
    const sent = await sendMany(alice, threadId, 5);
    const thread = alice.chat.getChatThreadClient(threadId);
    const texts = (items: { content: string; type: string }[]) =>
      items.filter((m) => m.type === 'text').map((m) => m.content);

    const newestFirst = await collect(thread.listMessages({ maxPageSize: 2 }));
    expect(texts(newestFirst)).toEqual(['m4', 'm3', 'm2', 'm1', 'm0']);
    const pages = await collect(thread.listMessages().byPage({ maxPageSize: 2 }));
    expect(pages[0]!.map((m) => m.content)).toEqual(['m4', 'm3']);
    expect(pages.length).toBeGreaterThanOrEqual(3);

    const forward = await collect(thread.listMessages({ after: sent[1]!.sequence, maxPageSize: 2 }));
    expect(texts(forward)).toEqual(['m2', 'm3', 'm4']);
    const back = await collect(thread.listMessages({ before: sent[2]!.sequence }));
    expect(texts(back)).toEqual(['m1', 'm0']);
    expect(texts(await collect(thread.listMessages({ order: 'asc', maxPageSize: 2 })))).toEqual([
      'm0',
      'm1',
      'm2',
      'm3',
      'm4',
    ]);
    const fromTime = await collect(thread.listMessages({ startTime: new Date(sent[3]!.createdAt) }));
    expect(texts(fromTime)).toEqual(['m3', 'm4']);

    expect(() => thread.listMessages({ after: 1, before: 3 })).toThrow(RangeError);
    expect(() => thread.listMessages({ after: 1, order: 'desc' })).toThrow(RangeError);
    await expectParleyError(collect(thread.listMessages({ maxPageSize: 500 })), 'invalid_request', 400);
    const stranger = await ctx.user('stranger');
    await expectParleyError(
      collect(stranger.chat.getChatThreadClient(threadId).listMessages()),
      'thread_not_found',
      404,
    );
  });
});

describe('getMessage, updateMessage, deleteMessage', () => {
  it('gets, edits and deletes a message, with their errors', async () => {
    const alice = await ctx.user('alice');
    const bob = await ctx.user('bob');
    const threadId = await threadWith(alice, bob);
    const thread = alice.chat.getChatThreadClient(threadId);
    const bobThread = bob.chat.getChatThreadClient(threadId);
    const sent = await thread.sendMessage({ content: 'draft' });

    expect(await bobThread.getMessage(sent.id)).toMatchObject({ id: sent.id, content: 'draft' });
    await expectParleyError(thread.getMessage('no-such-message'), 'message_not_found', 404);

    const edited = await thread.updateMessage(sent.id, { content: 'final', metadata: { v: '2' } });
    expect(edited).toMatchObject({ content: 'final', metadata: { v: '2' }, editedAt: expect.any(String) });
    await expectParleyError(bobThread.updateMessage(sent.id, { content: 'mine now' }), 'forbidden', 403);
    await expectParleyError(
      thread.updateMessage('no-such-message', { content: 'x' }),
      'message_not_found',
      404,
    );

    await expectParleyError(bobThread.deleteMessage(sent.id), 'forbidden', 403);
    await thread.deleteMessage(sent.id);
    expect(await thread.getMessage(sent.id)).toMatchObject({ content: '', deletedAt: expect.any(String) });
    await expectParleyError(thread.updateMessage(sent.id, { content: 'again' }), 'message_deleted', 409);
    await expectParleyError(thread.deleteMessage('no-such-message'), 'message_not_found', 404);
  });
});
