import { expect, it } from 'vitest';
import type { Thread } from '@parley/protocol';
import { makeThread, sendMessage } from '../../server/test/support/fixtures.js';
import { applyEvent, fetchThreadState } from '../../server/test/support/verify-events.js';
import { useRealtimeServer } from './support-realtime/harness.js';

const h = useRealtimeServer();

/**
 * STYLE.md item 12: a client that keeps its state (messages, receipts,
 * participants, unread count) from the session's events alone, across a
 * dropped connection, ends equal to a fresh REST fetch.
 */
it("a client's state from the session's events equals a fresh fetch, across a reconnect", async () => {
  const [alice, bob, carol] = [await h.user('alice'), await h.user('bob'), await h.user('carol')];
  const api = h.server.api;
  const thread = await makeThread(api, { id: bob.id, token: bob.token }, [alice.id]);
  const { session, events, tap } = h.session(alice.token);
  await session.start();
  const before = await fetchThreadState(api, alice.token, thread.id);
  session.setPosition(thread.id, before.thread.lastPosition);
  const mark = events.events(thread.id).length;

  const bobUser = { id: bob.id, token: bob.token };
  const m1 = await sendMessage(api, bobUser, thread.id, 'one');
  const m2 = await sendMessage(api, bobUser, thread.id, 'two');
  session.sendMessage(thread.id, { content: 'from alice' });
  await api('PATCH', `/v1/threads/${thread.id}/messages/${m1.id}`, {
    auth: bob.token,
    body: { content: 'uno' },
  });
  tap.last().terminate();
  await api('DELETE', `/v1/threads/${thread.id}/messages/${m2.id}`, { auth: bob.token });
  await api('POST', `/v1/threads/${thread.id}/participants`, {
    auth: bob.token,
    body: { participants: [{ userId: carol.id }] },
  });
  await sendMessage(api, bobUser, thread.id, 'three');
  await api('PATCH', `/v1/threads/${thread.id}`, { auth: bob.token, body: { topic: 'verified' } });
  await events.until(() => events.all('caughtUp').length > 0, 'resumed');
  await api('POST', `/v1/threads/${thread.id}/read-receipts`, {
    auth: carol.token,
    body: { messageId: m1.id },
  });
  await session.markRead(thread.id, m1.id);
  await api('DELETE', `/v1/threads/${thread.id}/participants/${carol.id}`, { auth: bob.token });

  const { lastPosition } = (await api<Thread>('GET', `/v1/threads/${thread.id}`, { auth: alice.token })).body;
  await events.until(() => session.positions()[thread.id] === lastPosition, 'every event');
  const received = events.events(thread.id).slice(mark);
  expect(received.map((e) => e.pos)).toEqual(
    Array.from(
      { length: lastPosition - before.thread.lastPosition },
      (_, i) => before.thread.lastPosition + 1 + i,
    ),
  );
  let state = before;
  for (const event of received) state = applyEvent(state, event, alice.id);
  expect(state).toEqual(await fetchThreadState(api, alice.token, thread.id));
});
