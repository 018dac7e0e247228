import type { ConversationStatus } from '@parley/protocol';
import { AppError } from '../errors.js';

/*
 * The status of a live-chat conversation (issue 5) changes only through the
 * actions below, and only along the transitions of one table.
 *
 * - `pending`: in its department's queue, no agent assigned.
 * - `open`: assigned to an agent.
 * - `snoozed`: still assigned, set aside by the agent until a time.
 * - `resolved`: closed, agent released; the visitor writing reopens it.
 *
 * A conversation has an agent exactly when it is `open` or `snoozed`.
 */

/** What happened to the conversation. */
export type ConversationAction =
  /** An agent receives it: auto-assignment, take, or transfer to an agent. */
  | { type: 'assign' }
  /** The assigned agent writes; on a snoozed conversation that ends the snooze. */
  | { type: 'agent_reply' }
  /** The agent sets it aside until `until` (ms since epoch); again on a snoozed one moves the time. */
  | { type: 'snooze'; until: number }
  /** The snooze time has come, or the agent ends it early. */
  | { type: 'wake' }
  /** An agent (or the visitor) closes it. */
  | { type: 'resolve' }
  /** An agent opens a resolved conversation again; it goes back to the queue. */
  | { type: 'reopen' }
  /** The visitor writes: wakes a snoozed conversation, reopens a resolved one. */
  | { type: 'visitor_message' }
  /** Back to the queue: the agent went offline or did not answer, or a transfer to a department. */
  | { type: 'requeue' };

export type ConversationActionType = ConversationAction['type'];

/**
 * Every allowed transition: action → (current → next). A pair that is not
 * listed is refused. Some choices, and why:
 * - `assign` on an `open` conversation is a transfer or take from another
 *   agent; a `snoozed` one must be woken first, so nobody inherits a snooze
 *   they did not set.
 * - `agent_reply` needs an agent, so it is refused on `pending` (take it
 *   first, which records the assignment and checks capacity) and on
 *   `resolved` (reopen first, so closed conversations are not written to by
 *   accident).
 * - Reopening goes to `pending`, not `open`: resolving released the agent,
 *   who may be offline or full by now; routing decides again.
 * - `requeue` applies to `open` only: routing's requeue rules leave snoozed
 *   conversations alone until they wake.
 */
export const CONVERSATION_TRANSITIONS: {
  readonly [A in ConversationActionType]: Readonly<Partial<Record<ConversationStatus, ConversationStatus>>>;
} = {
  assign: { pending: 'open', open: 'open' },
  agent_reply: { open: 'open', snoozed: 'open' },
  snooze: { open: 'snoozed', snoozed: 'snoozed' },
  wake: { snoozed: 'open' },
  resolve: { pending: 'resolved', open: 'resolved', snoozed: 'resolved' },
  reopen: { resolved: 'pending' },
  visitor_message: { pending: 'pending', open: 'open', snoozed: 'open', resolved: 'pending' },
  requeue: { open: 'pending' },
};

/** The longest snooze: a year. Longer is almost surely seconds sent as milliseconds, or a typo. */
export const MAX_SNOOZE_MS = 365 * 24 * 60 * 60 * 1000;

/** Whether a conversation in this status has an assigned agent. */
export function hasAgent(status: ConversationStatus): boolean {
  return status === 'open' || status === 'snoozed';
}

/**
 * The status after `action`; a `conversation_state_conflict` AppError when the
 * table refuses the pair, `invalid_request` when a snooze time is not in the future (within
 * `MAX_SNOOZE_MS` of `nowMs`).
 */
export function transition(
  current: ConversationStatus,
  action: ConversationAction,
  nowMs: number,
): ConversationStatus {
  const next = CONVERSATION_TRANSITIONS[action.type][current];
  if (next === undefined) {
    throw new AppError(
      'conversation_state_conflict',
      `A ${current} conversation cannot take the action ${action.type}.`,
    );
  }
  if (action.type === 'snooze') checkSnoozeUntil(action.until, nowMs);
  return next;
}

function checkSnoozeUntil(until: number, nowMs: number): void {
  if (!Number.isSafeInteger(until) || until <= nowMs) {
    throw new AppError('invalid_request', 'A snooze must end in the future.', { field: 'until' });
  }
  if (until - nowMs > MAX_SNOOZE_MS) {
    throw new AppError('invalid_request', 'A snooze may last at most 365 days.', { field: 'until' });
  }
}
