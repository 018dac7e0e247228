import { describe, expect, it } from 'vitest';
import type { ConversationStatus } from '@parley/protocol';
import { AppError } from '../src/core/errors.js';
import {
  CONVERSATION_TRANSITIONS,
  MAX_SNOOZE_MS,
  hasAgent,
  transition,
  type ConversationAction,
  type ConversationActionType,
} from '../src/core/livechat/conversation-status.js';

const NOW = 1_700_000_000_000;
const STATUSES: ConversationStatus[] = ['pending', 'open', 'snoozed', 'resolved'];

function action(type: ConversationActionType): ConversationAction {
  return type === 'snooze' ? { type, until: NOW + 60_000 } : { type };
}

/**
 * The expected table, written out independently of the module's: every
 * (action, status) pair of the issue, with the next status or `refused`.
 */
const EXPECTED: Record<ConversationActionType, Record<ConversationStatus, ConversationStatus | 'refused'>> = {
  assign: { pending: 'open', open: 'open', snoozed: 'refused', resolved: 'refused' },
  agent_reply: { pending: 'refused', open: 'open', snoozed: 'open', resolved: 'refused' },
  snooze: { pending: 'refused', open: 'snoozed', snoozed: 'snoozed', resolved: 'refused' },
  wake: { pending: 'refused', open: 'refused', snoozed: 'open', resolved: 'refused' },
  resolve: { pending: 'resolved', open: 'resolved', snoozed: 'resolved', resolved: 'refused' },
  reopen: { pending: 'refused', open: 'refused', snoozed: 'refused', resolved: 'pending' },
  visitor_message: { pending: 'pending', open: 'open', snoozed: 'open', resolved: 'pending' },
  requeue: { pending: 'refused', open: 'pending', snoozed: 'refused', resolved: 'refused' },
};

const PAIRS = (Object.keys(EXPECTED) as ConversationActionType[]).flatMap((type) =>
  STATUSES.map((status) => ({ type, status, expected: EXPECTED[type][status] })),
);

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

describe('conversation status transitions', () => {
  it('covers every action of the table, and only those', () => {
    expect(Object.keys(CONVERSATION_TRANSITIONS).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(PAIRS.filter((pair) => pair.expected !== 'refused'))('$type on $status gives $expected', (pair) => {
    expect(transition(pair.status, action(pair.type), NOW)).toBe(pair.expected);
  });

  it.each(PAIRS.filter((pair) => pair.expected === 'refused'))('$type on $status is refused', (pair) => {
    const err = refusal(() => transition(pair.status, action(pair.type), NOW));
    expect(err.code).toBe('conversation_state_conflict');
    expect(err.status).toBe(409);
    expect(err.message).toContain(pair.status);
    expect(err.message).toContain(pair.type);
  });

  it('a visitor message reopens a resolved conversation into the queue and wakes a snoozed one', () => {
    expect(transition('resolved', { type: 'visitor_message' }, NOW)).toBe('pending');
    expect(transition('snoozed', { type: 'visitor_message' }, NOW)).toBe('open');
  });

  it('a conversation has an agent exactly when open or snoozed', () => {
    expect(STATUSES.filter(hasAgent)).toEqual(['open', 'snoozed']);
    // Every transition that leaves or enters the queue changes whether an agent is attached.
    for (const pair of PAIRS) {
      if (pair.expected === 'pending' && pair.status !== 'pending')
        expect(hasAgent(pair.expected)).toBe(false);
    }
  });
});

describe('snooze times', () => {
  it('accepts a time in the future, up to the maximum', () => {
    expect(transition('open', { type: 'snooze', until: NOW + 1 }, NOW)).toBe('snoozed');
    expect(transition('open', { type: 'snooze', until: NOW + MAX_SNOOZE_MS }, NOW)).toBe('snoozed');
  });

  it.each([
    ['now', NOW],
    ['the past', NOW - 1],
    ['seconds instead of milliseconds', Math.floor(NOW / 1000) + 3600],
    ['beyond the maximum', NOW + MAX_SNOOZE_MS + 1],
    ['a fraction', NOW + 0.5],
    ['NaN', Number.NaN],
    ['infinity', Number.POSITIVE_INFINITY],
  ])('refuses %s', (_label, until) => {
    const err = refusal(() => transition('open', { type: 'snooze', until }, NOW));
    expect(err.code).toBe('invalid_request');
    expect(err.details.field).toBe('until');
  });

  it('checks the status before the time', () => {
    const err = refusal(() => transition('resolved', { type: 'snooze', until: NOW - 1 }, NOW));
    expect(err.details.field).toBeUndefined();
  });
});
