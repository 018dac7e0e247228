// Dashboard accounts through the API (issue 6): setup, sign-in, sign-out, password change, disabling.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CLOSE_CODES,
  type Account,
  type AgentAccount,
  type AgentAccountList,
  type ErrorBody,
  type Agent,
  type Organization,
  type Session,
} from '@parley/protocol';
import { expectError, useTestServer } from './support/fixtures.js';
import {
  PASSWORD,
  authCall,
  invite,
  invitedAgent,
  linkMailedTo,
  session,
  setupAdmin,
  signIn,
  useSmtp,
  withMail,
} from './support/accounts.js';
import { sync } from './support/realtime.js';
import { TestSocket } from './support/ws-client.js';
import type { Api } from './support/server.js';

const TOKEN_REVOKED = CLOSE_CODES.token_revoked.code;

function me(api: Api, token: string) {
  return api<Account>('GET', '/v1/auth/me', { auth: token });
}

function setupBody(n: number, extra: Record<string, unknown> = {}) {
  return {
    email: `first-${n}@example.com`,
    password: PASSWORD,
    displayName: `First ${n}`,
    organizationName: `Org ${n}`,
    ...extra,
  };
}

describe('first-run setup', () => {
  const ts = useTestServer();

  it('creates the first admin and their organization once, then refuses', async () => {
    expect((await authCall(ts.api, 'GET', '/setup')).body).toEqual({ needed: true, organizations: [] });
    // A too-short password is refused by the schema, and nothing is set up.
    const short = await authCall(ts.api, 'POST', '/setup', { body: setupBody(0, { password: 'short' }) });
    expectError(short, 400, 'invalid_request');
    expect(short.body).toMatchObject({ error: { field: 'password' } });
    expect((await authCall(ts.api, 'GET', '/setup')).body).toEqual({ needed: true, organizations: [] });

    const created = await setupAdmin(ts.api, 'Admin@Example.com');
    expect(created.account).toMatchObject({
      email: 'admin@example.com',
      displayName: 'Ada Admin',
      role: 'admin',
      organizationId: expect.any(String),
      agent: { role: 'admin' },
    });
    expect(created.account.agent?.organizationId).toBe(created.account.organizationId);
    expect(Date.parse(created.expiresAt)).toBeGreaterThan(Date.now());
    const org = await ts.api<Organization>('GET', `/v1/organizations/${created.account.organizationId}`);
    expect(org.body.name).toBe('Acme');
    expect((await me(ts.api, created.accessToken)).body).toEqual(created.account);
    // The session is a tenant admin: it manages its organization.
    const agents = await ts.api('GET', `/v1/organizations/${org.body.id}/agents`, {
      auth: created.accessToken,
    });
    expect(agents.status).toBe(200);

    expect((await authCall(ts.api, 'GET', '/setup')).body).toEqual({ needed: false, organizations: [] });
    expectError(await authCall(ts.api, 'POST', '/setup', { body: setupBody(1) }), 409, 'setup_completed');
    expectError(await signIn(ts.api, 'first-1@example.com', PASSWORD), 401, 'invalid_credentials');
  });

  describe('on a server with an organization made through the API', () => {
    const fresh = useTestServer();

    it('offers it, and the first admin may join it instead of creating one', async () => {
      const made = await fresh.api<Organization>('POST', '/v1/organizations', { body: { name: 'Shop' } });
      expect(made.status).toBe(201);
      const status = await authCall<{ needed: boolean; organizations: { id: string; name: string }[] }>(
        fresh.api,
        'GET',
        '/setup',
      );
      expect(status.body).toEqual({ needed: true, organizations: [{ id: made.body.id, name: 'Shop' }] });

      // Exactly one of a new name and an existing organization; an unknown one is refused.
      const both = await authCall(fresh.api, 'POST', '/setup', {
        body: setupBody(1, { organizationId: made.body.id }),
      });
      expectError(both, 400, 'invalid_request');
      const { organizationName: _, ...neither } = setupBody(1);
      expectError(await authCall(fresh.api, 'POST', '/setup', { body: neither }), 400, 'invalid_request');
      const unknown = await authCall(fresh.api, 'POST', '/setup', {
        body: { ...neither, organizationId: 'org_unknown' },
      });
      expectError(unknown, 404, 'organization_not_found');
      expect((await authCall(fresh.api, 'GET', '/setup')).body).toMatchObject({ needed: true });

      const joined = await authCall<Session>(fresh.api, 'POST', '/setup', {
        body: { ...neither, organizationId: made.body.id },
      });
      expect(joined.status).toBe(201);
      expect(joined.body.account).toMatchObject({
        organizationId: made.body.id,
        agent: { organizationId: made.body.id, role: 'admin' },
      });
      const orgs = await fresh.api<{ items: Organization[] }>('GET', '/v1/organizations');
      expect(orgs.body.items.map((o) => [o.id, o.name])).toEqual([[made.body.id, 'Shop']]);
      expect((await authCall(fresh.api, 'GET', '/setup')).body).toEqual({ needed: false, organizations: [] });
    });
  });

  describe('concurrently on a fresh server', () => {
    const fresh = useTestServer();

    it('lets exactly one of five setups win, with one organization', async () => {
      const before = await fresh.api<{ items: Organization[] }>('GET', '/v1/organizations');
      const results = await Promise.all(
        [1, 2, 3, 4, 5].map((n) => authCall<Session>(fresh.api, 'POST', '/setup', { body: setupBody(n) })),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
      for (const r of results.filter((r) => r.status === 409)) expectError(r, 409, 'setup_completed');
      const winner = results.find((r) => r.status === 201)!.body;
      const after = await fresh.api<{ items: Organization[] }>('GET', '/v1/organizations');
      expect(after.body.items.length).toBe(before.body.items.length + 1);
      expect(after.body.items.map((o) => o.id)).toContain(winner.account.organizationId);
      // Only the winner can sign in.
      for (const n of [1, 2, 3, 4, 5]) {
        const res = await signIn(fresh.api, `first-${n}@example.com`, PASSWORD);
        expect(res.status).toBe(`first-${n}@example.com` === winner.account.email ? 200 : 401);
      }
    });
  });
});

describe('with an admin', () => {
  const smtp = useSmtp();
  const ts = useTestServer(withMail(smtp));
  let admin: Session;
  let orgId: string;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    admin = await setupAdmin(ts.api);
    orgId = admin.account.organizationId!;
    return () => sockets.forEach((s) => s.close());
  });

  async function connect(token: string): Promise<TestSocket> {
    const socket = await TestSocket.connect(ts.wsUrl, token);
    sockets.push(socket);
    return socket;
  }

  let agentSeq = 0;
  /** A fresh invited agent of the admin's organization, signed in. */
  function agent(): Promise<Session> {
    return invitedAgent(ts.api, smtp, admin.accessToken, orgId, `agent-${++agentSeq}@example.com`);
  }

  describe('sign-in', () => {
    it('starts a session whose token works, with the email in any case', async () => {
      const res = await signIn(ts.api, '  ADMIN@example.COM ', PASSWORD);
      expect(res.status).toBe(200);
      expect(res.body.account).toEqual(admin.account);
      expect(res.body.accessToken).not.toBe(admin.accessToken);
      const got = await me(ts.api, res.body.accessToken);
      expect(got.status).toBe(200);
      expect(got.body.userId).toBe(admin.account.userId);
    });

    it('answers every failure with the same invalid_credentials', async () => {
      await invite(ts.api, admin.accessToken, orgId, 'pending@example.com');
      const failures = [
        await signIn(ts.api, 'admin@example.com', 'not the password'),
        await signIn(ts.api, 'nobody@example.com', PASSWORD),
        // Invited, not yet accepted: no password at all.
        await signIn(ts.api, 'pending@example.com', PASSWORD),
        await signIn(ts.api, 'pending@example.com', ''),
      ];
      for (const res of failures.slice(0, 3)) expectError(res, 401, 'invalid_credentials');
      const messages = failures.slice(0, 3).map((r) => (r.body as unknown as ErrorBody).error.message);
      expect(new Set(messages).size).toBe(1);
      expect(failures[3]!.status).toBe(400);
    });

    it('limits attempts per email, whatever the address: the sixth within a minute gets 429', async () => {
      const victim = await agent();
      const email = victim.account.email;
      for (let i = 0; i < 5; i++)
        expectError(await signIn(ts.api, email, 'wrong password'), 401, 'invalid_credentials');
      // The right password now, from yet another address: still limited.
      const limited = await signIn(ts.api, email, PASSWORD);
      expectError(limited, 429, 'rate_limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another email is not affected.
      expect((await signIn(ts.api, 'admin@example.com', PASSWORD)).status).toBe(200);
    });
  });

  describe('sign-out', () => {
    it('revokes the token and closes its live connection, and only that session', async () => {
      const one = await session(ts.api, 'admin@example.com');
      const two = await session(ts.api, 'admin@example.com');
      const socketOne = await connect(one.accessToken);
      const socketTwo = await connect(two.accessToken);
      const out = await authCall(ts.api, 'POST', '/sign-out', { auth: one.accessToken });
      expect(out.status).toBe(204);
      expect(await socketOne.closed()).toBe(TOKEN_REVOKED);
      expectError(await me(ts.api, one.accessToken), 401, 'token_revoked');
      expectError(
        await authCall(ts.api, 'POST', '/sign-out', { auth: one.accessToken }),
        401,
        'token_revoked',
      );
      // The other session goes on, over HTTP and live.
      expect((await me(ts.api, two.accessToken)).status).toBe(200);
      await sync(socketTwo);
      expect(socketTwo.closeCode).toBeNull();
      // A new connection with the revoked token is refused.
      const late = await TestSocket.open(ts.wsUrl);
      sockets.push(late);
      late.send({ type: 'hello', token: one.accessToken });
      expect(await late.closed()).toBe(TOKEN_REVOKED);
    });

    it('refuses a token that is not a dashboard session', async () => {
      const created = await ts.api('POST', '/v1/users', { body: { id: 'plain-user', displayName: 'Plain' } });
      expect(created.status).toBe(201);
      const token = await ts.api<{ token: string }>('POST', '/v1/users/plain-user/tokens', { body: {} });
      expectError(await authCall(ts.api, 'POST', '/sign-out', { auth: token.body.token }), 403, 'forbidden');
    });
  });

  describe('password change', () => {
    it('needs the current password, then ends every session and starts a new one', async () => {
      const mine = await agent();
      const other = await session(ts.api, mine.account.email);
      const socket = await connect(other.accessToken);
      const wrong = await authCall(ts.api, 'POST', '/password', {
        auth: mine.accessToken,
        body: { currentPassword: 'not it at all', newPassword: 'a brand new password' },
      });
      expectError(wrong, 401, 'invalid_credentials');
      expect((await me(ts.api, mine.accessToken)).status).toBe(200);

      const changed = await authCall<Session>(ts.api, 'POST', '/password', {
        auth: mine.accessToken,
        body: { currentPassword: PASSWORD, newPassword: 'a brand new password' },
      });
      expect(changed.status).toBe(200);
      expect(changed.body.account.userId).toBe(mine.account.userId);
      expect(await socket.closed()).toBe(TOKEN_REVOKED);
      expectError(await me(ts.api, mine.accessToken), 401, 'token_revoked');
      expectError(await me(ts.api, other.accessToken), 401, 'token_revoked');
      expect((await me(ts.api, changed.body.accessToken)).status).toBe(200);
      expectError(await signIn(ts.api, mine.account.email, PASSWORD), 401, 'invalid_credentials');
      expect((await signIn(ts.api, mine.account.email, 'a brand new password')).status).toBe(200);
    });

    it('refuses a too-short new password', async () => {
      const res = await authCall(ts.api, 'POST', '/password', {
        auth: admin.accessToken,
        body: { currentPassword: PASSWORD, newPassword: 'short' },
      });
      expectError(res, 400, 'invalid_request');
      expect(res.body).toMatchObject({ error: { field: 'newPassword' } });
    });
  });

  describe('disabling an agent', () => {
    const disable = (auth: string, userId: string, disabled: boolean) =>
      ts.api<Account>('PUT', `/v1/organizations/${orgId}/agents/${userId}/disabled`, {
        auth,
        body: { disabled },
      });
    const agentOf = async (userId: string) =>
      (await ts.api<Agent>('GET', `/v1/organizations/${orgId}/agents/${userId}`)).body;

    it('ends their sessions, closes their connections, refuses sign-in and sets them offline', async () => {
      const victim = await agent();
      const { userId, email } = victim.account;
      const patched = await ts.api('PATCH', `/v1/organizations/${orgId}/agents/${userId}`, {
        auth: victim.accessToken,
        body: { status: 'online' },
      });
      expect(patched.status, JSON.stringify(patched.body)).toBe(200);
      expect((await agentOf(userId)).status).toBe('online');
      const socket = await connect(victim.accessToken);

      const res = await disable(admin.accessToken, userId, true);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ userId, email, agent: { status: 'offline' } });
      expect(await socket.closed()).toBe(TOKEN_REVOKED);
      expectError(await me(ts.api, victim.accessToken), 401, 'token_revoked');
      expectError(await signIn(ts.api, email, PASSWORD), 401, 'invalid_credentials');
      expect((await agentOf(userId)).status).toBe('offline');

      // Enabled again (here with the API key): they sign in again, the old token stays revoked.
      expect((await disable(ts.apiKey, userId, false)).status).toBe(200);
      const back = await signIn(ts.api, email, PASSWORD);
      expect(back.status).toBe(200);
      expect((await me(ts.api, back.body.accessToken)).status).toBe(200);
      expectError(await me(ts.api, victim.accessToken), 401, 'token_revoked');
    });

    it('refuses an admin disabling themselves, and non-admins', async () => {
      expectError(await disable(admin.accessToken, admin.account.userId, true), 403, 'forbidden');
      expect((await me(ts.api, admin.accessToken)).status).toBe(200);
      const plain = await agent();
      const other = await agent();
      const res = await disable(plain.accessToken, other.account.userId, true);
      expect([403, 404]).toContain(res.status);
      expect((await me(ts.api, other.accessToken)).status).toBe(200);
      expectError(await disable(admin.accessToken, 'usr_unknown', true), 404, 'agent_not_found');
    });
  });
  describe('listing agent accounts', () => {
    const list = (auth: string, organizationId = orgId) =>
      ts.api<AgentAccountList>('GET', `/v1/organizations/${organizationId}/agent-accounts`, { auth });
    const entryOf = async (userId: string): Promise<AgentAccount | undefined> => {
      const res = await list(admin.accessToken);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.items.find((a) => a.userId === userId);
    };
    const accept = async (email: string): Promise<Session> => {
      const { token } = await linkMailedTo(smtp, email, 'invite');
      const res = await authCall<Session>(ts.api, 'POST', '/invitations/accept', {
        body: { token, password: PASSWORD },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    };

    it('shows each account’s email, pending invitation and disabled state as they change', async () => {
      const invitation = await invite(ts.api, admin.accessToken, orgId, 'Listed@Example.com');
      const { userId } = invitation;
      expect(await entryOf(userId)).toEqual({
        userId,
        email: 'listed@example.com',
        disabled: false,
        invitationPending: true,
      });
      await accept('listed@example.com');
      expect(await entryOf(userId)).toMatchObject({ disabled: false, invitationPending: false });
      const disable = (disabled: boolean) =>
        ts.api('PUT', `/v1/organizations/${orgId}/agents/${userId}/disabled`, {
          auth: admin.accessToken,
          body: { disabled },
        });
      expect((await disable(true)).status).toBe(200);
      expect(await entryOf(userId)).toMatchObject({ disabled: true, invitationPending: false });
      expect((await disable(false)).status).toBe(200);
      expect(await entryOf(userId)).toMatchObject({ disabled: false, invitationPending: false });

      // The admin is listed too; an agent without a dashboard account is left out; sorted by email.
      expect(
        (await ts.api('POST', '/v1/users', { body: { id: 'no-account', displayName: 'No' } })).status,
      ).toBe(201);
      const added = await ts.api('POST', `/v1/organizations/${orgId}/agents`, {
        body: { userId: 'no-account', status: 'offline' },
      });
      expect(added.status, JSON.stringify(added.body)).toBe(201);
      const all = (await list(admin.accessToken)).body.items;
      expect(all.find((a) => a.userId === admin.account.userId)).toEqual({
        userId: admin.account.userId,
        email: 'admin@example.com',
        disabled: false,
        invitationPending: false,
      });
      expect(all.some((a) => a.userId === 'no-account')).toBe(false);
      const emails = all.map((a) => a.email);
      expect(emails).toEqual([...emails].sort());
      // The API key may read it as well.
      expect((await list(ts.apiKey)).body).toEqual({ items: all });
    });

    it('refuses agents who are not admins, and other organizations’ admins', async () => {
      const plain = await agent();
      expectError(await list(plain.accessToken), 403, 'forbidden');

      const other = await ts.api<Organization>('POST', '/v1/organizations', { body: { name: 'Other' } });
      expect(other.status).toBe(201);
      await invite(ts.api, ts.apiKey, other.body.id, 'other-admin@example.com', { role: 'admin' });
      const otherAdmin = await accept('other-admin@example.com');
      expect(otherAdmin.account.agent?.role).toBe('admin');
      // Their own organization's list works; ours is refused, and lists nothing of theirs.
      const theirs = await list(otherAdmin.accessToken, other.body.id);
      expect(theirs.status).toBe(200);
      expect(theirs.body.items.map((a) => a.email)).toEqual(['other-admin@example.com']);
      expectError(await list(otherAdmin.accessToken), 403, 'forbidden');
      expect((await list(admin.accessToken)).body.items.map((a) => a.email)).not.toContain(
        'other-admin@example.com',
      );
      expectError(await list(ts.apiKey, 'org_unknown'), 404, 'organization_not_found');
    });
  });
});
