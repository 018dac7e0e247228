// Private notes, labels and canned responses through the API; notes never reach the visitor's wire.
import { describe, expect, it } from 'vitest';
import type { CannedResponse, Conversation, LabelList, Note } from '@parley/protocol';
import { expectError, useTestServer, type Page } from './support/fixtures.js';
import { TestSocket } from './support/ws-client.js';
import {
  conversationAction,
  createAgent,
  createWidget,
  fromSite,
  manyVisitorRequests,
  visitorWithConversation,
  type Widget,
} from './support/livechat.js';

const ts = useTestServer(manyVisitorRequests);

const notesPath = (w: Widget, id: string) => `/v1/organizations/${w.org.id}/conversations/${id}/notes`;
const cannedPath = (w: Widget) => `/v1/organizations/${w.org.id}/canned-responses`;

describe('private notes', () => {
  it('reach the organization’s agents live and never the visitor’s connection', async () => {
    const widget = await createWidget(ts.api);
    const agent = await createAgent(ts.api, widget);
    const colleague = await createAgent(ts.api, widget, { status: 'offline' });
    const { visitor, conversation } = await visitorWithConversation(ts.api, widget);
    expect(conversation.agentId).toBe(agent.id);
    const visitorSocket = await TestSocket.connect(ts.wsUrl, visitor.accessToken);
    const colleagueSocket = await TestSocket.connect(ts.wsUrl, colleague.token);

    const posted = await ts.api<Note>('POST', notesPath(widget, conversation.id), {
      auth: agent.token,
      body: { content: 'VIP customer, <b>be nice</b>' },
    });
    expect(posted.status).toBe(201);
    expect(posted.body).toMatchObject({ conversationId: conversation.id, authorId: agent.id });
    const live = await colleagueSocket.next((f) => f.type === 'note');
    expect(live).toMatchObject({ type: 'note', organizationId: widget.org.id, note: { id: posted.body.id } });

    // The visitor writes after the note; once their own message is back, nothing of the note came before it.
    const sent = await fromSite(ts.api, 'POST', `/v1/threads/${conversation.id}/messages`, {
      token: visitor.accessToken,
      body: { content: 'still there?' },
    });
    expect(sent.status).toBe(201);
    await visitorSocket.next((f) => f.type === 'message.created');
    const wire = JSON.stringify(visitorSocket.frames);
    expect(wire).not.toContain('VIP customer');
    expect(visitorSocket.frames.some((f) => f.type === 'note')).toBe(false);
    // Nor in the thread's history.
    const history = await ts.api<{ items: { content: string }[] }>(
      'GET',
      `/v1/threads/${conversation.id}/messages`,
    );
    expect(history.body.items.map((m) => m.content)).not.toContain('VIP customer, <b>be nice</b>');
    // The visitor cannot read or write notes.
    expectError(
      await ts.api('GET', notesPath(widget, conversation.id), { auth: visitor.accessToken }),
      404,
      'organization_not_found',
    );

    const listed = await ts.api<Note[]>('GET', notesPath(widget, conversation.id), { auth: colleague.token });
    expect(listed.body.map((n) => n.content)).toEqual(['VIP customer, <b>be nice</b>']);
    visitorSocket.close();
    colleagueSocket.close();
  });

  it('refuses empty notes and other organizations’ conversations', async () => {
    const widget = await createWidget(ts.api);
    const other = await createWidget(ts.api);
    const agent = await createAgent(ts.api, widget);
    const { conversation } = await visitorWithConversation(ts.api, other);
    expectError(
      await ts.api('POST', notesPath(widget, conversation.id), { auth: agent.token, body: { content: 'x' } }),
      404,
      'conversation_not_found',
    );
    const mine = (await visitorWithConversation(ts.api, widget)).conversation;
    expectError(
      await ts.api('POST', notesPath(widget, mine.id), { auth: agent.token, body: { content: '' } }),
      400,
      'invalid_request',
    );
  });
});

describe('labels', () => {
  it('are replaced, sorted and deduplicated, and filter the list', async () => {
    const widget = await createWidget(ts.api);
    const agent = await createAgent(ts.api, widget);
    const a = (await visitorWithConversation(ts.api, widget)).conversation;
    const b = (await visitorWithConversation(ts.api, widget)).conversation;
    const put = (id: string, labels: unknown) =>
      ts.api<Conversation>('PUT', `/v1/organizations/${widget.org.id}/conversations/${id}/labels`, {
        auth: agent.token,
        body: { labels },
      });
    expect((await put(a.id, ['vip', 'billing'])).body.labels).toEqual(['billing', 'vip']);
    expect((await put(b.id, ['billing'])).body.labels).toEqual(['billing']);
    const list = (label: string) =>
      ts.api<Page<Conversation>>(
        'GET',
        `/v1/organizations/${widget.org.id}/conversations?label=${encodeURIComponent(label)}`,
      );
    expect((await list('vip')).body.items.map((c) => c.id)).toEqual([a.id]);
    expect((await list('billing')).body.items.map((c) => c.id).sort()).toEqual([a.id, b.id].sort());
    expect((await put(a.id, [])).body.labels).toEqual([]);
    expect((await list('vip')).body.items).toEqual([]);
    // One visitor's conversations, for the visitor panel.
    const own = await ts.api<Page<Conversation>>(
      'GET',
      `/v1/organizations/${widget.org.id}/conversations?visitorId=${a.visitorId}`,
    );
    expect(own.body.items.map((c) => c.id)).toEqual([a.id]);
    expectError(await put(a.id, ['has\nnewline']), 400, 'invalid_request');
    expectError(await put(a.id, [' padded']), 400, 'invalid_request');
    expectError(
      await put(
        a.id,
        Array.from({ length: 21 }, (_, i) => `l${i}`),
      ),
      400,
      'invalid_request',
    );
  });
});

