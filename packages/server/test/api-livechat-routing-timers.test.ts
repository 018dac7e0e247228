// Live-chat routing driven by time and connections: the no-answer requeue and the automatic away.
import { describe, expect, it } from 'vitest';
import type { Agent, Participant } from '@parley/protocol';
import { sendMessage, useTestServer } from './support/fixtures.js';
import { TestSocket } from './support/ws-client.js';
import {
  conversationOf,
  createAgent,
  createWidget,
  eventually,
  manyVisitorRequests,
  setAgentStatus,
  visitorWithConversation,
  type TestAgent,
  type Widget,
} from './support/livechat.js';

describe('no-answer timeout', () => {
  const ts = useTestServer((c) => {
    manyVisitorRequests(c);
    c.livechat.answerTimeoutSeconds = 1;
    c.livechat.tickMs = 50;
  });

  it('requeues an unanswered conversation to another agent, and leaves answered ones alone', async () => {
    const widget = await createWidget(ts.api);
    const slow = await createAgent(ts.api, widget);
    const answered = (await visitorWithConversation(ts.api, widget)).conversation;
    const unanswered = (await visitorWithConversation(ts.api, widget)).conversation;
    expect([answered.agentId, unanswered.agentId]).toEqual([slow.id, slow.id]);
    await sendMessage(ts.api, slow, answered.id, 'Hello, I am here');
    const other = await createAgent(ts.api, widget);
    const moved = await eventually(
      () => conversationOf(ts.api, widget, unanswered.id),
      (c) => c.agentId === other.id,
    );
    expect(moved.status).toBe('open');
    // The thread follows the assignment, just after it: the new agent joins, the former one leaves.
    const participantIds = async () =>
      (await ts.api<{ items: Participant[] }>('GET', `/v1/threads/${unanswered.id}/participants`)).body.items
        .map((p) => p.userId)
        .sort();
    const expected = [unanswered.visitorId, other.id].sort();
    expect(await eventually(participantIds, (ids) => ids.join() === expected.join())).toEqual(expected);
    // Assigned first, so its deadline passed first: had the reply not stopped it, it would have moved too.
    expect(await conversationOf(ts.api, widget, answered.id)).toMatchObject({
      status: 'open',
      agentId: slow.id,
    });
  });

  it('gives it back to the same agent when nobody else can take it', async () => {
    const widget = await createWidget(ts.api);
    const only = await createAgent(ts.api, widget);
    const chat = (await visitorWithConversation(ts.api, widget)).conversation;
    expect(chat.agentId).toBe(only.id);
    const again = await eventually(
      () => conversationOf(ts.api, widget, chat.id),
      (c) => c.assignedAt !== chat.assignedAt,
    );
    expect(again).toMatchObject({ status: 'open', agentId: only.id });
  });
});

describe('automatic away', () => {
  const ts = useTestServer((c) => {
    manyVisitorRequests(c);
    c.livechat.awayGraceSeconds = 0;
    c.livechat.tickMs = 50;
  });

  const statusOf = async (widget: Widget, agent: TestAgent) =>
    (await ts.api<Agent>('GET', `/v1/organizations/${widget.org.id}/agents/${agent.id}`)).body.status;
  const becomes = (widget: Widget, agent: TestAgent, status: Agent['status']) =>
    eventually(
      () => statusOf(widget, agent),
      (s) => s === status,
    );

  it('sets an agent away when their last connection closes, and online when they come back', async () => {
    const widget = await createWidget(ts.api);
    const agent = await createAgent(ts.api, widget);
    const first = await TestSocket.connect(ts.wsUrl, agent.token);
    const second = await TestSocket.connect(ts.wsUrl, agent.token);
    const mine = (await visitorWithConversation(ts.api, widget)).conversation;
    expect(mine.agentId).toBe(agent.id);
    first.close();
    await first.closed();
    // One connection left: still online, still receiving.
    const stillMine = (await visitorWithConversation(ts.api, widget)).conversation;
    expect(stillMine.agentId).toBe(agent.id);
    second.close();
    await becomes(widget, agent, 'away');
    // Away keeps its conversations and gets no new ones.
    expect(await conversationOf(ts.api, widget, mine.id)).toMatchObject({
      status: 'open',
      agentId: agent.id,
    });
    const waiting = (await visitorWithConversation(ts.api, widget)).conversation;
    expect(waiting.status).toBe('pending');
    const back = await TestSocket.connect(ts.wsUrl, agent.token);
    try {
      await becomes(widget, agent, 'online');
      // Back online, the queue is routed to them.
      const routed = await eventually(
        () => conversationOf(ts.api, widget, waiting.id),
        (c) => c.status === 'open',
      );
      expect(routed.agentId).toBe(agent.id);
    } finally {
      back.close();
    }
    await becomes(widget, agent, 'away');
  });

  it("tells the organization's agents of every status change: chosen, automatic away, and back", async () => {
    const widget = await createWidget(ts.api);
    const watcher = await createAgent(ts.api, widget);
    const agent = await createAgent(ts.api, widget);
    const colleague = await TestSocket.connect(ts.wsUrl, watcher.token);
    const statusEvent = (status: Agent['status'], after = 0) =>
      colleague.next(
        (f) =>
          colleague.frames.indexOf(f) >= after &&
          f.type === 'agent' &&
          'agent' in f &&
          (f.agent as Agent).userId === agent.id &&
          (f.agent as Agent).status === status,
      );
    try {
      // Chosen: through the API.
      await setAgentStatus(ts.api, widget, agent.id, 'offline', agent.token);
      const offline = await statusEvent('offline');
      expect(offline).toMatchObject({ organizationId: widget.org.id, agent: { userId: agent.id } });
      await setAgentStatus(ts.api, widget, agent.id, 'online', agent.token);
      await statusEvent('online', colleague.frames.indexOf(offline) + 1);
      // Automatic: the last connection closes (no grace here), then the agent comes back.
      const own = await TestSocket.connect(ts.wsUrl, agent.token);
      own.close();
      const away = await statusEvent('away');
      const back = await TestSocket.connect(ts.wsUrl, agent.token);
      await statusEvent('online', colleague.frames.indexOf(away) + 1);
      back.close();
    } finally {
      colleague.close();
    }
  });

  it('never undoes an away the agent chose', async () => {
    const widget = await createWidget(ts.api);
    const chooser = await createAgent(ts.api, widget);
    const marker = await createAgent(ts.api, widget);
    const sockets = [
      await TestSocket.connect(ts.wsUrl, chooser.token),
      await TestSocket.connect(ts.wsUrl, marker.token),
    ];
    await setAgentStatus(ts.api, widget, chooser.id, 'away', chooser.token);
    for (const socket of sockets) socket.close();
    await becomes(widget, marker, 'away');
    const chooserBack = await TestSocket.connect(ts.wsUrl, chooser.token);
    const markerBack = await TestSocket.connect(ts.wsUrl, marker.token);
    try {
      // The marker reconnected after the chooser: once it is online, the chooser's reconnection was handled.
      await becomes(widget, marker, 'online');
      expect(await statusOf(widget, chooser)).toBe('away');
    } finally {
      chooserBack.close();
      markerBack.close();
    }
  });

  it('leaves agents without any connection as they are', async () => {
    const widget = await createWidget(ts.api);
    const never = await createAgent(ts.api, widget);
    const marker = await createAgent(ts.api, widget);
    const socket = await TestSocket.connect(ts.wsUrl, marker.token);
    socket.close();
    await becomes(widget, marker, 'away');
    expect(await statusOf(widget, never)).toBe('online');
  });
});
