import { describe, expect, it } from 'vitest';
import { Backoff } from '../src/realtime/backoff.js';
import {
  ConnectionStateMachine,
  IllegalTransitionError,
  canTransition,
  type ConnectionState,
} from '../src/realtime/connection-state.js';
import { PositionTracker } from '../src/realtime/positions.js';

describe('Backoff', () => {
  it('grows exponentially with full jitter, capped', () => {
    const top = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 0.999999 });
    expect(Array.from({ length: 6 }, () => top.next())).toEqual([99, 199, 399, 799, 999, 999]);
    const bottom = new Backoff({ initialMs: 100, random: () => 0 });
    expect(bottom.next()).toBe(0);
  });

  it('resets only after a stable connection', () => {
    let now = 0;
    const backoff = new Backoff({ initialMs: 100, stableAfterMs: 5000, random: () => 0.5, now: () => now });
    backoff.next();
    backoff.next();
    backoff.connected();
    now += 1000;
    backoff.disconnected();
    expect(backoff.next()).toBe(200); // a flapping connection keeps backing off
    backoff.connected();
    now += 5000;
    backoff.disconnected();
    expect(backoff.next()).toBe(50);
  });
});

describe('ConnectionStateMachine', () => {
  it('allows the documented transitions and throws on any other', () => {
    const seen: [ConnectionState, ConnectionState][] = [];
    const machine = new ConnectionStateMachine((state, previous) => seen.push([previous, state]));
    machine.to('connecting');
    machine.to('connected');
    machine.to('reconnecting');
    machine.to('connecting');
    machine.to('stopped');
    machine.to('connecting');
    expect(seen).toHaveLength(6);
    expect(() => machine.to('idle')).toThrow(IllegalTransitionError);
    expect(canTransition('idle', 'connected')).toBe(false);
    expect(canTransition('stopped', 'reconnecting')).toBe(false);
    expect(canTransition('reconnecting', 'connected')).toBe(false);
  });
});

describe('PositionTracker', () => {
  const event = (threadId: string, pos: number) =>
    ({ type: 'thread.deleted', threadId, pos, at: '2030-01-01T00:00:00.000Z' }) as const;

  it('drops duplicates, reports gaps, and builds the resume state', () => {
    const positions = new PositionTracker();
    expect(positions.resume()).toBeUndefined();
    expect(positions.accept(event('a', 7))).toBe('new'); // first seen: joined late
    expect(positions.accept(event('a', 8))).toBe('new');
    expect(positions.accept(event('a', 8))).toBe('duplicate');
    expect(positions.accept(event('a', 5))).toBe('duplicate');
    expect(positions.accept(event('a', 10))).toBe('gap');
    positions.markReady(1234);
    expect(positions.resume()).toEqual({ threads: { a: 10 }, since: 1234 });
  });
});
