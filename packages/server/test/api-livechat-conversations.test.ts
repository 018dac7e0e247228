// The visitor's side of live-chat conversations over REST and WebSocket: start, resume, rate, queue, thread.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CONVERSATION_STATUS_METADATA_KEY,
  type Conversation,
  type Message,
  type ServerFrame,
  type Thread,
} from '@parley/protocol';
import { allMessages, expectError, useTestServer } from './support/fixtures.js';
import { TestSocket } from './support/ws-client.js';
import {
  conversationAction,
  conversationOf,
  createAgent,
  createWidget,
  eventually,
  fromSite,
  manyVisitorRequests,
  registerVisitor,
  SITE,
  startConversation,
  visitorWithConversation,
  type Widget,
} from './support/livechat.js';

const ts = useTestServer((config) => {
  manyVisitorRequests(config);
  config.geoHeader = 'CF-IPCountry';
});

const statusOf = async (threadId: string): Promise<string | undefined> =>
  (await ts.api<Thread>('GET', `/v1/threads/${threadId}`)).body.metadata[CONVERSATION_STATUS_METADATA_KEY];

describe('starting a conversation', () => {
  let widget: Widget;
  beforeAll(async () => {
    widget = await createWidget(ts.api);
  });

  it('starts one conversation, then resumes it (200) until it is resolved', async () => {
    const visitor = await registerVisitor(ts.api, widget);
    const path = `/v1/widget/${widget.key}/conversations`;
    const first = await fromSite<Conversation>(ts.api, 'POST', path, {
      token: visitor.accessToken,
      body: { answers: { name: 'Ann' }, page: { url: 'https://shop.example/cart', title: 'Cart' } },
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      organizationId: widget.org.id,
      departmentId: null,
      visitorId: visitor.visitorId,
      source: 'chat',
      status: 'pending',
      agentId: null,
      queuePosition: 1,
      answers: { name: 'Ann' },
      page: { url: 'https://shop.example/cart', title: 'Cart' },
      rating: null,
    });
    expect(first.body.id).toMatch(/^cnv_/);
    const again = await fromSite<Conversation>(ts.api, 'POST', path, {
      token: visitor.accessToken,
      body: {},
    });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);

    expect((await conversationAction(ts.api, widget, first.body.id, 'resolve')).status).toBe(200);
    const next = await fromSite<Conversation>(ts.api, 'POST', path, {
      token: visitor.accessToken,
      body: { answers: { name: 'Ann' } },
    });
    expect(next.status).toBe(201);
    expect(next.body.id).not.toBe(first.body.id);
  });

  it('keeps exactly one open conversation under 50 concurrent starts', async () => {
    const visitor = await registerVisitor(ts.api, widget);
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        fromSite<Conversation>(ts.api, 'POST', `/v1/widget/${widget.key}/conversations`, {
          token: visitor.accessToken,
          body: { answers: { name: 'Racer' } },
        }),
      ),
    );
    expect(
      responses.filter((r) => r.status !== 200 && r.status !== 201).map((r) => JSON.stringify(r.body)),
    ).toEqual([]);
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(49);
    const ids = new Set(responses.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    const [id] = [...ids] as [string];
    const listed = await ts.api<{ items: Conversation[] }>(
      'GET',
      `/v1/organizations/${widget.org.id}/conversations?limit=100`,
    );
    expect(listed.body.items.filter((c) => c.visitorId === visitor.visitorId).map((c) => c.id)).toEqual([id]);
    // One thread, with the visitor as its only participant.
    const thread = await ts.api<Thread>('GET', `/v1/threads/${id}`, { auth: visitor.accessToken });
    expect(thread.status).toBe(200);
    const participants = await ts.api<{ items: { userId: string }[] }>(
      'GET',
      `/v1/threads/${id}/participants`,
    );
    expect(participants.body.items.map((p) => p.userId)).toEqual([visitor.visitorId]);
  });

  it('checks the answers against the pre-chat form', async () => {
    const form = await createWidget(ts.api, {
      preChatForm: [
        { key: 'name', label: 'Name', type: 'name', required: true },
        { key: 'email', label: 'Email', type: 'email', required: false },
        { key: 'order', label: 'Order', type: 'text', required: true },
      ],
    });
    const visitor = await registerVisitor(ts.api, form);
    const start = (answers: Record<string, string>) =>
      fromSite(ts.api, 'POST', `/v1/widget/${form.key}/conversations`, {
        token: visitor.accessToken,
        body: { answers },
      });
    const refusals: [Record<string, string>, string][] = [
      [{ order: '42' }, 'answers.name'],
      [{ name: '   ', order: '42' }, 'answers.name'],
      [{ name: 'Bo' }, 'answers.order'],
      [{ name: 'Bo', order: '42', colour: 'red' }, 'answers.colour'],
      [{ name: 'Bo', order: '42', email: 'not-an-email' }, 'answers.email'],
    ];
    for (const [answers, field] of refusals) {
      const res = await start(answers);
      expectError(res, 400, 'invalid_request');
      expect(res.body, JSON.stringify(answers)).toMatchObject({ error: { field } });
    }
    // Nothing was started by the refused attempts.
    expectError(
      await fromSite(ts.api, 'GET', `/v1/widget/${form.key}/conversations/current`, {
        token: visitor.accessToken,
      }),
      404,
      'conversation_not_found',
    );
    const ok = await start({ name: '  Bo Peep ', order: '42', email: 'bo@example.com' });
    expect(ok.status).toBe(201);
    // The name answer renames the visitor, and titles the thread.
    const user = await ts.api<{ displayName: string }>('GET', `/v1/users/${visitor.visitorId}`);
    expect(user.body.displayName).toBe('Bo Peep');
    const thread = await ts.api<Thread>('GET', `/v1/threads/${(ok.body as Conversation).id}`);
    expect(thread.body.topic).toBe('Bo Peep');
  });

  it('returns the current conversation, and 404 before any', async () => {
    const visitor = await registerVisitor(ts.api, widget);
    const current = `/v1/widget/${widget.key}/conversations/current`;
    expectError(
      await fromSite(ts.api, 'GET', current, { token: visitor.accessToken }),
      404,
      'conversation_not_found',
    );
    const started = await startConversation(ts.api, widget, visitor);
    const got = await fromSite<Conversation>(ts.api, 'GET', current, { token: visitor.accessToken });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: started.id, status: 'pending' });
    await conversationAction(ts.api, widget, started.id, 'resolve');
    const resolved = await fromSite<Conversation>(ts.api, 'GET', current, { token: visitor.accessToken });
    expect(resolved.body).toMatchObject({ id: started.id, status: 'resolved', queuePosition: null });
  });

  it('refuses other widgets’ visitors, other origins, and no token', async () => {
    const other = await createWidget(ts.api);
    const stranger = await registerVisitor(ts.api, other);
    const path = `/v1/widget/${widget.key}/conversations`;
    const body = { answers: { name: 'X' } };
    expectError(
      await fromSite(ts.api, 'POST', path, { token: stranger.accessToken, body }),
      403,
      'forbidden',
    );
    const visitor = await registerVisitor(ts.api, widget);
    expectError(
      await fromSite(ts.api, 'POST', path, {
        token: visitor.accessToken,
        body,
        origin: 'https://evil.example',
      }),
      403,
      'origin_not_allowed',
    );
    expectError(
      await fromSite(ts.api, 'GET', `${path}/current`, {
        token: visitor.accessToken,
        origin: 'https://evil.example',
      }),
      403,
      'origin_not_allowed',
    );
    expect((await fromSite(ts.api, 'POST', path, { body })).status).toBe(401);
    // A user who is no visitor (an agent) cannot start one either.
    const agent = await createAgent(ts.api, widget, { status: 'offline' });
    expectError(await fromSite(ts.api, 'POST', path, { token: agent.token, body }), 403, 'forbidden');
    expectError(
      await fromSite(ts.api, 'POST', path, {
        token: visitor.accessToken,
        body: { ...body, departmentId: 'dep_x' },
      }),
      404,
      'department_not_found',
    );
  });
});

