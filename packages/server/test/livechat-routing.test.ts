import { describe, expect, it } from 'vitest';
import {
  answerDeadline,
  manualAssignmentRefusal,
  pickAgent,
  queuePositions,
  shouldRequeue,
  type AgentCandidate,
} from '../src/core/livechat/routing.js';

function agent(agentId: string, change: Partial<AgentCandidate> = {}): AgentCandidate {
  return { agentId, status: 'online', openChats: 0, maxChats: 3, lastAssignedAt: null, ...change };
}

describe('pickAgent', () => {
  it('returns null when there is nobody', () => {
    expect(pickAgent([])).toBeNull();
  });

  it('takes only online agents: away and offline ones get nothing new', () => {
    expect(pickAgent([agent('a', { status: 'away' }), agent('b', { status: 'offline' })])).toBeNull();
    expect(
      pickAgent([
        agent('a', { status: 'away' }),
        agent('b', { status: 'offline' }),
        agent('c', { openChats: 2 }),
      ]),
    ).toBe('c');
  });

  it('takes only agents under their capacity', () => {
    expect(
      pickAgent([agent('a', { openChats: 3, maxChats: 3 }), agent('b', { openChats: 5, maxChats: 3 })]),
    ).toBe(null);
    expect(pickAgent([agent('a', { maxChats: 0 })])).toBeNull();
    expect(
      pickAgent([agent('a', { openChats: 3, maxChats: 3 }), agent('b', { openChats: 2, maxChats: 3 })]),
    ).toBe('b');
  });

  it('prefers the fewest open chats, not the most spare capacity', () => {
    const candidates = [
      agent('a', { openChats: 2, maxChats: 10 }),
      agent('b', { openChats: 1, maxChats: 2 }),
    ];
    expect(pickAgent(candidates)).toBe('b');
  });

  it('breaks ties round robin: never assigned first, then least recently assigned', () => {
    expect(
      pickAgent([agent('a', { lastAssignedAt: 2_000 }), agent('b', { lastAssignedAt: 1_000 }), agent('c')]),
    ).toBe('c');
    expect(pickAgent([agent('a', { lastAssignedAt: 2_000 }), agent('b', { lastAssignedAt: 1_000 })])).toBe(
      'b',
    );
  });

  it('ranks load before recency', () => {
    expect(
      pickAgent([agent('a', { openChats: 1 }), agent('b', { openChats: 0, lastAssignedAt: 9_000 })]),
    ).toBe('b');
  });

  it('breaks remaining ties by agent id, whatever the input order', () => {
    const tied = [agent('carol'), agent('Bob'), agent('alice'), agent('bob')];
    for (const order of [tied, [...tied].reverse(), [tied[2]!, tied[0]!, tied[3]!, tied[1]!]]) {
      // Code-unit order: 'B' (0x42) sorts before 'a'.
      expect(pickAgent(order)).toBe('Bob');
    }
  });

  it('leaves excluded agents out of the pick', () => {
    const candidates = [agent('a'), agent('b', { openChats: 1 })];
    expect(pickAgent(candidates, { exclude: ['a'] })).toBe('b');
    expect(pickAgent(candidates, { exclude: new Set(['a', 'b']) })).toBeNull();
  });

  it('rotates through equally loaded agents as assignments happen', () => {
    const agents = [agent('a'), agent('b'), agent('c')];
    const picked: string[] = [];
    for (let now = 1; now <= 6; now++) {
      const id = pickAgent(agents)!;
      picked.push(id);
      const chosen = agents.find((candidate) => candidate.agentId === id)!;
      chosen.lastAssignedAt = now;
      // Each conversation is resolved at once, so load stays equal and only recency decides.
    }
    expect(picked).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('fills agents evenly while conversations stay open, up to capacity', () => {
    const agents = [agent('a', { maxChats: 1 }), agent('b', { maxChats: 2 })];
    const picked: (string | null)[] = [];
    for (let now = 1; now <= 4; now++) {
      const id = pickAgent(agents);
      picked.push(id);
      const chosen = agents.find((candidate) => candidate.agentId === id);
      if (chosen) {
        chosen.openChats++;
        chosen.lastAssignedAt = now;
      }
    }
    expect(picked).toEqual(['a', 'b', 'b', null]);
  });
});

describe('queuePositions', () => {
  it('is empty for an empty queue', () => {
    expect(queuePositions([]).size).toBe(0);
  });

  it('numbers conversations 1..n first come, first served', () => {
    const positions = queuePositions([
      { conversationId: 'c3', enqueuedAt: 300 },
      { conversationId: 'c1', enqueuedAt: 100 },
      { conversationId: 'c2', enqueuedAt: 200 },
    ]);
    expect([...positions.entries()].sort()).toEqual([
      ['c1', 1],
      ['c2', 2],
      ['c3', 3],
    ]);
  });

  it('orders arrivals in the same millisecond by conversation id', () => {
    const positions = queuePositions([
      { conversationId: 'b', enqueuedAt: 100 },
      { conversationId: 'a', enqueuedAt: 100 },
      { conversationId: 'c', enqueuedAt: 50 },
    ]);
    expect(positions.get('c')).toBe(1);
    expect(positions.get('a')).toBe(2);
    expect(positions.get('b')).toBe(3);
  });

  it('serves higher priority first, FIFO within a priority, absent meaning 0', () => {
    const positions = queuePositions([
      { conversationId: 'old', enqueuedAt: 100 },
      { conversationId: 'urgent-late', enqueuedAt: 400, priority: 5 },
      { conversationId: 'urgent-early', enqueuedAt: 300, priority: 5 },
      { conversationId: 'zero', enqueuedAt: 200, priority: 0 },
      { conversationId: 'low', enqueuedAt: 50, priority: -1 },
    ]);
    expect(positions.get('urgent-early')).toBe(1);
    expect(positions.get('urgent-late')).toBe(2);
    expect(positions.get('old')).toBe(3);
    expect(positions.get('zero')).toBe(4);
    expect(positions.get('low')).toBe(5);
  });

  it('does not reorder its input', () => {
    const waiting = [
      { conversationId: 'b', enqueuedAt: 2 },
      { conversationId: 'a', enqueuedAt: 1 },
    ];
    queuePositions(waiting);
    expect(waiting.map((entry) => entry.conversationId)).toEqual(['b', 'a']);
  });
});

describe('shouldRequeue', () => {
  const timeout = { answerTimeoutMs: 60_000 };

  it('requeues when the agent is offline, replied or not, timeout or not', () => {
    expect(shouldRequeue({ agentStatus: 'offline', assignedAt: 0, firstAgentReplyAt: 10 }, 20, timeout)).toBe(
      'agent_offline',
    );
    expect(
      shouldRequeue({ agentStatus: 'offline', assignedAt: 0, firstAgentReplyAt: null }, 120_000, timeout),
    ).toBe('agent_offline');
    expect(
      shouldRequeue({ agentStatus: 'offline', assignedAt: 0, firstAgentReplyAt: null }, 0, {
        answerTimeoutMs: null,
      }),
    ).toBe('agent_offline');
  });

  it('keeps conversations with an away agent', () => {
    expect(
      shouldRequeue({ agentStatus: 'away', assignedAt: 0, firstAgentReplyAt: 5 }, 999_999, timeout),
    ).toBeNull();
  });

  it('requeues an unanswered conversation once the answer timeout has passed, not before', () => {
    const assignment = { agentStatus: 'online' as const, assignedAt: 1_000, firstAgentReplyAt: null };
    expect(shouldRequeue(assignment, 1_000, timeout)).toBeNull();
    expect(shouldRequeue(assignment, 60_999, timeout)).toBeNull();
    expect(shouldRequeue(assignment, 61_000, timeout)).toBe('no_answer');
    expect(shouldRequeue(assignment, 500_000, timeout)).toBe('no_answer');
    // An away agent who never answered is also timed out.
    expect(shouldRequeue({ ...assignment, agentStatus: 'away' }, 61_000, timeout)).toBe('no_answer');
  });

  it('never times out once the agent has replied, or with no timeout configured', () => {
    expect(
      shouldRequeue({ agentStatus: 'online', assignedAt: 0, firstAgentReplyAt: 59_000 }, 10_000_000, timeout),
    ).toBeNull();
    expect(
      shouldRequeue({ agentStatus: 'online', assignedAt: 0, firstAgentReplyAt: null }, 10_000_000, {
        answerTimeoutMs: null,
      }),
    ).toBeNull();
  });

  it('answerDeadline tells when the no-answer check is due', () => {
    expect(
      answerDeadline({ agentStatus: 'online', assignedAt: 1_000, firstAgentReplyAt: null }, timeout),
    ).toBe(61_000);
    expect(
      answerDeadline({ agentStatus: 'online', assignedAt: 1_000, firstAgentReplyAt: 2_000 }, timeout),
    ).toBeNull();
    expect(
      answerDeadline(
        { agentStatus: 'online', assignedAt: 1_000, firstAgentReplyAt: null },
        { answerTimeoutMs: null },
      ),
    ).toBeNull();
  });
});

describe('manualAssignmentRefusal', () => {
  it('lets an agent take a conversation beyond capacity, and while away, but not offline', () => {
    expect(manualAssignmentRefusal(agent('a', { openChats: 9, maxChats: 3 }), 'take')).toBeNull();
    expect(manualAssignmentRefusal(agent('a', { status: 'away' }), 'take')).toBeNull();
    expect(manualAssignmentRefusal(agent('a', { status: 'offline' }), 'take')).toBe('agent_offline');
  });

  it('transfers only to an online agent under capacity', () => {
    expect(manualAssignmentRefusal(agent('a', { openChats: 2, maxChats: 3 }), 'transfer')).toBeNull();
    expect(manualAssignmentRefusal(agent('a', { openChats: 3, maxChats: 3 }), 'transfer')).toBe(
      'agent_at_capacity',
    );
    expect(manualAssignmentRefusal(agent('a', { status: 'away' }), 'transfer')).toBe('agent_away');
    expect(manualAssignmentRefusal(agent('a', { status: 'offline' }), 'transfer')).toBe('agent_offline');
  });
});
