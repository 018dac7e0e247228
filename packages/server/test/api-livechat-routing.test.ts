// Live-chat routing through the API: automatic assignment, capacity, departments, take, transfer, statuses.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Conversation, Participant } from '@parley/protocol';
import { expectError, sendMessage, testClock, useTestServer } from './support/fixtures.js';
import {
  conversationAction,
  conversationOf,
  createAgent,
  createDepartment,
  createWidget,
  eventually,
  manyVisitorRequests,
  setAgentStatus,
  visitorWithConversation,
  type TestAgent,
  type Widget,
} from './support/livechat.js';

// A clock that moves 1 ms per reading: assignments never share a timestamp, so round robin is exact.
const clock = testClock();
const ts = useTestServer(
  (c) => {
    manyVisitorRequests(c);
    c.livechat.answerTimeoutSeconds = 0;
    c.livechat.tickMs = 50;
  },
  { clock },
);

/** The agents ordered as routing breaks ties between never-assigned ones: by id. */
function byId(...agents: TestAgent[]): TestAgent[] {
  return [...agents].sort((a, b) => (a.id < b.id ? -1 : 1));
}

async function newChat(widget: Widget, departmentId?: string): Promise<Conversation> {
  const body = { answers: { name: 'Ann' }, ...(departmentId !== undefined && { departmentId }) };
  return (await visitorWithConversation(ts.api, widget, body)).conversation;
}

async function participantIds(threadId: string): Promise<string[]> {
  const res = await ts.api<{ items: Participant[] }>('GET', `/v1/threads/${threadId}/participants`);
  return res.body.items.map((p) => p.userId).sort();
}