describe('rating', () => {
  let widget: Widget;
  beforeAll(async () => {
    widget = await createWidget(ts.api);
  });

  it('rates 1 to 5 with a comment, replaces a rating, and refuses 0 and 6', async () => {
    const { visitor, conversation } = await visitorWithConversation(ts.api, widget);
    const rate = (body: unknown, token = visitor.accessToken, id = conversation.id) =>
      fromSite<Conversation>(ts.api, 'POST', `/v1/widget/${widget.key}/conversations/${id}/rating`, {
        token,
        body,
      });
    for (const score of [0, 6, 2.5]) expectError(await rate({ score }), 400, 'invalid_request');
    expectError(await rate({ score: 3, comment: 'x'.repeat(1001) }), 400, 'invalid_request');
    const first = await rate({ score: 5, comment: 'Great' });
    expect(first.status).toBe(200);
    expect(first.body.rating).toMatchObject({ score: 5, comment: 'Great', ratedAt: expect.any(String) });
    const second = await rate({ score: 1 });
    expect(second.body.rating).toMatchObject({ score: 1, comment: '' });
    expect((await conversationOf(ts.api, widget, conversation.id)).rating).toMatchObject({ score: 1 });

    // Someone else's conversation, or an unknown id: not found; another widget's visitor: forbidden.
    const other = await registerVisitor(ts.api, widget);
    expectError(await rate({ score: 4 }, other.accessToken), 404, 'conversation_not_found');
    expectError(await rate({ score: 4 }, visitor.accessToken, 'cnv_nope'), 404, 'conversation_not_found');
    const elsewhere = await registerVisitor(ts.api, await createWidget(ts.api));
    expectError(await rate({ score: 4 }, elsewhere.accessToken), 403, 'forbidden');
    expect((await conversationOf(ts.api, widget, conversation.id)).rating).toMatchObject({ score: 1 });
  });

  it('rates a resolved conversation', async () => {
    const { visitor, conversation } = await visitorWithConversation(ts.api, widget);
    await conversationAction(ts.api, widget, conversation.id, 'resolve');
    const res = await fromSite<Conversation>(
      ts.api,
      'POST',
      `/v1/widget/${widget.key}/conversations/${conversation.id}/rating`,
      { token: visitor.accessToken, body: { score: 4, comment: 'ok' } },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'resolved', rating: { score: 4, comment: 'ok' } });
  });
});

