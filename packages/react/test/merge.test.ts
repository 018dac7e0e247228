import { describe, expect, it } from 'vitest';
import type { LocalMessage, Message } from '@parley/sdk';
import { mergeMessages, upsertMessages } from '../src/stores/merge.js';
import { ExternalStore } from '../src/stores/external-store.js';

function message(sequence: number, extra: Partial<Message> = {}): Message {
  return {
    id: `m${sequence}`,
    threadId: 't',
    sequence,
    type: 'text',
    content: `#${sequence}`,
    senderId: 'bob',
    senderDisplayName: 'Bob',
    metadata: {},
    clientMessageId: null,
    createdAt: new Date(1_700_000_000_000 + sequence).toISOString(),
    editedAt: null,
    deletedAt: null,
    ...extra,
  };
}

function local(id: string, state: LocalMessage['state'], stored?: Message): LocalMessage {
  return {
    clientMessageId: id,
    threadId: 't',
    content: id,
    type: 'text',
    createdAt: new Date(1_800_000_000_000).toISOString(),
    state,
    ...(stored && { message: stored }),
  };
}

describe('upsertMessages', () => {
  it('keeps sequence order and one entry per sequence, the incoming one winning', () => {
    const edited = message(2, { content: 'edited' });
    const merged = upsertMessages([message(3), message(1), message(2)], [edited, message(4)]);
    expect(merged.map((m) => m.sequence)).toEqual([1, 2, 3, 4]);
    expect(merged[1]!.content).toBe('edited');
  });
});

describe('mergeMessages', () => {
  it('puts unconfirmed echoes after the stored messages, and attaches local state to our stored ones', () => {
    const ours = message(2, { senderId: 'alice', clientMessageId: 'c1' });
    const items = mergeMessages([message(1), ours], [local('c1', 'delivered', ours), local('c2', 'pending')]);
    expect(items.map((i) => [i.kind, i.key])).toEqual([
      ['server', 'm1'],
      ['server', 'c1'],
      ['local', 'c2'],
    ]);
    expect(items[1]!.kind === 'server' && items[1]!.local?.state).toBe('delivered');
  });

  it('shows an acknowledged message whose event has not arrived yet in sequence order, under the same key', () => {
    const acked = message(3, { senderId: 'alice', clientMessageId: 'c1' });
    const items = mergeMessages(
      [message(1), message(4)],
      [local('c1', 'sent', acked), local('c2', 'failed')],
    );
    expect(items.map((i) => i.key)).toEqual(['m1', 'c1', 'm4', 'c2']);
  });
});

describe('ExternalStore', () => {
  it('notifies only on a new snapshot and attaches to the source while someone listens', () => {
    const calls: string[] = [];
    const store = new ExternalStore(0, {
      onFirstSubscribe: () => calls.push('attach'),
      onLastUnsubscribe: () => calls.push('detach'),
    });
    let seen = 0;
    const offA = store.subscribe(() => seen++);
    const offB = store.subscribe(() => seen++);
    store.set(0);
    store.set(1);
    offA();
    offA();
    offB();
    expect(seen).toBe(2);
    expect(calls).toEqual(['attach', 'detach']);
  });
});