describe('automatic assignment', () => {
  it('picks the agent with the fewest open chats, round robin on ties', async () => {
    const widget = await createWidget(ts.api);
    const [first, second] = byId(await createAgent(ts.api, widget), await createAgent(ts.api, widget)) as [
      TestAgent,
      TestAgent,
    ];
    const chats: Conversation[] = [];
    for (let i = 0; i < 4; i++) chats.push(await newChat(widget));
    expect(chats.map((c) => c.agentId)).toEqual([first.id, second.id, first.id, second.id]);
    expect(chats.every((c) => c.status === 'open' && c.queuePosition === null)).toBe(true);
    // `first` has one open chat fewer after a resolve: it gets the next, though it had one more recently.
    await conversationAction(ts.api, widget, chats[2]!.id, 'resolve');
    expect((await newChat(widget)).agentId).toBe(first.id);
    // Two each again; `second` was assigned least recently.
    expect((await newChat(widget)).agentId).toBe(second.id);
  });

  it('respects capacity, and a resolve lets the next waiting conversation in', async () => {
    const widget = await createWidget(ts.api);
    const agent = await createAgent(ts.api, widget, { maxChats: 1 });
    const one = await newChat(widget);
    const two = await newChat(widget);
    const three = await newChat(widget);
    expect(one).toMatchObject({ status: 'open', agentId: agent.id });
    expect(two).toMatchObject({ status: 'pending', agentId: null, queuePosition: 1 });
    expect(three).toMatchObject({ status: 'pending', queuePosition: 2 });
    const resolved = await conversationAction(ts.api, widget, one.id, 'resolve');
    expect(resolved.body).toMatchObject({ status: 'resolved', resolvedAt: expect.any(String) });
    expect(await conversationOf(ts.api, widget, two.id)).toMatchObject({ status: 'open', agentId: agent.id });
    expect((await conversationOf(ts.api, widget, three.id)).queuePosition).toBe(1);
  });

  it('never picks away or offline agents, and routes the queue when one comes online', async () => {
    const widget = await createWidget(ts.api);
    const away = await createAgent(ts.api, widget, { status: 'away' });
    const offline = await createAgent(ts.api, widget, { status: 'offline' });
    const chat = await newChat(widget);
    expect(chat).toMatchObject({ status: 'pending', queuePosition: 1 });
    const zero = await createAgent(ts.api, widget, { maxChats: 0 });
    expect((await conversationOf(ts.api, widget, chat.id)).status).toBe('pending');
    await setAgentStatus(ts.api, widget, away.id, 'online', away.token);
    expect(await conversationOf(ts.api, widget, chat.id)).toMatchObject({ status: 'open', agentId: away.id });
    await setAgentStatus(ts.api, widget, away.id, 'away', away.token);
    // Away keeps the conversation.
    expect(await conversationOf(ts.api, widget, chat.id)).toMatchObject({ status: 'open', agentId: away.id });
    const next = await newChat(widget);
    expect(next.status).toBe('pending');
    await setAgentStatus(ts.api, widget, offline.id, 'online');
    expect(await conversationOf(ts.api, widget, next.id)).toMatchObject({ agentId: offline.id });
    expect(zero.id).not.toBe(offline.id);
  });

  it('serves a department’s queue with its agents only, and the organization’s queue with all', async () => {
    const widget = await createWidget(ts.api);
    const [sales, billing] = [await createDepartment(ts.api, widget), await createDepartment(ts.api, widget)];
    const seller = await createAgent(ts.api, widget, { departmentIds: [sales.id] });
    const forBilling = await newChat(widget, billing.id);
    expect(forBilling).toMatchObject({ status: 'pending', departmentId: billing.id, queuePosition: 1 });
    const forSales = await newChat(widget, sales.id);
    expect(forSales).toMatchObject({ status: 'open', agentId: seller.id });
    const general = await newChat(widget);
    expect(general).toMatchObject({ status: 'open', agentId: seller.id, departmentId: null });
    // A second billing conversation is second in billing's queue, whatever the other queues hold.
    expect((await newChat(widget, billing.id)).queuePosition).toBe(2);
    // A waiting conversation moves to another department's queue as it is, and is routed there.
    const misfiled = await newChat(widget, billing.id);
    expect(misfiled.queuePosition).toBe(3);
    const moved = await conversationAction(ts.api, widget, misfiled.id, 'transfer', {
      body: { departmentId: sales.id },
    });
    expect(moved.body).toMatchObject({ status: 'open', departmentId: sales.id, agentId: seller.id });
    const biller = await createAgent(ts.api, widget, { departmentIds: [billing.id] });
    expect(await conversationOf(ts.api, widget, forBilling.id)).toMatchObject({
      status: 'open',
      agentId: biller.id,
    });
  });

  it('requeues an agent’s open conversations to another when they set themselves offline', async () => {
    const widget = await createWidget(ts.api);
    const leaving = await createAgent(ts.api, widget);
    const chats = [await newChat(widget), await newChat(widget)];
    expect(chats.map((c) => c.agentId)).toEqual([leaving.id, leaving.id]);
    const staying = await createAgent(ts.api, widget, { status: 'away' });
    await setAgentStatus(ts.api, widget, leaving.id, 'offline', leaving.token);
    // Nobody online: back in the queue, in their original order.
    const waiting = await Promise.all(chats.map((c) => conversationOf(ts.api, widget, c.id)));
    expect(waiting.map((c) => [c.status, c.agentId, c.queuePosition])).toEqual([
      ['pending', null, 1],
      ['pending', null, 2],
    ]);
    await setAgentStatus(ts.api, widget, staying.id, 'online', staying.token);
    for (const chat of chats) {
      expect(await conversationOf(ts.api, widget, chat.id)).toMatchObject({
        status: 'open',
        agentId: staying.id,
      });
      expect(await participantIds(chat.id)).toEqual([chat.visitorId, staying.id].sort());
    }
    // Straight to another online agent when there is one.
    await setAgentStatus(ts.api, widget, leaving.id, 'online', leaving.token);
    await setAgentStatus(ts.api, widget, staying.id, 'offline');
    for (const chat of chats)
      expect(await conversationOf(ts.api, widget, chat.id)).toMatchObject({
        status: 'open',
        agentId: leaving.id,
      });
  });
});

