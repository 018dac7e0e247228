// Messages: send, list in every direction, edit, delete, and what content comes back.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '@parley/protocol';
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

const page = async (threadId: string, query: string, auth: string) => {
  const response = await ts.api<Page<Message>>('GET', `/v1/threads/${threadId}/messages${query}`, { auth });
  expect(response.status).toBe(200);
  return response.body;
};

describe('sending', () => {
  it('sends text with metadata and a display name, and gets it back', async () => {
    const { owner, member, threadId } = await pair('send');
    const response = await ts.api<Message>('POST', `/v1/threads/${threadId}/messages`, {
      auth: member.token,
      body: { content: 'Hello there', metadata: { ref: 'A-1' }, senderDisplayName: 'Mo from Sales' },
    });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.any(String),
      threadId,
      sequence: 1,
      type: 'text',
      content: 'Hello there',
      senderId: member.id,
      senderDisplayName: 'Mo from Sales',
      metadata: { ref: 'A-1' },
      clientMessageId: null,
      createdAt: expect.any(String),
      editedAt: null,
      deletedAt: null,
    });
    const got = await ts.api<Message>('GET', `/v1/threads/${threadId}/messages/${response.body.id}`, {
      auth: owner.token,
    });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(response.body);

    // Without a display name, the participant's is used.
    const plain = await sendMessage(ts.api, owner, threadId, 'plain');
    expect(plain).toMatchObject({ sequence: 2, senderDisplayName: owner.id, metadata: {} });
    // An API key sends as the service: no sender id.
    const service = await sendMessage(ts.api, null, threadId, 'from the backend', {
      senderDisplayName: 'Bot',
    });
    expect(service).toMatchObject({ sequence: 3, senderId: null, senderDisplayName: 'Bot' });
  });

  it('refuses bad bodies and unknown messages', async () => {
    const { owner, threadId } = await pair('sendbad');
    const path = `/v1/threads/${threadId}/messages`;
    for (const body of [
      {},
      { content: '' },
      { content: 'x', type: 'topicUpdated' },
      { content: 'x', metadata: { k: 1 } },
      { content: 5 },
    ]) {
      expectError(await ts.api('POST', path, { auth: owner.token, body }), 400, 'invalid_request');
    }
    expectError(await ts.api('GET', `${path}/msg_unknown`, { auth: owner.token }), 404, 'message_not_found');
    expect(await allMessages(ts.api, threadId, owner.token)).toEqual([]);
  });
});

describe('listing', () => {
  let owner: TestUser;
  let threadId: string;
  let sent: Message[];

  beforeAll(async () => {
    ({ owner, threadId } = await pair('list'));
    sent = [];
    for (let i = 1; i <= 7; i++) sent.push(await sendMessage(ts.api, owner, threadId, `m${i}`));
  });

  const seqs = (messages: Message[]) => messages.map((m) => m.sequence);

  it('lists newest first by default and continues with nextCursor', async () => {
    const first = await page(threadId, '?limit=3', owner.token);
    expect(seqs(first.items)).toEqual([7, 6, 5]);
    const second = await page(threadId, `?limit=3&cursor=${first.nextCursor}`, owner.token);
    expect(seqs(second.items)).toEqual([4, 3, 2]);
    const third = await page(threadId, `?limit=3&cursor=${second.nextCursor}`, owner.token);
    expect(seqs(third.items)).toEqual([1]);
    expect(third.nextCursor).toBeNull();
    expect((await page(threadId, '', owner.token)).items).toEqual([...sent].reverse());
  });

  it('pages forward from a sequence with after', async () => {
    const first = await page(threadId, '?after=2&limit=3', owner.token);
    expect(seqs(first.items)).toEqual([3, 4, 5]);
    const second = await page(threadId, `?limit=3&cursor=${first.nextCursor}`, owner.token);
    expect(seqs(second.items)).toEqual([6, 7]);
    expect(second.nextCursor).toBeNull();
    expect((await page(threadId, '?after=7', owner.token)).items).toEqual([]);
  });

  it('pages back from a sequence with before', async () => {
    const first = await page(threadId, '?before=6&limit=2', owner.token);
    expect(seqs(first.items)).toEqual([5, 4]);
    const rest = await page(threadId, `?limit=10&cursor=${first.nextCursor}`, owner.token);
    expect(seqs(rest.items)).toEqual([3, 2, 1]);
    expect(rest.nextCursor).toBeNull();
  });

  it('pages forward from a time with startTime', async () => {
    const from = encodeURIComponent(sent[3]!.createdAt);
    const first = await page(threadId, `?startTime=${from}&limit=2`, owner.token);
    expect(seqs(first.items)).toEqual([4, 5]);
    const rest = await page(threadId, `?limit=2&cursor=${first.nextCursor}`, owner.token);
    expect(seqs(rest.items)).toEqual([6, 7]);
    expect(
      (await page(threadId, `?startTime=${encodeURIComponent(sent[6]!.createdAt)}&limit=2`, owner.token))
        .nextCursor,
    ).toBeNull();
  });

  it('rejects contradictory or out-of-range paging', async () => {
    const auth = owner.token;
    for (const query of [
      '?after=1&before=5',
      '?after=1&startTime=2020-01-01T00:00:00Z',
      '?limit=0',
      '?limit=201',
      '?after=-1',
      '?before=0',
      '?startTime=soon',
      '?cursor=%21%21',
      '?cursor=e30',
    ]) {
      expectError(
        await ts.api('GET', `/v1/threads/${threadId}/messages${query}`, { auth }),
        400,
        'invalid_request',
      );
    }
  });
});

