// Delivery guarantees: idempotent send, contiguous sequences under concurrency, receipts and typing.
import { describe, expect, it } from 'vitest';
import type { Message, ReadReceipt, ThreadSummary } from '@parley/protocol';
import {
  allMessages,
  expectError,
  makePair,
  makeThread,
  makeUsers,
  sendMessage,
  sendRates,
  testClock,
  useTestServer,
  type Page,
  type TestUser,
} from './support/fixtures.js';

const clock = testClock();
const ts = useTestServer(sendRates(10_000), { clock });

const pair = (prefix: string) => makePair(ts.api, prefix);

describe('idempotent send', () => {
  it('replays the original for a repeated clientMessageId and refuses a different content', async () => {
    const { owner, member, threadId } = await pair('idem');
    const path = `/v1/threads/${threadId}/messages`;
    const body = { content: 'only once', clientMessageId: 'client-1' };
    const first = await ts.api<Message>('POST', path, { auth: member.token, body });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(first.body.clientMessageId).toBe('client-1');

    const retry = await ts.api<Message>('POST', path, { auth: member.token, body });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);

    const changed = await ts.api('POST', path, {
      auth: member.token,
      body: { ...body, content: 'something else' },
    });
    expectError(changed, 409, 'client_message_id_conflict');
    const byOther = await ts.api('POST', path, { auth: owner.token, body });
    expectError(byOther, 409, 'client_message_id_conflict');

    const stored = await allMessages(ts.api, threadId, owner.token);
    expect(stored.map((m) => m.id)).toEqual([first.body.id]);
  });

  it('still replays after the original was edited or deleted', async () => {
    const { owner, member, threadId } = await pair('idemlater');
    const path = `/v1/threads/${threadId}/messages`;
    const edited = await sendMessage(ts.api, member, threadId, 'will be edited', {
      clientMessageId: 'c-edit',
    });
    await ts.api('PATCH', `${path}/${edited.id}`, { auth: member.token, body: { content: 'edited' } });
    const deleted = await sendMessage(ts.api, member, threadId, 'will be deleted', {
      clientMessageId: 'c-del',
    });
    await ts.api('DELETE', `${path}/${deleted.id}`, { auth: owner.token });

    // The client never saw its first answer and retries the very same send.
    const retries = [];
    for (const [content, key] of [
      ['will be edited', 'c-edit'],
      ['will be deleted', 'c-del'],
    ]) {
      const retry = await ts.api<Message>('POST', path, {
        auth: member.token,
        body: { content, clientMessageId: key },
      });
      retries.push({ key, status: retry.status, id: retry.body.id });
    }
    expect(retries).toEqual([
      { key: 'c-edit', status: 200, id: edited.id },
      { key: 'c-del', status: 200, id: deleted.id },
    ]);
    expect(await allMessages(ts.api, threadId, owner.token)).toHaveLength(2);
  });

  it('stores one message when the same send races with itself', async () => {
    const { member, threadId } = await pair('idemrace');
    const body = { content: 'racing', clientMessageId: 'race-1' };
    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        ts.api<Message>('POST', `/v1/threads/${threadId}/messages`, { auth: member.token, body }),
      ),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect(await allMessages(ts.api, threadId, member.token)).toHaveLength(1);
  });
});

describe('concurrent senders', () => {
  it('20 users sending 10 messages each at once get sequences 1..200 with no gap or duplicate', async () => {
    const users = await makeUsers(ts.api, 'crowd', 20);
    const thread = await makeThread(
      ts.api,
      users[0]!,
      users.slice(1).map((u) => u.id),
    );
    const responses = await Promise.all(
      users.flatMap((user) =>
        Array.from({ length: 10 }, (_, i) =>
          ts.api<Message>('POST', `/v1/threads/${thread.id}/messages`, {
            auth: user.token,
            body: { content: `${user.id} #${i}`, clientMessageId: `${user.id}.${i}` },
          }),
        ),
      ),
    );
    expect(responses.filter((r) => r.status !== 201).map((r) => r.body)).toEqual([]);
    const acked = responses.map((r) => r.body.sequence).sort((a, b) => a - b);
    expect(acked).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));

    const stored = await allMessages(ts.api, thread.id, users[5]!.token);
    expect(stored.map((m) => m.sequence)).toEqual(acked);
    expect(new Set(stored.map((m) => m.id)).size).toBe(200);
    for (const user of users) {
      // Sent concurrently, a sender's ten messages may interleave in any order, but all are there.
      expect(stored.filter((m) => m.senderId === user.id)).toHaveLength(10);
    }
    const threadNow = await ts.api<{ lastSequence: number }>('GET', `/v1/threads/${thread.id}`, {
      auth: users[0]!.token,
    });
    expect(threadNow.body.lastSequence).toBe(200);
  });
});