describe('queue positions', () => {
  it('numbers waiting visitors 1, 2, 3 and tells them on the WebSocket as the queue moves', async () => {
    const widget = await createWidget(ts.api);
    const waiting = [];
    for (let i = 0; i < 3; i++) waiting.push(await visitorWithConversation(ts.api, widget));
    expect(waiting.map((w) => w.conversation.queuePosition)).toEqual([1, 2, 3]);
    const current = await Promise.all(
      waiting.map(async (w) => {
        const res = await fromSite<Conversation>(
          ts.api,
          'GET',
          `/v1/widget/${widget.key}/conversations/current`,
          {
            token: w.visitor.accessToken,
          },
        );
        return res.body.queuePosition;
      }),
    );
    expect(current).toEqual([1, 2, 3]);

    const third = waiting[2]!;
    const socket = await TestSocket.connect(ts.wsUrl, third.visitor.accessToken);
    try {
      // An agent who takes one chat: the first is served, the others move up.
      const agent = await createAgent(ts.api, widget, { maxChats: 1 });
      const frame = await socket.next((f) => f.type === 'queue' && f.position === 2);
      expect(frame).toMatchObject({ type: 'queue', threadId: third.conversation.id, position: 2 });
      expect((await conversationOf(ts.api, widget, waiting[0]!.conversation.id)).agentId).toBe(agent.id);
      expect((await conversationOf(ts.api, widget, third.conversation.id)).queuePosition).toBe(2);
      // Resolving the first frees the agent: the second is served, the third is next.
      await conversationAction(ts.api, widget, waiting[0]!.conversation.id, 'resolve');
      await socket.next((f) => f.type === 'queue' && f.position === 1);
      expect((await conversationOf(ts.api, widget, waiting[1]!.conversation.id)).agentId).toBe(agent.id);
      // Only this visitor's thread: never another visitor's position.
      const queueFrames = socket.frames.filter(
        (f): f is Extract<ServerFrame, { type: 'queue' }> => f.type === 'queue',
      );
      expect(queueFrames.every((f) => f.threadId === third.conversation.id)).toBe(true);
    } finally {
      socket.close();
    }
  });

  it('tells a visitor connected before starting their position on the new thread', async () => {
    const widget = await createWidget(ts.api);
    await visitorWithConversation(ts.api, widget);
    const visitor = await registerVisitor(ts.api, widget);
    const socket = await TestSocket.connect(ts.wsUrl, visitor.accessToken);
    try {
      const conversation = await startConversation(ts.api, widget, visitor);
      expect(conversation.queuePosition).toBe(2);
      await createAgent(ts.api, widget, { maxChats: 1 });
      const frame = await socket.next((f) => f.type === 'queue' && f.position === 1);
      expect(frame).toMatchObject({ threadId: conversation.id });
    } finally {
      socket.close();
    }
  });
});