describe('editing and deleting', () => {
  it('lets the sender edit; sets editedAt; others and system messages are refused', async () => {
    const { owner, member, threadId } = await pair('edit');
    const message = await sendMessage(ts.api, member, threadId, 'tpyo');
    const path = `/v1/threads/${threadId}/messages/${message.id}`;
    const edited = await ts.api<Message>('PATCH', path, {
      auth: member.token,
      body: { content: 'typo', metadata: { fixed: 'yes' } },
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      id: message.id,
      sequence: message.sequence,
      content: 'typo',
      metadata: { fixed: 'yes' },
    });
    expect(edited.body.editedAt).not.toBeNull();
    expect(edited.body.editedAt! > message.createdAt).toBe(true);
    expect((await ts.api<Message>('GET', path, { auth: owner.token })).body).toEqual(edited.body);

    // Even an owner cannot put words in someone else's mouth.
    expectError(
      await ts.api('PATCH', path, { auth: owner.token, body: { content: 'hijacked' } }),
      403,
      'forbidden',
    );
    expectError(await ts.api('PATCH', path, { auth: member.token, body: {} }), 400, 'invalid_request');

    await ts.api('PATCH', `/v1/threads/${threadId}`, { auth: owner.token, body: { topic: 'New topic' } });
    const system = (await allMessages(ts.api, threadId, owner.token)).find((m) => m.type === 'topicUpdated')!;
    expectError(
      await ts.api('PATCH', `/v1/threads/${threadId}/messages/${system.id}`, {
        auth: owner.token,
        body: { content: 'x' },
      }),
      403,
      'forbidden',
    );
    expectError(
      await ts.api('PATCH', `/v1/threads/${threadId}/messages/msg_nope`, {
        auth: owner.token,
        body: { content: 'x' },
      }),
      404,
      'message_not_found',
    );
    expect((await ts.api<Message>('GET', path, { auth: owner.token })).body.content).toBe('typo');
  });

  it('deletes by sender or owner: content cleared, deletedAt set; others refused', async () => {
    const [owner, alice, bob] = (await makeUsers(ts.api, 'del', 3)) as [TestUser, TestUser, TestUser];
    const thread = await makeThread(ts.api, owner, [alice.id, bob.id]);
    const byAlice = await sendMessage(ts.api, alice, thread.id, 'secret 1', { metadata: { k: 'v' } });
    const byAlice2 = await sendMessage(ts.api, alice, thread.id, 'secret 2');
    const path = (id: string) => `/v1/threads/${thread.id}/messages/${id}`;

    expectError(await ts.api('DELETE', path(byAlice.id), { auth: bob.token }), 403, 'forbidden');
    expect((await ts.api<Message>('GET', path(byAlice.id), { auth: bob.token })).body.content).toBe(
      'secret 1',
    );

    expect((await ts.api('DELETE', path(byAlice.id), { auth: alice.token })).status).toBe(204);
    const deleted = await ts.api<Message>('GET', path(byAlice.id), { auth: bob.token });
    expect(deleted.body).toMatchObject({ id: byAlice.id, sequence: byAlice.sequence, content: '' });
    expect(deleted.body.deletedAt).not.toBeNull();
    expect(JSON.stringify(await allMessages(ts.api, thread.id, bob.token))).not.toContain('secret 1');
    // Twice is a no-op; editing a deleted message is a conflict.
    expect((await ts.api('DELETE', path(byAlice.id), { auth: alice.token })).status).toBe(204);
    expectError(
      await ts.api('PATCH', path(byAlice.id), { auth: alice.token, body: { content: 'back' } }),
      409,
      'message_deleted',
    );

    expect((await ts.api('DELETE', path(byAlice2.id), { auth: owner.token })).status).toBe(204);
    expect((await ts.api<Message>('GET', path(byAlice2.id), { auth: alice.token })).body.content).toBe('');
    expectError(await ts.api('DELETE', path('msg_nope'), { auth: owner.token }), 404, 'message_not_found');
  });
});

