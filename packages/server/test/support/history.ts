import type { Message, Thread } from '@parley/protocol';
import { allMessages } from './fixtures.js';
import type { StreamEntry } from './resuming-client.js';
import type { Api } from './server.js';

/**
 * A record of every send attempt of a fault test, and the checker that
 * compares it, and what the clients received, with what the database holds
 * at the end (read over REST with the admin key).
 *
 * Each attempt is an operation: `invoke` when it starts, then `ok` with the
 * acknowledged message or `fail` with the error. A failed attempt is
 * ambiguous (its message may or may not have been stored); only an
 * acknowledged one is a promise. Retries reuse the clientMessageId, so the
 * same logical message may have several attempts.
 */

export interface SendOp {
  op: number;
  clientMessageId: string;
  threadId: string;
  /** The node (URL) the attempt went to. */
  node: string;
  via: 'rest' | 'ws';
  invokedAt: number;
  outcome?:
    | { kind: 'ok'; at: number; message: Pick<Message, 'id' | 'sequence' | 'clientMessageId'> }
    | { kind: 'fail'; at: number; error: string; status?: number };
}

export class History {
  readonly ops: SendOp[] = [];

  invoke(attempt: Pick<SendOp, 'clientMessageId' | 'threadId' | 'node' | 'via'>): SendOp {
    const op: SendOp = { op: this.ops.length, ...attempt, invokedAt: Date.now() };
    this.ops.push(op);
    return op;
  }

  ok(op: SendOp, message: Message): void {
    op.outcome = {
      kind: 'ok',
      at: Date.now(),
      message: { id: message.id, sequence: message.sequence, clientMessageId: message.clientMessageId },
    };
  }

  fail(op: SendOp, error: string, status?: number): void {
    op.outcome = { kind: 'fail', at: Date.now(), error, ...(status !== undefined && { status }) };
  }

  /** The failed attempts, optionally only those that started in [from, to). */
  failures(from = 0, to = Infinity): SendOp[] {
    return this.ops.filter((o) => o.outcome?.kind === 'fail' && o.invokedAt >= from && o.invokedAt < to);
  }

  /** Counts for the summary line: logical messages, acknowledged ones, attempts, failed attempts. */
  summary(): { messages: number; acked: number; attempts: number; failedAttempts: number; pending: number } {
    const ids = new Set(this.ops.map((o) => `${o.threadId}/${o.clientMessageId}`));
    const acked = new Set(
      this.ops.filter((o) => o.outcome?.kind === 'ok').map((o) => `${o.threadId}/${o.clientMessageId}`),
    );
    return {
      messages: ids.size,
      acked: acked.size,
      attempts: this.ops.length,
      failedAttempts: this.failures().length,
      pending: this.ops.filter((o) => o.outcome === undefined).length,
    };
  }
}

/** What the database holds for one thread. */
export interface StoredThread {
  thread: Thread;
  /** Every message, ascending by sequence. */
  messages: Message[];
}

/** Reads the threads and all their messages over REST (admin key), following every page. */
export async function fetchStored(api: Api, threadIds: Iterable<string>): Promise<Map<string, StoredThread>> {
  const stored = new Map<string, StoredThread>();
  for (const threadId of threadIds) {
    const res = await api<Thread>('GET', `/v1/threads/${threadId}`);
    if (res.status !== 200)
      throw new Error(`GET thread ${threadId}: ${res.status} ${JSON.stringify(res.body)}`);
    stored.set(threadId, { thread: res.body, messages: await allMessages(api, threadId) });
  }
  return stored;
}

/** What the checker needs of a client: its recorded streams and where each starts. */
export interface Subscriber {
  name: string;
  streams: ReadonlyMap<string, readonly StreamEntry[]>;
  startPositions: ReadonlyMap<string, number>;
}

/**
 * Checks the history and the subscribers' streams against the stored
 * threads. Returns the problems found (empty when all is well):
 *
 * 1. every acknowledged send is stored, as the message it was acknowledged with;
 * 2. no clientMessageId is stored twice in a thread, and every ack of one
 *    clientMessageId names the same message;
 * 3. each thread's sequences are 1..n with no gap, and n is its lastSequence;
 * 4. each subscriber's stream of a thread (live and replayed) is exactly the
 *    stored event positions after its start, each once and in order, ending at
 *    the thread's lastPosition; and its `message.created` events carry the
 *    stored messages, in sequence order, none missing.
 */
