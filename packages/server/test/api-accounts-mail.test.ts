// Dashboard accounts by mail (issue 6), read from a real SMTP server in-process: password reset and
// invitations; and the inbox feed that invited agents receive live.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CLOSE_CODES,
  type Conversation,
  type Organization,
  type ServerFrame,
  type Session,
} from '@parley/protocol';
import { createUserWithToken } from './support/server.js';
import { expectError, uid, useTestServer } from './support/fixtures.js';
import {
  PASSWORD,
  PUBLIC_URL,
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
import {
  createWidget,
  manyVisitorRequests,
  visitorWithConversation,
  type Widget,
} from './support/livechat.js';
import { sync } from './support/realtime.js';
import { startSmtp } from './support/smtp.js';
import { TestSocket } from './support/ws-client.js';

const NEW_PASSWORD = 'another long password';

// Declared before the server, so it listens first and closes last.
const smtp = useSmtp();
const ts = useTestServer((c) => {
  withMail(smtp)(c);
  manyVisitorRequests(c);
});
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

const me = (token: string) => ts.api('GET', '/v1/auth/me', { auth: token });
const requestReset = (email: string) => authCall(ts.api, 'POST', '/password-reset', { body: { email } });
const confirmReset = (token: string, password = NEW_PASSWORD) =>
  authCall(ts.api, 'POST', '/password-reset/confirm', { body: { token, password } });
const accept = (token: string, password = PASSWORD) =>
  authCall<Session>(ts.api, 'POST', '/invitations/accept', { body: { token, password } });

describe('password reset', () => {
  it('mails a link that sets the password once and ends every session', async () => {
    const agent = await invitedAgent(ts.api, smtp, admin.accessToken, orgId, 'forgetful@example.com');
    const socket = await connect(agent.accessToken);
    const res = await requestReset('Forgetful@Example.com');
    expect(res.status).toBe(202);
    const { mail, url, token } = await linkMailedTo(smtp, 'forgetful@example.com', 'reset');
    expect(url).toBe(`${PUBLIC_URL}/app/#/reset?token=${token}`);
    expect(mail.mail.from?.value[0]?.address).toBe('noreply@parley.test');
    // Requesting does not change anything yet.
    expect((await me(agent.accessToken)).status).toBe(200);

    expect((await confirmReset(token)).status).toBe(204);
    expect(await socket.closed()).toBe(CLOSE_CODES.token_revoked.code);
    expectError(await me(agent.accessToken), 401, 'token_revoked');
    expectError(await signIn(ts.api, 'forgetful@example.com', PASSWORD), 401, 'invalid_credentials');
    expect((await signIn(ts.api, 'forgetful@example.com', NEW_PASSWORD)).status).toBe(200);
    // Used once: the same link again changes nothing.
    expectError(await confirmReset(token, 'a third password here'), 400, 'link_invalid');
    expectError(
      await signIn(ts.api, 'forgetful@example.com', 'a third password here'),
      401,
      'invalid_credentials',
    );
  });

  it('answers 202 for an unknown email and mails nothing', async () => {
    const before = smtp.delivered.length;
    const res = await requestReset('nobody-here@example.com');
    expect(res.status).toBe(202);
    expect(res.body).toBeNull();
    // A mail to a known address sent afterwards arrives alone: nothing was queued for the unknown one.
    await requestReset('admin@example.com');
    const { token } = await linkMailedTo(smtp, 'admin@example.com', 'reset');
    expect(smtp.delivered.length).toBe(before + 1);
    expect(smtp.delivered.some((d) => d.rcptTo.includes('nobody-here@example.com'))).toBe(false);
    // Keep the admin's password: the link is of the reset kind only.
    expectError(await accept(token), 400, 'link_invalid');
  });

  it('lets no older reset link undo a newer password', async () => {
    await invitedAgent(ts.api, smtp, admin.accessToken, orgId, 'twice@example.com');
    await requestReset('twice@example.com');
    const first = await linkMailedTo(smtp, 'twice@example.com', 'reset');
    await requestReset('twice@example.com');
    const mails = () =>
      smtp.delivered.filter(
        (d) => d.rcptTo.includes('twice@example.com') && /reset\?token=/.test(d.mail.text ?? ''),
      );
    const second = await (async () => {
      for (;;) {
        const found = mails().find((d) => !(d.mail.text ?? '').includes(first.token));
        if (found) return /token=(rt_[A-Za-z0-9_-]+)/.exec(found.mail.text ?? '')![1]!;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    expect((await confirmReset(second)).status).toBe(204);
    expectError(await confirmReset(first.token, 'the attacker chose this'), 400, 'link_invalid');
    expect((await signIn(ts.api, 'twice@example.com', NEW_PASSWORD)).status).toBe(200);
  });

  it('refuses unknown and malformed links', async () => {
    expectError(await confirmReset(`rt_${'x'.repeat(43)}`), 400, 'link_invalid');
    expectError(await confirmReset('nope'), 400, 'invalid_request');
  });
});

describe('invitations', () => {
  it('mails a link; accepting it makes a signed-in agent of the organization, once', async () => {
    const invited = await invite(ts.api, admin.accessToken, orgId, 'New.Agent@Example.com');
    expect(invited).toMatchObject({ email: 'new.agent@example.com', organizationId: orgId });
    const { url, token } = await linkMailedTo(smtp, 'new.agent@example.com', 'invite');
    expect(url).toBe(`${PUBLIC_URL}/app/#/invite?token=${token}`);
    // Waiting for acceptance: the agent exists, offline.
    const agent = await ts.api('GET', `/v1/organizations/${orgId}/agents/${invited.userId}`);
    expect(agent.body).toMatchObject({ organizationId: orgId, role: 'agent', status: 'offline' });

    const accepted = await accept(token);
    expect(accepted.status).toBe(200);
    expect(accepted.body.account).toMatchObject({
      userId: invited.userId,
      email: 'new.agent@example.com',
      organizationId: orgId,
      agent: { organizationId: orgId, role: 'agent' },
    });
    expect((await me(accepted.body.accessToken)).status).toBe(200);
    expectError(await accept(token, 'someone elses password'), 400, 'link_invalid');
    expect((await session(ts.api, 'new.agent@example.com')).account.userId).toBe(invited.userId);
    // A reset link is not an invitation.
    expectError(await confirmReset(token), 400, 'link_invalid');
  });

  it('works with the API key, and refuses a taken email', async () => {
    const invited = await invite(ts.api, ts.apiKey, orgId, 'by-key@example.com');
    expect(invited.organizationId).toBe(orgId);
    await linkMailedTo(smtp, 'by-key@example.com', 'invite');
    for (const email of ['by-key@example.com', 'ADMIN@example.com']) {
      const res = await ts.api('POST', `/v1/organizations/${orgId}/invitations`, {
        auth: admin.accessToken,
        body: { email, displayName: 'Again' },
      });
      expectError(res, 409, 'email_taken');
    }
    expect(smtp.delivered.filter((d) => d.rcptTo.includes('by-key@example.com'))).toHaveLength(1);
  });

  it('makes an invited admin the admin of that organization only, never of the tenant', async () => {
    await invite(ts.api, admin.accessToken, orgId, 'org-admin@example.com', { role: 'admin' });
    const { token } = await linkMailedTo(smtp, 'org-admin@example.com', 'invite');
    const orgAdmin = (await accept(token)).body;
    expect(orgAdmin.account).toMatchObject({
      role: 'agent',
      agent: { role: 'admin', organizationId: orgId },
    });
    // Manages their organization…
    const department = await ts.api('POST', `/v1/organizations/${orgId}/departments`, {
      auth: orgAdmin.accessToken,
      body: { name: 'Billing' },
    });
    expect(department.status).toBe(201);
    // …but not another one, nor the tenant's users and tokens.
    const other = await ts.api<Organization>('POST', '/v1/organizations', { body: { name: uid('other') } });
    const elsewhere = await ts.api('POST', `/v1/organizations/${other.body.id}/departments`, {
      auth: orgAdmin.accessToken,
      body: { name: 'Nope' },
    });
    expect([403, 404]).toContain(elsewhere.status);
    expectError(
      await ts.api('POST', '/v1/users', { auth: orgAdmin.accessToken, body: { displayName: 'x' } }),
      403,
      'forbidden',
    );
  });

  it('refuses an agent who is not an admin', async () => {
    const agent = await invitedAgent(ts.api, smtp, admin.accessToken, orgId, 'plain-agent@example.com');
    const res = await ts.api('POST', `/v1/organizations/${orgId}/invitations`, {
      auth: agent.accessToken,
      body: { email: 'sneaky@example.com', displayName: 'Sneaky' },
    });
    expect([403, 404], JSON.stringify(res.body)).toContain(res.status);
    expectError(await signIn(ts.api, 'sneaky@example.com', PASSWORD), 401, 'invalid_credentials');
    expect(smtp.delivered.some((d) => d.rcptTo.includes('sneaky@example.com'))).toBe(false);
  });
});

describe('without SMTP', () => {
  const bare = useTestServer();

  it('refuses resets and invitations with mail_not_configured', async () => {
    const admin = await setupAdmin(bare.api, 'solo@example.com');
    const org = admin.account.organizationId!;
    expectError(
      await authCall(bare.api, 'POST', '/password-reset', { body: { email: 'solo@example.com' } }),
      409,
      'mail_not_configured',
    );
    const res = await bare.api('POST', `/v1/organizations/${org}/invitations`, {
      auth: admin.accessToken,
      body: { email: 'nomail@example.com', displayName: 'No Mail' },
    });
    expectError(res, 409, 'mail_not_configured');
    // Nothing was created for the refused invitation.
    const agents = await bare.api<{ items: { userId: string }[] }>('GET', `/v1/organizations/${org}/agents`);
    expect(agents.body.items.map((a) => a.userId)).toEqual([admin.account.userId]);
  });
});

describe('when the mail server is down', () => {
  // An address where no SMTP server listens any more: connections are refused at once.
  let deadUrl = '';
  beforeAll(async () => {
    const smtpGone = await startSmtp();
    deadUrl = smtpGone.url;
    await smtpGone.close();
  });
  const down = useTestServer((c) => {
    c.smtpUrl = deadUrl;
    c.mailFrom = 'noreply@parley.test';
  });

  it('undoes an invitation it could not mail, so it can be sent again', async () => {
    const admin = await setupAdmin(down.api, 'down@example.com');
    const org = admin.account.organizationId!;
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await down.api('POST', `/v1/organizations/${org}/invitations`, {
        auth: admin.accessToken,
        body: { email: 'unlucky@example.com', displayName: 'Unlucky' },
      });
      expectError(res, 503, 'service_unavailable');
    }
    const agents = await down.api<{ items: { userId: string }[] }>('GET', `/v1/organizations/${org}/agents`);
    expect(agents.body.items.map((a) => a.userId)).toEqual([admin.account.userId]);
  });
});

describe('the inbox feed', () => {
  let widget: Widget;
  let agent: Session;
  let stranger: Session;

  beforeAll(async () => {
    widget = await createWidget(ts.api);
    agent = await invitedAgent(ts.api, smtp, ts.apiKey, widget.org.id, `inbox-${uid('a')}@example.com`);
    const other = (await ts.api<Organization>('POST', '/v1/organizations', { body: { name: uid('org') } }))
      .body;
    stranger = await invitedAgent(ts.api, smtp, ts.apiKey, other.id, `other-${uid('a')}@example.com`);
  });

  type ConversationFrame = Extract<ServerFrame, { type: 'conversation' }>;
  const about = (id: string, status: string) => (f: ServerFrame) =>
    f.type === 'conversation' && f.conversation.id === id && f.conversation.status === status;

  it('lets the organization’s agents read a waiting conversation, not send to it', async () => {
    const { conversation } = await visitorWithConversation(ts.api, widget);
    const path = `/v1/threads/${conversation.id}/messages`;
    const read = await ts.api<{ items: { threadId: string }[] }>('GET', path, { auth: agent.accessToken });
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body.items.every((m) => m.threadId === conversation.id)).toBe(true);
    const sent = await ts.api('POST', path, { auth: agent.accessToken, body: { content: 'hello?' } });
    expect([403, 404]).toContain(sent.status);
    // Another organization's agent and a plain user see nothing.
    expectError(await ts.api('GET', path, { auth: stranger.accessToken }), 404, 'thread_not_found');
    const user = await createUserWithToken(ts.api, uid('plain'));
    expectError(await ts.api('GET', path, { auth: user.token }), 404, 'thread_not_found');
    const still = await ts.api<Conversation>(
      'GET',
      `/v1/organizations/${widget.org.id}/conversations/${conversation.id}`,
    );
    expect(still.body).toMatchObject({ status: 'pending', agentId: null });
  });

  it('tells the organization’s agents of new and assigned conversations, and nobody else', async () => {
    const mine = await connect(agent.accessToken);
    const theirs = await connect(stranger.accessToken);
    // The invited agent is offline: the conversation waits.
    const { conversation } = await visitorWithConversation(ts.api, widget);
    expect(conversation.status).toBe('pending');
    const created = await mine.next<ConversationFrame>(about(conversation.id, 'pending'));
    expect(created).toMatchObject({
      type: 'conversation',
      organizationId: widget.org.id,
      conversation: { id: conversation.id, agentId: null },
    });

    // The agent comes online: routing assigns the waiting conversation to them.
    const online = await ts.api(
      'PATCH',
      `/v1/organizations/${widget.org.id}/agents/${agent.account.userId}`,
      {
        auth: agent.accessToken,
        body: { status: 'online' },
      },
    );
    expect(online.status, JSON.stringify(online.body)).toBe(200);
    const assigned = await mine.next<ConversationFrame>(about(conversation.id, 'open'));
    expect(assigned.conversation.agentId).toBe(agent.account.userId);

    await sync(theirs);
    expect(theirs.frames.filter((f) => f.type === 'conversation')).toEqual([]);
  });
});

describe('the first admin in the inbox', () => {
  it('takes a waiting conversation for themselves with their own session', async () => {
    const widget: Widget = { org: { id: orgId, name: '', createdAt: '', updatedAt: '' }, key: '' };
    const saved = await ts.api<{ widgetKey: string }>('PUT', `/v1/organizations/${orgId}/widget-settings`, {
      body: {
        allowedOrigins: ['https://shop.example'],
        title: 'Help',
        subtitle: '',
        color: '#112233',
        position: 'bottom-right',
        launcherText: 'Chat',
        welcomeMessages: [],
        language: 'auto',
        preChatForm: [],
        offlineForm: { enabled: false, email: null },
        fallbackContact: '',
      },
    });
    widget.key = saved.body.widgetKey;
    // The admin is away: the conversation waits for someone to take it.
    await ts.api('PATCH', `/v1/organizations/${orgId}/agents/${admin.account.userId}`, {
      body: { status: 'away' },
    });
    const { conversation } = await visitorWithConversation(ts.api, widget, {});
    expect(conversation.status).toBe('pending');
    const taken = await ts.api<Conversation>(
      'POST',
      `/v1/organizations/${orgId}/conversations/${conversation.id}/take`,
      {
        auth: admin.accessToken,
        body: {},
      },
    );
    expect(taken.status, JSON.stringify(taken.body)).toBe(200);
    expect(taken.body).toMatchObject({ status: 'open', agentId: admin.account.userId });
  });
});