describe('content', () => {
  const xss: [string, string[]][] = [
    ['<p>Hi <b>bold</b></p><script>alert(1)</script>', ['<script', 'alert(1)']],
    ['<i>pic</i><img src=x onerror=alert(1)>', ['<img', 'onerror']],
    ['<a href="javascript:alert(1)">click</a>', ['javascript:']],
    ['<a href="JaVaScRiPt:alert(1)">click</a>', ['javascript:']],
    ['<a href="  javascript:alert(1)">click</a>', ['javascript:']],
    ['<em>video</em><iframe src="https://evil.example/"></iframe>', ['<iframe', 'evil.example']],
    ['<b onclick="steal()">hover</b>', ['onclick', 'steal']],
    ['<svg onload=alert(1)><circle/></svg><u>u</u>', ['<svg', 'onload']],
    ['<div style="background:url(javascript:alert(1))">styled</div>', ['style=', 'javascript:']],
    ['<p>text</p><object data="x.swf"></object><embed src="x.swf">', ['<object', '<embed']],
    ['<form action="https://evil.example"><input name="p"></form><b>f</b>', ['<form', '<input']],
    ['<a href="data:text/html;base64,PHNjcmlwdD4=">d</a>', ['data:']],
    ['<style>body{display:none}</style><b>s</b>', ['<style', 'display:none']],
  ];

  it('sanitizes html messages on send and on edit, keeping allowed formatting', async () => {
    const { owner, member, threadId } = await pair('xss');
    for (const [payload, forbidden] of xss) {
      const message = await sendMessage(ts.api, member, threadId, payload, { type: 'html' });
      expect(message.type).toBe('html');
      const stored = (
        await ts.api<Message>('GET', `/v1/threads/${threadId}/messages/${message.id}`, { auth: owner.token })
      ).body;
      for (const content of [message.content, stored.content]) {
        for (const bad of forbidden) expect(content.toLowerCase(), payload).not.toContain(bad.toLowerCase());
        expect(content).not.toMatch(/\son\w+\s*=/i);
      }
    }

    const rich =
      '<p><b>bold</b> <i>it</i> <em>em</em> <code>x &lt; y</code></p><ul><li>one</li></ul>' +
      '<blockquote>q</blockquote><a href="https://example.com/x">link</a>';
    const kept = await sendMessage(ts.api, member, threadId, rich, { type: 'html' });
    for (const part of [
      '<b>bold</b>',
      '<i>it</i>',
      '<em>em</em>',
      '<code>x &lt; y</code>',
      '<ul><li>one</li></ul>',
      '<blockquote>q</blockquote>',
    ]) {
      expect(kept.content).toContain(part);
    }
    expect(kept.content).toMatch(
      /<a href="https:\/\/example\.com\/x"[^>]*rel="noopener noreferrer nofollow"[^>]*>link<\/a>/,
    );

    const edited = await ts.api<Message>('PATCH', `/v1/threads/${threadId}/messages/${kept.id}`, {
      auth: member.token,
      body: { content: '<b>ok</b><script>alert(2)</script><img src=x onerror=alert(2)>' },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.content).toBe('<b>ok</b>');

    expectError(
      await ts.api('POST', `/v1/threads/${threadId}/messages`, {
        auth: member.token,
        body: { type: 'html', content: '<script>alert(1)</script>' },
      }),
      400,
      'invalid_request',
    );
  });

  it('stores text messages verbatim: escaping is the client job', async () => {
    const { owner, member, threadId } = await pair('text');
    const raw = `<script>alert("x")</script> & <b>not bold</b> 'quoted' — ünïcödé 😀 \\n`;
    const message = await sendMessage(ts.api, member, threadId, raw);
    expect(message.content).toBe(raw);
    const stored = await ts.api<Message>('GET', `/v1/threads/${threadId}/messages/${message.id}`, {
      auth: owner.token,
    });
    expect(stored.body.content).toBe(raw);
    expect((await page(threadId, '', owner.token)).items[0]!.content).toBe(raw);
  });
});