describe('the organization’s labels', () => {
  it('are listed with their counts over every status, most used first, to its agents only', async () => {
    const widget = await createWidget(ts.api);
    const agent = await createAgent(ts.api, widget, { maxChats: 10 });
    const labelsPath = `/v1/organizations/${widget.org.id}/labels`;
    const list = (auth?: string, path = labelsPath) =>
      ts.api<LabelList>('GET', path, { ...(auth !== undefined && { auth }) });
    expect((await list(agent.token)).body).toEqual({ items: [] });

    const put = (id: string, labels: string[]) =>
      ts.api<Conversation>('PUT', `/v1/organizations/${widget.org.id}/conversations/${id}/labels`, {
        auth: agent.token,
        body: { labels },
      });
    const [a, b, c] = [
      (await visitorWithConversation(ts.api, widget)).conversation,
      (await visitorWithConversation(ts.api, widget)).conversation,
      (await visitorWithConversation(ts.api, widget)).conversation,
    ];
    expect((await put(a!.id, ['vip', 'billing', 'zeta'])).status).toBe(200);
    expect((await put(b!.id, ['billing', 'vip'])).status).toBe(200);
    expect((await put(c!.id, ['billing', 'alpha'])).status).toBe(200);
    // A resolved conversation's labels still count.
    const resolved = await conversationAction(ts.api, widget, c!.id, 'resolve');
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    // Another organization's labels never mix in.
    const other = await createWidget(ts.api);
    const otherAgent = await createAgent(ts.api, other);
    const elsewhere = (await visitorWithConversation(ts.api, other)).conversation;
    const tagged = await ts.api(
      'PUT',
      `/v1/organizations/${other.org.id}/conversations/${elsewhere.id}/labels`,
      {
        auth: otherAgent.token,
        body: { labels: ['billing', 'elsewhere'] },
      },
    );
    expect(tagged.status).toBe(200);

    const expected = {
      items: [
        { name: 'billing', count: 3 },
        { name: 'vip', count: 2 },
        { name: 'alpha', count: 1 },
        { name: 'zeta', count: 1 },
      ],
    };
    expect((await list(agent.token)).body).toEqual(expected);
    expect((await list()).body).toEqual(expected);
    expect((await list(otherAgent.token, `/v1/organizations/${other.org.id}/labels`)).body).toEqual({
      items: [
        { name: 'billing', count: 1 },
        { name: 'elsewhere', count: 1 },
      ],
    });

    // Removing a label from a conversation lowers its count; at zero it is gone. Ties go by name.
    expect((await put(a!.id, ['vip'])).status).toBe(200);
    expect((await list(agent.token)).body).toEqual({
      items: [
        { name: 'billing', count: 2 },
        { name: 'vip', count: 2 },
        { name: 'alpha', count: 1 },
      ],
    });

    // Another organization's agent, and a visitor, are refused like an unknown organization.
    expectError(await list(otherAgent.token), 404, 'organization_not_found');
    const { visitor } = await visitorWithConversation(ts.api, widget);
    expectError(await list(visitor.accessToken), 404, 'organization_not_found');
    expectError(await list(undefined, '/v1/organizations/org_unknown/labels'), 404, 'organization_not_found');
  });
});

describe('canned responses', () => {
  it('are managed by admins, read by agents, with unique shortcuts', async () => {
    const widget = await createWidget(ts.api);
    const agent = await createAgent(ts.api, widget);
    const create = (body: unknown, auth?: string) =>
      ts.api<CannedResponse>('POST', cannedPath(widget), { body, ...(auth !== undefined && { auth }) });
    const hello = await create({ shortcut: 'hello', content: 'Hello! How can I help?' });
    expect(hello.status).toBe(201);
    await create({ shortcut: 'bye', content: 'Have a nice day.' });
    expectError(await create({ shortcut: 'hello', content: 'again' }), 400, 'invalid_request');
    expectError(await create({ shortcut: 'Has Space', content: 'x' }), 400, 'invalid_request');
    expectError(await create({ shortcut: 'mine', content: 'x' }, agent.token), 403, 'forbidden');

    const listed = await ts.api<CannedResponse[]>('GET', cannedPath(widget), { auth: agent.token });
    expect(listed.body.map((c) => c.shortcut)).toEqual(['bye', 'hello']);

    const one = `${cannedPath(widget)}/${hello.body.id}`;
    const changed = await ts.api<CannedResponse>('PATCH', one, { body: { content: 'Hi there!' } });
    expect(changed.body).toMatchObject({ shortcut: 'hello', content: 'Hi there!' });
    expectError(await ts.api('PATCH', one, { body: { shortcut: 'bye' } }), 400, 'invalid_request');
    expect((await ts.api('DELETE', one)).status).toBe(204);
    expectError(await ts.api('DELETE', one), 404, 'canned_response_not_found');
    const other = await createWidget(ts.api);
    expect((await ts.api<CannedResponse[]>('GET', cannedPath(other))).body).toEqual([]);
  });
});