describe('the conversation thread', () => {
  it('carries visitor and agent messages, live, and shows the status in its metadata', async () => {
    const widget = await createWidget(ts.api);
    const { visitor, conversation } = await visitorWithConversation(ts.api, widget);
    const id = conversation.id;
    expect(await statusOf(id)).toBe('pending');
    const post = (token: string, content: string) =>
      ts.api<Message>('POST', `/v1/threads/${id}/messages`, { auth: token, body: { content } });
    expect((await post(visitor.accessToken, 'Hello, anyone?')).status).toBe(201);

    const agent = await createAgent(ts.api, widget);
    expect((await conversationOf(ts.api, widget, id)).agentId).toBe(agent.id);
    expect(await statusOf(id)).toBe('open');
    // The agent reads what the visitor wrote while waiting.
    expect((await allMessages(ts.api, id, agent.token)).map((m) => m.content)).toContain('Hello, anyone?');

    const socket = await TestSocket.connect(ts.wsUrl, visitor.accessToken);
    try {
      expect((await post(agent.token, 'Hi, how can I help?')).status).toBe(201);
      const live = await socket.next(
        (f) => f.type === 'message.created' && 'message' in f && f.message.content === 'Hi, how can I help?',
      );
      expect(live).toMatchObject({ threadId: id });
      const replied = await conversationOf(ts.api, widget, id);
      expect(replied.firstAgentReplyAt).not.toBeNull();

      await conversationAction(ts.api, widget, id, 'snooze', {
        body: { until: new Date(Date.now() + 3_600_000).toISOString() },
      });
      expect(await statusOf(id)).toBe('open');
      await conversationAction(ts.api, widget, id, 'resolve');
      expect(await statusOf(id)).toBe('resolved');
      await socket.next(
        (f) =>
          f.type === 'thread.updated' &&
          'thread' in f &&
          f.thread.metadata[CONVERSATION_STATUS_METADATA_KEY] === 'resolved',
      );
      // The visitor writing again reopens it: pending, then routed to the agent.
      expect((await post(visitor.accessToken, 'One more thing')).status).toBe(201);
      const reopened = await eventually(
        () => conversationOf(ts.api, widget, id),
        (c) => c.status === 'open',
      );
      expect(reopened.agentId).toBe(agent.id);
      expect(await statusOf(id)).toBe('open');
    } finally {
      socket.close();
    }
  });

  it('lets neither the visitor nor the agent change participants or metadata', async () => {
    const widget = await createWidget(ts.api);
    const { visitor, conversation } = await visitorWithConversation(ts.api, widget);
    const agent = await createAgent(ts.api, widget);
    const other = await registerVisitor(ts.api, widget);
    const id = conversation.id;
    for (const token of [visitor.accessToken, agent.token]) {
      expectError(
        await ts.api('POST', `/v1/threads/${id}/participants`, {
          auth: token,
          body: { participants: [{ userId: other.visitorId }] },
        }),
        403,
        'forbidden',
      );
      expectError(
        await ts.api('PATCH', `/v1/threads/${id}`, {
          auth: token,
          body: { metadata: { [CONVERSATION_STATUS_METADATA_KEY]: 'resolved' } },
        }),
        403,
        'forbidden',
      );
      expectError(
        await ts.api('PATCH', `/v1/threads/${id}`, { auth: token, body: { topic: 'mine' } }),
        403,
        'forbidden',
      );
    }
    expectError(
      await ts.api('DELETE', `/v1/threads/${id}/participants/${agent.id}`, { auth: visitor.accessToken }),
      403,
      'forbidden',
    );
    expect(await statusOf(id)).toBe('open');
    // Another visitor does not even see the thread.
    expectError(
      await ts.api('POST', `/v1/threads/${id}/messages`, {
        auth: other.accessToken,
        body: { content: 'hi' },
      }),
      404,
      'thread_not_found',
    );
  });
});