describe('read receipts and typing', () => {
  it('records receipts, lowers unread counts, and never moves backwards', async () => {
    const { owner, member, threadId } = await pair('receipt');
    const sent: Message[] = [];
    for (let i = 0; i < 3; i++) sent.push(await sendMessage(ts.api, owner, threadId, `r${i}`));
    const unread = async (user: TestUser) =>
      (await ts.api<Page<ThreadSummary>>('GET', '/v1/threads', { auth: user.token })).body.items.find(
        (t) => t.id === threadId,
      )!.unreadCount;
    expect(await unread(member)).toBe(3);

    const path = `/v1/threads/${threadId}/read-receipts`;
    const marked = await ts.api<ReadReceipt>('POST', path, {
      auth: member.token,
      body: { messageId: sent[1]!.id },
    });
    expect(marked.status).toBe(200);
    expect(marked.body).toEqual({
      userId: member.id,
      messageId: sent[1]!.id,
      sequence: 2,
      readAt: expect.any(String),
    });
    expect(await unread(member)).toBe(1);

    const back = await ts.api<ReadReceipt>('POST', path, {
      auth: member.token,
      body: { messageId: sent[0]!.id },
    });
    expect(back.status).toBe(200);
    expect(back.body).toEqual(marked.body);
    expect(await unread(member)).toBe(1);

    const listed = await ts.api<{ items: ReadReceipt[]; nextSkip: number | null }>('GET', path, {
      auth: owner.token,
    });
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({ items: [marked.body], nextSkip: null });

    await ts.api('POST', path, { auth: member.token, body: { messageId: sent[2]!.id } });
    expect(await unread(member)).toBe(0);

    expectError(await ts.api('POST', path, { body: { messageId: sent[2]!.id } }), 403, 'forbidden');
    expectError(
      await ts.api('POST', path, { auth: member.token, body: { messageId: 'msg_nope' } }),
      404,
      'message_not_found',
    );
    expectError(await ts.api('POST', path, { auth: member.token, body: {} }), 400, 'invalid_request');
  });

  it('counts as unread only live text and html messages from others', async () => {
    const { owner, member, threadId } = await pair('unread');
    const unread = async () =>
      (await ts.api<Page<ThreadSummary>>('GET', '/v1/threads', { auth: member.token })).body.items.find(
        (t) => t.id === threadId,
      )!.unreadCount;
    const first = await sendMessage(ts.api, owner, threadId, 'one');
    await sendMessage(ts.api, owner, threadId, '<b>two</b>', { type: 'html' });
    await sendMessage(ts.api, member, threadId, 'mine');
    await ts.api('PATCH', `/v1/threads/${threadId}`, {
      auth: owner.token,
      body: { topic: 'System message' },
    });
    expect(await unread()).toBe(2);
    await ts.api('DELETE', `/v1/threads/${threadId}/messages/${first.id}`, { auth: owner.token });
    expect(await unread()).toBe(1);
  });

  it('accepts typing with 204, from participants only', async () => {
    const { owner, threadId } = await pair('typing');
    const path = `/v1/threads/${threadId}/typing`;
    const first = await ts.api('POST', path, { auth: owner.token });
    expect(first.status).toBe(204);
    expect(first.body).toBeNull();
    expect((await ts.api('POST', path, { auth: owner.token })).status).toBe(204);
    expectError(await ts.api('POST', path), 403, 'forbidden');
  });
});