describe('take and transfer', () => {
  let widget: Widget;
  let sales: { id: string };
  let other: { id: string };
  beforeAll(async () => {
    widget = await createWidget(ts.api);
    sales = await createDepartment(ts.api, widget);
    other = await createDepartment(ts.api, widget);
  });

  it('lets an agent take a waiting conversation of their queues, over capacity, and nothing else', async () => {
    const agent = await createAgent(ts.api, widget, { departmentIds: [sales.id], maxChats: 0 });
    const colleague = await createAgent(ts.api, widget, { status: 'away', departmentIds: [sales.id] });
    const mine = await newChat(widget, sales.id);
    const notMine = await newChat(widget, other.id);
    expect(mine.status).toBe('pending');
    const take = (id: string, body: unknown = {}, auth = agent.token) =>
      conversationAction(ts.api, widget, id, 'take', { body, auth });
    expectError(await take(notMine.id), 403, 'forbidden');
    expectError(await take(mine.id, { agentId: colleague.id }), 403, 'forbidden');
    const taken = await take(mine.id);
    expect(taken.status).toBe(200);
    expect(taken.body).toMatchObject({ status: 'open', agentId: agent.id, queuePosition: null });
    expect(await participantIds(mine.id)).toEqual([mine.visitorId, agent.id].sort());
    // Taking it again, or one open with someone else, is not an agent's to do.
    expectError(await take(mine.id, {}, colleague.token), 403, 'forbidden');
    // An offline agent takes nothing; the API key names the agent.
    const sleeper = await createAgent(ts.api, widget, { status: 'offline', departmentIds: [other.id] });
    expectError(await take(notMine.id, {}, sleeper.token), 409, 'agent_unavailable');
    expectError(await conversationAction(ts.api, widget, notMine.id, 'take'), 400, 'invalid_request');
    const byKey = await conversationAction(ts.api, widget, notMine.id, 'take', {
      body: { agentId: colleague.id },
    });
    expect(byKey.body).toMatchObject({ status: 'open', agentId: colleague.id });
  });

  it('lets a supervisor take an open conversation from another agent', async () => {
    const holder = await createAgent(ts.api, widget, { departmentIds: [other.id] });
    const chat = await newChat(widget, other.id);
    expect(chat.agentId).toBe(holder.id);
    const supervisor = await createAgent(ts.api, widget, { role: 'supervisor', status: 'away' });
    const taken = await conversationAction(ts.api, widget, chat.id, 'take', {
      auth: supervisor.token,
      body: {},
    });
    expect(taken.body).toMatchObject({ status: 'open', agentId: supervisor.id });
    expect(await participantIds(chat.id)).toEqual([chat.visitorId, supervisor.id].sort());
    expectError(
      await conversationAction(ts.api, widget, chat.id, 'take', { auth: supervisor.token, body: {} }),
      409,
      'conversation_state_conflict',
    );
    await setAgentStatus(ts.api, widget, holder.id, 'offline');
  });

  it('transfers to an agent only when online and under capacity', async () => {
    const w = await createWidget(ts.api);
    const desk = await createDepartment(ts.api, w);
    const inDesk = { answers: { name: 'A' }, departmentId: desk.id };
    const from = await createAgent(ts.api, w, { maxChats: 1, departmentIds: [desk.id] });
    const chat = (await visitorWithConversation(ts.api, w, inDesk)).conversation;
    const full = await createAgent(ts.api, w, { maxChats: 1 });
    expect((await visitorWithConversation(ts.api, w)).conversation.agentId).toBe(full.id);
    const away = await createAgent(ts.api, w, { status: 'away' });
    const offline = await createAgent(ts.api, w, { status: 'offline' });
    const waiting = (await visitorWithConversation(ts.api, w, inDesk)).conversation;
    expect(waiting.status).toBe('pending');
    const transfer = (agentId: string, auth?: string) =>
      conversationAction(ts.api, w, chat.id, 'transfer', { body: { agentId }, ...(auth && { auth }) });
    for (const target of [full, away, offline])
      expectError(await transfer(target.id), 409, 'agent_unavailable');
    expectError(await transfer('nobody'), 404, 'agent_not_found');
    expectError(await transfer(from.id), 409, 'conversation_state_conflict');
    // Not of the department, but online with room: the conversation's own agent hands it over.
    const free = await createAgent(ts.api, w);
    const moved = await transfer(free.id, from.token);
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ status: 'open', agentId: free.id, departmentId: desk.id });
    expect(await participantIds(chat.id)).toEqual([chat.visitorId, free.id].sort());
    // The former agent's freed capacity serves the queue.
    expect(await conversationOf(ts.api, w, waiting.id)).toMatchObject({ status: 'open', agentId: from.id });
    // The former agent no longer acts on it.
    expectError(await transfer(away.id, from.token), 403, 'forbidden');
  });

  it('transfers to a department: back to pending there, then routed', async () => {
    const w = await createWidget(ts.api);
    const [front, back] = [await createDepartment(ts.api, w), await createDepartment(ts.api, w)];
    const agent = await createAgent(ts.api, w, { maxChats: 1, departmentIds: [front.id] });
    const chat = (
      await visitorWithConversation(ts.api, w, { answers: { name: 'A' }, departmentId: front.id })
    ).conversation;
    const behind = (
      await visitorWithConversation(ts.api, w, { answers: { name: 'B' }, departmentId: front.id })
    ).conversation;
    expect([chat.agentId, behind.status]).toEqual([agent.id, 'pending']);
    const moved = await conversationAction(ts.api, w, chat.id, 'transfer', {
      body: { departmentId: back.id },
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      status: 'pending',
      agentId: null,
      departmentId: back.id,
      queuePosition: 1,
    });
    // The agent's freed capacity goes to the conversation waiting behind in their own department.
    expect(await conversationOf(ts.api, w, behind.id)).toMatchObject({ status: 'open', agentId: agent.id });
    const backAgent = await createAgent(ts.api, w, { departmentIds: [back.id] });
    expect(await conversationOf(ts.api, w, chat.id)).toMatchObject({ status: 'open', agentId: backAgent.id });
    expectError(
      await conversationAction(ts.api, w, chat.id, 'transfer', { body: { departmentId: 'dep_nope' } }),
      404,
      'department_not_found',
    );
  });
});