describe("the visitor's client", () => {
  let widget: Widget;
  beforeAll(async () => {
    widget = await createWidget(ts.api);
  });
  const CHROME =
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
  const start = async (body: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const visitor = await registerVisitor(ts.api, widget);
    return ts.api<Conversation>('POST', `/v1/widget/${widget.key}/conversations`, {
      auth: visitor.accessToken,
      headers: { origin: SITE, ...headers },
      body: { answers: { name: 'Ann' }, ...body },
    });
  };

  it('records the user agent and language from the headers, the time zone and location from the body', async () => {
    const res = await start(
      { client: { timeZone: 'America/Argentina/Buenos_Aires', location: '  Lyon, France ' } },
      {
        'user-agent': `  ${CHROME}  `,
        'accept-language': 'fr-FR,fr;q=0.9,en;q=0.8',
        'cf-ipcountry': 'FR',
      },
    );
    expect(res.status).toBe(201);
    const client = {
      userAgent: CHROME,
      language: 'fr-FR',
      timeZone: 'America/Argentina/Buenos_Aires',
      location: 'Lyon, France',
      geo: 'FR',
    };
    expect(res.body.client).toEqual(client);
    // Stored: the agents' API reads it back.
    const read = await ts.api<Conversation>(
      'GET',
      `/v1/organizations/${widget.org.id}/conversations/${res.body.id}`,
    );
    expect(read.body.client).toEqual(client);
  });

  it('cuts a long user agent, and leaves out what was not given', async () => {
    const res = await start({}, { 'user-agent': 'x'.repeat(2000), 'accept-language': '*' });
    expect(res.status).toBe(201);
    expect(res.body.client).toEqual({
      userAgent: 'x'.repeat(512),
      language: null,
      timeZone: null,
      location: null,
      geo: null,
    });
  });

  it('refuses a bad time zone or location, and never takes the user agent from the body', async () => {
    const refusals: [unknown, string][] = [
      [{ timeZone: 'Europe/Paris; DROP' }, 'client.timeZone'],
      [{ timeZone: 'x'.repeat(65) }, 'client.timeZone'],
      [{ timeZone: '' }, 'client.timeZone'],
      [{ location: 'Lyon\nFrance' }, 'client.location'],
      [{ location: 'x'.repeat(201) }, 'client.location'],
      [{ location: 42 }, 'client.location'],
      [{ userAgent: 'Trust me' }, 'client.userAgent'],
      [{ language: 'en' }, 'client.language'],
    ];
    for (const [client, field] of refusals) {
      const res = await start({ client }, { 'user-agent': CHROME });
      expectError(res, 400, 'invalid_request');
      expect(res.body, JSON.stringify(client)).toEqual({
        error: { code: 'invalid_request', message: expect.any(String), field },
      });
    }
  });
});