export function checkHistory(
  history: History,
  stored: ReadonlyMap<string, StoredThread>,
  subscribers: readonly Subscriber[],
): string[] {
  const problems: string[] = [];

  // Stored messages by thread and clientMessageId (check 2 along the way).
  const byClientId = new Map<string, Message>();
  for (const [threadId, { thread, messages }] of stored) {
    for (const message of messages) {
      if (message.clientMessageId === null) continue;
      const key = `${threadId}/${message.clientMessageId}`;
      const earlier = byClientId.get(key);
      if (earlier) {
        problems.push(
          `clientMessageId ${key} stored twice: sequences ${earlier.sequence} and ${message.sequence}`,
        );
      } else byClientId.set(key, message);
    }
    // Check 3.
    messages.forEach((message, i) => {
      if (message.sequence !== i + 1 && problems.length < 1000) {
        problems.push(`${threadId}: message #${i + 1} has sequence ${message.sequence}`);
      }
    });
    if (messages.length !== thread.lastSequence) {
      problems.push(
        `${threadId}: ${messages.length} messages stored but lastSequence ${thread.lastSequence}`,
      );
    }
  }

  // Check 1 (and the second half of 2).
  const ackedAs = new Map<string, string>();
  for (const op of history.ops) {
    if (op.outcome?.kind !== 'ok') continue;
    const key = `${op.threadId}/${op.clientMessageId}`;
    const acked = op.outcome.message;
    const previous = ackedAs.get(key);
    if (previous !== undefined && previous !== acked.id) {
      problems.push(`${key} acknowledged as two messages: ${previous} and ${acked.id}`);
    }
    ackedAs.set(key, acked.id);
    const message = byClientId.get(key);
    if (!message)
      problems.push(
        `${key} acknowledged (${acked.id}, op ${op.op} via ${op.via} on ${op.node}) but not stored`,
      );
    else if (message.id !== acked.id || message.sequence !== acked.sequence) {
      problems.push(
        `${key} acknowledged as ${acked.id}#${acked.sequence} but stored as ${message.id}#${message.sequence}`,
      );
    }
  }

  // Check 4.
  for (const subscriber of subscribers) {
    for (const [threadId, start] of subscriber.startPositions) {
      const thread = stored.get(threadId);
      if (!thread) continue;
      problems.push(
        ...checkStream(subscriber.name, threadId, start, subscriber.streams.get(threadId) ?? [], thread),
      );
    }
  }
  return problems;
}

function checkStream(
  name: string,
  threadId: string,
  start: number,
  stream: readonly StreamEntry[],
  stored: StoredThread,
): string[] {
  const where = `${name} ${threadId}`;
  let expected = start + 1;
  let skipped = start > 0;
  const created: Message[] = [];
  for (const entry of stream) {
    if (entry.type === 'resync') {
      expected = Math.max(expected, entry.upTo + 1);
      skipped = true;
      continue;
    }
    if (entry.pos !== expected) {
      const what =
        entry.pos < expected ? 'duplicate or out of order' : `gap: missing ${expected}..${entry.pos - 1}`;
      return [`${where}: received pos ${entry.pos} where ${expected} was due (${what})`];
    }
    expected++;
    if (entry.type === 'message.created') created.push(entry.message);
  }
  const last = expected - 1;
  if (last !== stored.thread.lastPosition) {
    return [`${where}: stream ends at pos ${last}, the thread at ${stored.thread.lastPosition}`];
  }
  // Every message.created must carry the stored message of its sequence, in order; from the
  // beginning, they must be all the stored messages.
  const bySequence = new Map(stored.messages.map((m) => [m.sequence, m]));
  for (let i = 0; i < created.length; i++) {
    const message = created[i]!;
    const kept = bySequence.get(message.sequence);
    if (!kept || kept.id !== message.id || kept.content !== message.content) {
      return [
        `${where}: message.created #${message.sequence} (${message.id}) differs from the stored message`,
      ];
    }
    if (i > 0 && message.sequence !== created[i - 1]!.sequence + 1) {
      return [
        `${where}: message.created sequences jump from ${created[i - 1]!.sequence} to ${message.sequence}`,
      ];
    }
  }
  if (!skipped && created.length !== stored.messages.length) {
    return [`${where}: ${created.length} message.created events, ${stored.messages.length} messages stored`];
  }
  return [];
}

/** The problems, at most `max` of them, as one string for an assertion message. */
export function describeProblems(problems: string[], max = 40): string {
  const shown = problems.slice(0, max).join('\n');
  return problems.length > max ? `${shown}\n… and ${problems.length - max} more` : shown;
}