describe('statuses', () => {
  let widget: Widget;
  let agent: TestAgent;
  beforeAll(async () => {
    widget = await createWidget(ts.api);
    agent = await createAgent(ts.api, widget, { maxChats: 100 });
  });

  const act = (id: string, action: string, body?: unknown) =>
    conversationAction(ts.api, widget, id, action, {
      ...(body !== undefined && { body }),
      auth: agent.token,
    });
  const inFuture = (ms: number) => new Date(clock.peek() + ms).toISOString();

  it('snoozes and wakes, refusing snoozes in the past or beyond a year', async () => {
    const chat = await newChat(widget);
    expectError(await act(chat.id, 'snooze', { until: inFuture(-1000) }), 400, 'invalid_request');
    expectError(await act(chat.id, 'snooze', { until: inFuture(400 * 86_400_000) }), 400, 'invalid_request');
    expectError(await act(chat.id, 'wake'), 409, 'conversation_state_conflict');
    const until = inFuture(3_600_000);
    const snoozed = await act(chat.id, 'snooze', { until });
    expect(snoozed.body).toMatchObject({ status: 'snoozed', agentId: agent.id, snoozedUntil: until });
    expectError(await act(chat.id, 'reopen'), 409, 'conversation_state_conflict');
    const woken = await act(chat.id, 'wake');
    expect(woken.body).toMatchObject({ status: 'open', snoozedUntil: null });
  });

  it('wakes a snoozed conversation when the visitor writes, or when its time comes', async () => {
    const { visitor, conversation } = await visitorWithConversation(ts.api, widget);
    await act(conversation.id, 'snooze', { until: inFuture(3_600_000) });
    await sendMessage(
      ts.api,
      { id: visitor.visitorId, token: visitor.accessToken },
      conversation.id,
      'hello?',
    );
    expect(await conversationOf(ts.api, widget, conversation.id)).toMatchObject({
      status: 'open',
      agentId: agent.id,
      snoozedUntil: null,
    });
    await act(conversation.id, 'snooze', { until: inFuture(60_000) });
    clock.advance(61_000);
    const woken = await eventually(
      () => conversationOf(ts.api, widget, conversation.id),
      (c) => c.status === 'open',
    );
    expect(woken.snoozedUntil).toBeNull();
  });

  it('lets a snoozed conversation free its agent’s capacity for the queue', async () => {
    const w = await createWidget(ts.api);
    const single = await createAgent(ts.api, w, { maxChats: 1 });
    const first = (await visitorWithConversation(ts.api, w)).conversation;
    const second = (await visitorWithConversation(ts.api, w)).conversation;
    expect(second.status).toBe('pending');
    await conversationAction(ts.api, w, first.id, 'snooze', {
      body: { until: inFuture(3_600_000) },
      auth: single.token,
    });
    expect(await conversationOf(ts.api, w, second.id)).toMatchObject({ status: 'open', agentId: single.id });
  });

  it('resolves and reopens, refusing what the status does not allow', async () => {
    const chat = await newChat(widget);
    const resolved = await act(chat.id, 'resolve');
    expect(resolved.body.status).toBe('resolved');
    expectError(await act(chat.id, 'resolve'), 409, 'conversation_state_conflict');
    expectError(
      await act(chat.id, 'snooze', { until: inFuture(60_000) }),
      409,
      'conversation_state_conflict',
    );
    expectError(
      await conversationAction(ts.api, widget, chat.id, 'take', { body: { agentId: agent.id } }),
      409,
      'conversation_state_conflict',
    );
    const reopened = await conversationAction(ts.api, widget, chat.id, 'reopen');
    expect(reopened.body).toMatchObject({ status: 'open', agentId: agent.id, resolvedAt: null });
    // A pending conversation can be resolved (a visitor who left), not reopened.
    const w = await createWidget(ts.api);
    const waiting = (await visitorWithConversation(ts.api, w)).conversation;
    expectError(
      await conversationAction(ts.api, w, waiting.id, 'reopen'),
      409,
      'conversation_state_conflict',
    );
    expect((await conversationAction(ts.api, w, waiting.id, 'resolve')).body.status).toBe('resolved');
  });
});

