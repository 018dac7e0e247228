import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Message, ResumeState, ServerFrame, ThreadEvent } from '@parley/protocol';
import type { ServerConfig } from '../src/config.js';
import { createUserWithToken, startTestServer, type TestServer } from './support/server.js';
import { TestSocket } from './support/ws-client.js';
import {
  createThread,
  isThreadEvent,
  lastPosition,
  restSend,
  sync,
  threadEvents,
  uid,
  waitForPos,
} from './support/realtime.js';

type User = { id: string; token: string };
type Ready = Extract<ServerFrame, { type: 'ready' }>;
type CaughtUp = Extract<ServerFrame, { type: 'caught_up' }>;
type Ack = Extract<ServerFrame, { type: 'ack' }>;

const noRateLimits = (config: ServerConfig) => {
  config.limits.userSendsPerSecond = 1_000_000;
  config.limits.threadSendsPerSecond = 1_000_000;
};

describe('real-time resume', () => {
  let server: TestServer;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    server = await startTestServer(noRateLimits);
  });

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  afterAll(async () => {
    await server.close();
  });

  const user = (s: TestServer, name: string): Promise<User> =>
    createUserWithToken(s.api, uid(name), { displayName: name });

  async function connect(s: TestServer, u: User, resume?: ResumeState): Promise<TestSocket> {
    const socket = await TestSocket.connect(s.wsUrl, u.token, resume);
    sockets.push(socket);
    return socket;
  }

  async function disconnect(socket: TestSocket): Promise<void> {
    socket.close();
    await socket.closed();
  }

  const readyOf = (socket: TestSocket) => socket.frames.find((f): f is Ready => f.type === 'ready')!;

  /** The frames after `ready`, up to and including `caught_up`. */
  async function replayOf(socket: TestSocket): Promise<{ frames: ServerFrame[]; caughtUp: CaughtUp }> {
    const caughtUp = await socket.next<CaughtUp>((f) => f.type === 'caught_up');
    const start = socket.frames.indexOf(readyOf(socket)) + 1;
    const end = socket.frames.indexOf(caughtUp);
    return { frames: socket.frames.slice(start, end), caughtUp };
  }

  let requestSeq = 0;
  /** Sends over the socket without waiting; resolves with the ack. */
  function wsSend(socket: TestSocket, threadId: string, content: string): Promise<Message> {
    const id = `send-${++requestSeq}`;
    socket.send({ type: 'send', id, threadId, content });
    return socket
      .next<Ack>((f) => (f.type === 'ack' || f.type === 'error') && f.id === id, 10_000)
      .then((ack) => {
        if (ack.type !== 'ack' || !ack.message) throw new Error(`send failed: ${JSON.stringify(ack)}`);
        return ack.message;
      });
  }

  const contents = (events: ThreadEvent[]) =>
    events.map((e) => (e.type === 'message.created' ? e.message.content : e.type));

  const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

  it('replays exactly the 100 missed events in order, then caught_up, then live events', async () => {
    const [alice, bob] = await Promise.all([user(server, 'alice'), user(server, 'bob')]);
    const thread = await createThread(server.api, alice.token, [bob.id]);
    const first = await connect(server, alice);
    const b = await connect(server, bob);
    await wsSend(first, thread.id, 'seen 1');
    await wsSend(first, thread.id, 'seen 2');
    await waitForPos(first, thread.id, 3);
    const lastSeen = Math.max(...threadEvents(first, thread.id).map((e) => e.pos));
    expect(lastSeen).toBe(3);
    const since = readyOf(first).serverTime;
    await disconnect(first);

    const missed: string[] = [];
    for (let i = 0; i < 100; i++) {
      const content = `missed ${i}`;
      missed.push(content);
      if (i % 2 === 0) await restSend(server.api, bob.token, thread.id, content);
      else await wsSend(b, thread.id, content);
    }

    const again = await connect(server, alice, { threads: { [thread.id]: lastSeen }, since });
    expect(readyOf(again).resuming).toBe(true);
    const { frames, caughtUp } = await replayOf(again);
    const replayed = frames.filter(isThreadEvent);
    expect(replayed).toHaveLength(frames.filter((f) => f.type !== 'presence').length);
    expect(replayed.every((e) => e.threadId === thread.id && e.type === 'message.created')).toBe(true);
    expect(replayed.map((e) => e.pos)).toEqual(range(lastSeen + 1, 100));
    expect(contents(replayed)).toEqual(missed);
    expect(caughtUp.replayed).toBe(100);

    const live = await restSend(server.api, bob.token, thread.id, 'live');
    expect(await waitForPos(again, thread.id, lastSeen + 101)).toMatchObject({ message: live });
    expect(again.frames.indexOf(caughtUp)).toBeLessThan(
      again.frames.findIndex((f) => isThreadEvent(f) && f.pos === lastSeen + 101),
    );
    await sync(again);
    expect(threadEvents(again, thread.id).map((e) => e.pos)).toEqual(range(lastSeen + 1, 101));
  });

  it('neither loses nor duplicates messages sent while the client resumes', async () => {
    const [alice, bob, carol] = await Promise.all([
      user(server, 'alice'),
      user(server, 'bob'),
      user(server, 'carol'),
    ]);
    const b = await connect(server, bob);
    // Several rounds: each reconnects at a different moment of a concurrent flood.
    for (let round = 0; round < 3; round++) {
      const thread = await createThread(server.api, alice.token, [bob.id, carol.id]);
      const first = await connect(server, alice);
      await restSend(server.api, carol.token, thread.id, 'before');
      await waitForPos(first, thread.id, 2);
      await disconnect(first);
      // Enough missed events for the replay to take several Store reads.
      await Promise.all(range(0, 700).map((i) => wsSend(b, thread.id, `missed ${i}`)));

      // Two writers at once, over both transports, until alice has caught up and a little after.
      let stop = false;
      const writer = async (send: (i: number) => Promise<unknown>) => {
        let i = 0;
        while (!stop) await send(i++);
        return i;
      };
      const writers = Promise.all([
        writer((i) =>
          Promise.all([wsSend(b, thread.id, `ws ${2 * i}`), wsSend(b, thread.id, `ws ${2 * i + 1}`)]),
        ),
        writer((i) => restSend(server.api, carol.token, thread.id, `rest ${i}`)),
      ]);
      await new Promise((resolve) => setTimeout(resolve, round * 5));
      const again = await connect(server, alice, { threads: { [thread.id]: 2 } });
      const caughtUp = await again.next<CaughtUp>((f) => f.type === 'caught_up');
      await new Promise((resolve) => setTimeout(resolve, 30));
      stop = true;
      const [wsBatches, restCount] = await writers;
      const final = await lastPosition(server.api, alice.token, thread.id);
      expect(final).toBe(2 + 700 + wsBatches * 2 + restCount);
      await waitForPos(again, thread.id, final);
      await sync(again);

      const events = threadEvents(again, thread.id);
      expect(events.map((e) => e.pos)).toEqual(range(3, final - 2));
      const ids = events.map((e) => (e as Extract<ThreadEvent, { type: 'message.created' }>).message.id);
      expect(new Set(ids).size).toBe(final - 2);
      expect(again.frames.filter((f) => f.type === 'caught_up')).toEqual([caughtUp]);
      expect(caughtUp.replayed).toBeGreaterThanOrEqual(700);
      // Per writer, in the order each one sent.
      const sent = contents(events);
      expect(sent.filter((c) => c.startsWith('ws '))).toEqual(range(0, wsBatches * 2).map((i) => `ws ${i}`));
      expect(sent.filter((c) => c.startsWith('rest '))).toEqual(range(0, restCount).map((i) => `rest ${i}`));
      again.close();
    }
  });

  it('replays threads joined while away from their join, using since', async () => {
    const [alice, bob] = await Promise.all([user(server, 'alice'), user(server, 'bob')]);
    const known = await createThread(server.api, alice.token, [bob.id]);
    const first = await connect(server, alice);
    await restSend(server.api, bob.token, known.id, 'seen');
    await waitForPos(first, known.id, 2);
    const since = readyOf(first).serverTime;
    await disconnect(first);

    const joined = await createThread(server.api, bob.token, [alice.id], { topic: 'while away' });
    for (let i = 0; i < 3; i++) await restSend(server.api, bob.token, joined.id, `new ${i}`);
    await restSend(server.api, bob.token, known.id, 'missed');
    // A thread bob made after alice left, without her, stays invisible.
    const foreign = await createThread(server.api, bob.token, []);
    await restSend(server.api, bob.token, foreign.id, 'not for alice');

    const again = await connect(server, alice, { threads: { [known.id]: 2 }, since });
    const { frames, caughtUp } = await replayOf(again);
    const replayed = frames.filter(isThreadEvent);
    expect(contents(replayed.filter((e) => e.threadId === known.id))).toEqual(['missed']);
    const fromJoined = replayed.filter((e) => e.threadId === joined.id);
    expect(fromJoined.map((e) => e.pos)).toEqual([1, 2, 3, 4]);
    expect(fromJoined[0]).toMatchObject({
      type: 'thread.created',
      thread: { id: joined.id, topic: 'while away' },
    });
    expect(contents(fromJoined.slice(1))).toEqual(['new 0', 'new 1', 'new 2']);
    expect(replayed.filter((e) => e.threadId === foreign.id)).toEqual([]);
    expect(caughtUp.replayed).toBe(5);

    // And it is followed live from then on.
    const live = await restSend(server.api, bob.token, joined.id, 'live');
    expect(await waitForPos(again, joined.id, 5)).toMatchObject({ message: live });
  });

  it('replays a thread the user was removed from while away up to the removal only', async () => {
    const [alice, bob] = await Promise.all([user(server, 'alice'), user(server, 'bob')]);
    const thread = await createThread(server.api, bob.token, [alice.id]);
    const b = await connect(server, bob);
    const first = await connect(server, alice);
    await restSend(server.api, bob.token, thread.id, 'seen');
    await waitForPos(first, thread.id, 2);
    await disconnect(first);

    await restSend(server.api, bob.token, thread.id, 'missed 1');
    await restSend(server.api, bob.token, thread.id, 'missed 2');
    const removed = await server.api('DELETE', `/v1/threads/${thread.id}/participants/${alice.id}`, {
      auth: bob.token,
    });
    expect(removed.status).toBe(204);
    await restSend(server.api, bob.token, thread.id, 'after removal 1');
    await restSend(server.api, bob.token, thread.id, 'after removal 2');

    const again = await connect(server, alice, { threads: { [thread.id]: 2 } });
    const { frames, caughtUp } = await replayOf(again);
    const replayed = frames.filter(isThreadEvent);
    expect(replayed.every((e) => e.threadId === thread.id)).toBe(true);
    const last = replayed.at(-1)!;
    expect(last).toMatchObject({ type: 'participant.removed', userIds: [alice.id] });
    expect(replayed.map((e) => e.pos)).toEqual(range(3, last.pos - 2));
    expect(contents(replayed).filter((c) => c.startsWith('missed') || c.startsWith('after'))).toEqual([
      'missed 1',
      'missed 2',
    ]);
    expect(caughtUp.replayed).toBe(replayed.length);

    // Nothing of the thread reaches her live either.
    await restSend(server.api, bob.token, thread.id, 'still nothing for alice');
    await waitForPos(b, thread.id, await lastPosition(server.api, bob.token, thread.id));
    await sync(again);
    expect(threadEvents(again, thread.id).map((e) => e.pos)).toEqual(replayed.map((e) => e.pos));
  });

  it('answers resync_required for a thread deleted while away, and the refetch says it is gone', async () => {
    const [alice, bob] = await Promise.all([user(server, 'alice'), user(server, 'bob')]);
    const thread = await createThread(server.api, bob.token, [alice.id]);
    const other = await createThread(server.api, bob.token, [alice.id]);
    const first = await connect(server, alice);
    await restSend(server.api, bob.token, thread.id, 'seen');
    await waitForPos(first, thread.id, 2);
    await disconnect(first);

    await restSend(server.api, bob.token, thread.id, 'missed, then deleted');
    expect((await server.api('DELETE', `/v1/threads/${thread.id}`, { auth: bob.token })).status).toBe(204);
    await restSend(server.api, bob.token, other.id, 'in the other thread');

    const again = await connect(server, alice, { threads: { [thread.id]: 2, [other.id]: 1 } });
    const { frames } = await replayOf(again);
    const replayed = frames.filter(isThreadEvent);
    // Participation in a deleted thread cannot be proved any more, so nothing of it is replayed.
    expect(replayed.filter((e) => e.threadId === thread.id)).toEqual([]);
    expect(frames).toContainEqual({ type: 'resync_required', threadId: thread.id, reason: 'unavailable' });
    expect((await server.api('GET', `/v1/threads/${thread.id}`, { auth: alice.token })).status).toBe(404);
    expect(contents(replayed.filter((e) => e.threadId === other.id))).toEqual(['in the other thread']);
  });

  describe('with resumeMaxEvents 10', () => {
    let small: TestServer;

    beforeAll(async () => {
      small = await startTestServer((config) => {
        noRateLimits(config);
        config.limits.resumeMaxEvents = 10;
      });
    });

    afterAll(async () => {
      await small.close();
    });

    it('answers resync_required for a thread too far behind, never a silent gap', async () => {
      const [alice, bob] = await Promise.all([user(small, 'alice'), user(small, 'bob')]);
      const near = await createThread(small.api, bob.token, [alice.id]);
      const far = await createThread(small.api, bob.token, [alice.id]);
      const first = await connect(small, alice);
      await disconnect(first);
      for (let i = 0; i < 3; i++) await restSend(small.api, bob.token, near.id, `near ${i}`);
      for (let i = 0; i < 15; i++) await restSend(small.api, bob.token, far.id, `far ${i}`);

      const again = await connect(small, alice, { threads: { [near.id]: 1, [far.id]: 1 } });
      const { frames, caughtUp } = await replayOf(again);
      expect(contents(frames.filter(isThreadEvent).filter((e) => e.threadId === near.id))).toEqual([
        'near 0',
        'near 1',
        'near 2',
      ]);
      expect(frames.filter(isThreadEvent).filter((e) => e.threadId === far.id)).toEqual([]);
      expect(frames.filter((f) => f.type === 'resync_required')).toEqual([
        { type: 'resync_required', threadId: far.id, reason: 'too_far_behind' },
      ]);
      expect(caughtUp.replayed).toBe(3);

      // The thread is still followed: after the refetch, live events continue from the current position.
      const live = await restSend(small.api, bob.token, far.id, 'live');
      expect(await waitForPos(again, far.id, 17)).toMatchObject({ message: live });
      await sync(again);
      expect(threadEvents(again, far.id).map((e) => e.pos)).toEqual([17]);
    });

    it('replays in full when exactly at the limit', async () => {
      const [alice, bob] = await Promise.all([user(small, 'alice'), user(small, 'bob')]);
      const thread = await createThread(small.api, bob.token, [alice.id]);
      const first = await connect(small, alice);
      await disconnect(first);
      for (let i = 0; i < 10; i++) await restSend(small.api, bob.token, thread.id, `m ${i}`);

      const again = await connect(small, alice, { threads: { [thread.id]: 1 } });
      const { frames, caughtUp } = await replayOf(again);
      expect(frames.filter((f) => f.type === 'resync_required')).toEqual([]);
      expect(frames.filter(isThreadEvent).map((e) => e.pos)).toEqual(range(2, 10));
      expect(caughtUp.replayed).toBe(10);
    });
  });
});
