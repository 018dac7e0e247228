import type { IssuedToken, Thread, User } from '@parley/protocol';
import type { AdminApi } from './api.js';
import { mapPool } from './pool.js';
import type { RoomSetup } from './types.js';

const HTTP_CONCURRENCY = 20;

/** Creates `rooms × roomSize` users with a token each, and one thread per room holding its members. */
export async function createRooms(
  api: AdminApi,
  runId: string,
  rooms: number,
  roomSize: number,
  log: (line: string) => void,
): Promise<RoomSetup[]> {
  const userIds = Array.from({ length: rooms * roomSize }, (_, i) => `bench-${runId}-u${i}`);
  let done = 0;
  const tokens = await mapPool(userIds, HTTP_CONCURRENCY, async (id, i) => {
    await api.request<User>('POST', '/v1/users', { id, displayName: `Bench user ${i}` });
    const issued = await api.request<IssuedToken>('POST', `/v1/users/${encodeURIComponent(id)}/tokens`, {});
    if (++done % 500 === 0) log(`  ${done}/${userIds.length} users with tokens`);
    return issued.token;
  });
  return mapPool(
    Array.from({ length: rooms }, (_, r) => r),
    HTTP_CONCURRENCY,
    async (r) => {
      const members = userIds
        .slice(r * roomSize, (r + 1) * roomSize)
        .map((userId, j) => ({ userId, token: tokens[r * roomSize + j] as string }));
      const thread = await api.request<Thread>('POST', '/v1/threads', {
        topic: `bench ${runId} room ${r}`,
        participants: members.map((m) => ({ userId: m.userId })),
      });
      return { threadId: thread.id, initialSequence: thread.lastSequence, members };
    },
  );
}

export interface StoreCheck {
  threads: number;
  /** Acks counted by the load generator over the whole run. */
  acked: number;
  /** Messages the threads gained during the run, from lastSequence. */
  stored: number;
  /** Threads whose lastSequence is below their highest acked sequence, or gained fewer messages than acked. */
  threadsMissingAcked: number;
  /** Threads that gained more messages than were acked (sends stored but whose ack never arrived). */
  threadsWithUnackedStored: number;
  errors: string[];
}

/** Compares each thread's lastSequence with the acks the load generator counted. */
export async function checkStored(
  api: AdminApi,
  rooms: RoomSetup[],
  acks: Map<string, { acked: number; maxAckedSequence: number }>,
): Promise<StoreCheck> {
  const check: StoreCheck = {
    threads: rooms.length,
    acked: 0,
    stored: 0,
    threadsMissingAcked: 0,
    threadsWithUnackedStored: 0,
    errors: [],
  };
  await mapPool(rooms, HTTP_CONCURRENCY, async (room) => {
    const ack = acks.get(room.threadId) ?? { acked: 0, maxAckedSequence: 0 };
    check.acked += ack.acked;
    try {
      const thread = await api.request<Thread>('GET', `/v1/threads/${encodeURIComponent(room.threadId)}`);
      const gained = thread.lastSequence - room.initialSequence;
      check.stored += gained;
      if (thread.lastSequence < ack.maxAckedSequence || gained < ack.acked) check.threadsMissingAcked++;
      else if (gained > ack.acked) check.threadsWithUnackedStored++;
    } catch (err) {
      check.threadsMissingAcked++;
      if (check.errors.length < 5) check.errors.push((err as Error).message);
    }
  });
  return check;
}
