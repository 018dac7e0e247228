import type { AgentStatus } from '@parley/protocol';

/*
 * Routing policy (issue 5). These functions are the rules; the live-chat
 * service applies them with the store and the clock.
 *
 * - Queues: every department has one queue of `pending` conversations. A new
 *   conversation enters its department's queue; a visitor sees its position
 *   (`queuePositions`): higher priority first, then first come, first served.
 * - Auto-assignment runs for a department's queue head whenever capacity may
 *   have appeared: a conversation arrives, an agent of the department comes
 *   online, or one of its agents' conversations is resolved or leaves it
 *   (requeue, transfer). Each run assigns the head to `pickAgent` of the
 *   department's members, and repeats until the queue is empty or nobody can
 *   take more.
 * - Who gets it: an `online` agent (never `away` or `offline`) with fewer
 *   open conversations than their maximum; the one with the fewest wins; ties
 *   go round robin, to the agent assigned least recently (never-assigned
 *   agents first, then by id so the outcome never depends on input order).
 *   Only `open` conversations count: a snoozed one asks nothing of the agent
 *   until it wakes, and waking does not check capacity.
 * - Requeue (`shouldRequeue`) applies to `open` conversations only: when the
 *   agent goes `offline` (`away` keeps its conversations), or when the agent
 *   has not sent a first reply within the answer timeout. A requeued
 *   conversation keeps its original enqueue time, so it goes back ahead of
 *   the visitors who came after it, and the next pick excludes the agent it
 *   was taken from (otherwise the least-loaded agent who did not answer would
 *   get it straight back).
 * - Manual moves (`manualAssignmentRefusal`): an agent *taking* a queued
 *   conversation chooses the extra work, so take ignores capacity but needs
 *   the agent not offline. A *transfer to an agent* is imposed on the target,
 *   so the target must be online and under capacity like an automatic pick.
 *   A *transfer to a department* is a requeue into that department's queue.
 */

/** What routing needs to know about one agent of the department. */
export interface AgentCandidate {
  agentId: string;
  status: AgentStatus;
  /** Conversations assigned to the agent with status `open`. */
  openChats: number;
  /** The agent's concurrent-chat limit; 0 takes nothing automatically. */
  maxChats: number;
  /** When the agent last received a conversation (ms since epoch), null if never. */
  lastAssignedAt: number | null;
}

/** Whether the agent may receive a conversation without choosing it. */
function canReceive(candidate: AgentCandidate): boolean {
  return candidate.status === 'online' && candidate.openChats < candidate.maxChats;
}

/** Code-unit order: the same in every locale and runtime. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The agent who gets the next conversation: online, under capacity, fewest
 * open chats, then least recently assigned (never first), then smallest id.
 * Null when nobody can take it. `exclude` leaves agents out of this pick
 * (the agent a conversation was just requeued from).
 */
export function pickAgent(
  candidates: readonly AgentCandidate[],
  options: { exclude?: Iterable<string> } = {},
): string | null {
  const excluded = new Set(options.exclude ?? []);
  let best: AgentCandidate | null = null;
  for (const candidate of candidates) {
    if (!canReceive(candidate) || excluded.has(candidate.agentId)) continue;
    if (best === null || compareCandidates(candidate, best) < 0) best = candidate;
  }
  return best?.agentId ?? null;
}

function compareCandidates(a: AgentCandidate, b: AgentCandidate): number {
  if (a.openChats !== b.openChats) return a.openChats - b.openChats;
  if (a.lastAssignedAt !== b.lastAssignedAt) {
    if (a.lastAssignedAt === null) return -1;
    if (b.lastAssignedAt === null) return 1;
    return a.lastAssignedAt - b.lastAssignedAt;
  }
  return compareIds(a.agentId, b.agentId);
}

/** A conversation waiting in a department queue. */
export interface QueuedConversation {
  conversationId: string;
  /** When it entered the queue (ms); a requeue keeps the first value. */
  enqueuedAt: number;
  /** Higher is served first; 0 when absent. */
  priority?: number;
}

/**
 * Each waiting conversation's position, 1 for the next one served: higher
 * priority first, then earlier enqueue time, then conversation id so that
 * two arrivals in the same millisecond always get the same order.
 */
export function queuePositions(waiting: readonly QueuedConversation[]): Map<string, number> {
  const ordered = [...waiting].sort(
    (a, b) =>
      (b.priority ?? 0) - (a.priority ?? 0) ||
      a.enqueuedAt - b.enqueuedAt ||
      compareIds(a.conversationId, b.conversationId),
  );
  return new Map(ordered.map((entry, index) => [entry.conversationId, index + 1]));
}

/** The state of one `open` conversation's assignment. */
export interface AssignmentState {
  agentStatus: AgentStatus;
  /** When the current agent got the conversation (ms). */
  assignedAt: number;
  /** The current agent's first reply since `assignedAt`, null if none yet. */
  firstAgentReplyAt: number | null;
}

export interface RequeueOptions {
  /** How long an assigned agent has to send a first reply; null never times out. */
  answerTimeoutMs: number | null;
}

export type RequeueReason = 'agent_offline' | 'no_answer';

/**
 * Why an open conversation must go back to the queue now, or null. An
 * offline agent wins over a timeout; once the agent has replied, silence is
 * no longer a reason (the conversation is under way).
 */
export function shouldRequeue(
  assignment: AssignmentState,
  nowMs: number,
  options: RequeueOptions,
): RequeueReason | null {
  if (assignment.agentStatus === 'offline') return 'agent_offline';
  const deadline = answerDeadline(assignment, options);
  return deadline !== null && nowMs >= deadline ? 'no_answer' : null;
}

/**
 * When the no-answer rule fires for this assignment (ms), or null if it
 * never will: the time to schedule the check for.
 */
export function answerDeadline(assignment: AssignmentState, options: RequeueOptions): number | null {
  if (assignment.firstAgentReplyAt !== null || options.answerTimeoutMs === null) return null;
  return assignment.assignedAt + options.answerTimeoutMs;
}

export type ManualAssignment = 'take' | 'transfer';
export type ManualRefusal = 'agent_offline' | 'agent_away' | 'agent_at_capacity';

/**
 * Why `target` may not receive a conversation by hand, or null if it may.
 * `take` (the agent picks it up) only needs the agent not offline; `transfer`
 * (someone else hands it over) needs the same as an automatic pick.
 */
export function manualAssignmentRefusal(
  target: AgentCandidate,
  kind: ManualAssignment,
): ManualRefusal | null {
  if (target.status === 'offline') return 'agent_offline';
  if (kind === 'take') return null;
  if (target.status === 'away') return 'agent_away';
  return target.openChats < target.maxChats ? null : 'agent_at_capacity';
}