describe('access', () => {
  it('hides conversations from other organizations’ agents, and lets agents act only on theirs', async () => {
    const widget = await createWidget(ts.api);
    const mineAgent = await createAgent(ts.api, widget);
    const chat = await newChat(widget);
    const colleague = await createAgent(ts.api, widget, { status: 'away' });
    const otherWidget = await createWidget(ts.api);
    const outsider = await createAgent(ts.api, otherWidget);
    const base = `/v1/organizations/${widget.org.id}/conversations`;
    expectError(await ts.api('GET', base, { auth: outsider.token }), 404, 'organization_not_found');
    expectError(
      await ts.api('GET', `${base}/${chat.id}`, { auth: outsider.token }),
      404,
      'organization_not_found',
    );
    for (const action of ['resolve', 'take', 'wake'])
      expectError(
        await conversationAction(ts.api, widget, chat.id, action, { auth: outsider.token, body: {} }),
        404,
        'organization_not_found',
      );
    // Under its own organization's path, the conversation does not exist.
    expectError(
      await ts.api('GET', `/v1/organizations/${otherWidget.org.id}/conversations/${chat.id}`, {
        auth: outsider.token,
      }),
      404,
      'conversation_not_found',
    );
    expectError(
      await conversationAction(ts.api, widget, chat.id, 'take', { body: { agentId: outsider.id } }),
      404,
      'agent_not_found',
    );
    // A colleague reads it but does not act on it; its agent does.
    expect((await conversationOf(ts.api, widget, chat.id, colleague.token)).agentId).toBe(mineAgent.id);
    expectError(
      await conversationAction(ts.api, widget, chat.id, 'resolve', { auth: colleague.token }),
      403,
      'forbidden',
    );
    const list = await ts.api<{ items: Conversation[] }>(
      'GET',
      `${base}?status=open&agentId=${mineAgent.id}`,
      {
        auth: colleague.token,
      },
    );
    expect(list.body.items.map((c) => c.id)).toEqual([chat.id]);
    expect(
      (await conversationAction(ts.api, widget, chat.id, 'resolve', { auth: mineAgent.token })).status,
    ).toBe(200);
  });
});
