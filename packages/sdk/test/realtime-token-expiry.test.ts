import { expect, it } from 'vitest';
import { makeThread, sendMessage } from '../../server/test/support/fixtures.js';
import { tokenCredential } from '../src/credentials.js';
import { useRealtimeServer } from './support-realtime/harness.js';

const h = useRealtimeServer();

it('an expired token (4101) is refreshed through the credential, then the session resumes', async () => {
  const [alice, bob] = [await h.user('alice', { expiresInSeconds: 60 }), await h.user('bob')];
  const reasons: string[] = [];
  const credential = tokenCredential({
    token: alice.token,
    // The credential judges expiry by the local clock, which the test does not move.
    refreshBeforeSeconds: 0,
    refresh: async (reason) => {
      reasons.push(reason);
      const issued = await h.server.api<{ token: string }>('POST', `/v1/users/${alice.id}/tokens`, {
        body: {},
      });
      return issued.body.token;
    },
  });
  const { session, events } = h.session(credential);
  await session.start();
  const thread = await makeThread(h.server.api, { id: bob.id, token: bob.token }, [alice.id]);
  await events.until(() => events.all('chatThreadCreated').length === 1, 'thread created');
  // The server's clock passes the token's expiry: its once-a-second check closes with 4101.
  h.clock.offsetMs += 61_000;
  await sendMessage(h.server.api, { id: bob.id, token: bob.token }, thread.id, 'while expiring');
  await events.until(() => events.all('connected').length === 2, 'reconnected');
  await events.until(() => events.all('chatMessageReceived').length === 1, 'message');
  expect(events.all('disconnected')[0]).toMatchObject({ code: 4101, action: 'refresh' });
  expect(reasons).toEqual(['rejected']);
  expect(events.all('connected')[1]?.resuming).toBe(true);
  expect(events.events(thread.id).map((e) => e.pos)).toEqual([1, 2]);
});

it('a revoked token (4102) lets a disconnected listener stop the session, as an app signing out does', async () => {
  const alice = await h.user('alice-signs-out');
  const { session, events } = h.session(alice.token);
  await session.start();
  // Before the fix, the session then tried to reconnect from `stopped` and threw (an unhandled error).
  session.on('disconnected', () => session.stop());
  const revoked = await h.server.api('DELETE', `/v1/users/${alice.id}/tokens`);
  expect(revoked.status).toBe(204);
  await events.until(() => events.all('disconnected').length === 1, 'disconnected');
  expect(events.all('disconnected')[0]).toMatchObject({ code: 4102 });
  expect(session.state).toBe('stopped');
  expect(events.all('reconnecting')).toEqual([]);
});
