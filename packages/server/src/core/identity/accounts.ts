import { createHash, randomBytes } from 'node:crypto';
import {
  ACCOUNT_LIMITS,
  ORGANIZATION_LIMITS,
  type AcceptInvitationBody,
  type Account,
  type Organization,
  type AgentAccountList,
  type ChangePasswordBody,
  type ConfirmPasswordResetBody,
  type InviteAgentBody,
  type Invitation,
  type PasswordResetBody,
  type Scope,
  type Session,
  type SetupBody,
  type SetupStatus,
  type SignInBody,
  type User,
} from '@parley/protocol';
import type { Actor } from '../actor.js';
import type { CoreDeps } from '../deps.js';
import type { AccountRecord, LinkRecord } from '../ports/account-store.js';
import { topics, type UserControl } from '../ports/bus.js';
import { AppError } from '../errors.js';
import { iso } from '../clock.js';
import { newId } from '../ids.js';
import { accessOrganization, requireUser } from '../access.js';
import { PLATFORM_TENANT_ID } from '../tenants.js';
import type { Tokens } from './tokens.js';
import { DECOY_HASH_PROMISE, hashPassword, verifyPassword } from './passwords.js';

/** Who calls the public sign-in routes: only their address, for the rate limits. */
export interface AccountCaller {
  ip: string;
}

/** Sign-in attempts: per address (a burst of 20, then one every 3 s) and per email (5, then one a minute). */
const PER_IP = { perSecond: 1 / 3, burst: 20 };
const PER_EMAIL = { perSecond: 1 / 60, burst: 5 };
/** The existing organizations the first-run setup offers to join. */
const SETUP_ORGANIZATIONS_SHOWN = 20;

/**
 * Dashboard accounts (issue 6): first-run setup, sign-in and sign-out,
 * password change and reset, invitations, and disabling. A session is an
 * ordinary access token carrying a session id; ending the session makes the
 * token `token_revoked` on its next use and closes its live connections.
 *
 * Sign-in answers `invalid_credentials` for every failure (unknown email,
 * wrong password, disabled account, invitation not yet accepted), in about
 * the same time (an unknown email is verified against a decoy hash), so the
 * answers tell nothing about which accounts exist.
 */
export class Accounts {
  private readonly setupListeners: Array<(organizationId: string) => Promise<void>> = [];

  constructor(
    private readonly deps: CoreDeps,
    private readonly tokens: Tokens,
    /** Sets an agent offline (and requeues their conversations) when disabled. */
    private readonly setOffline: (tenantId: string, organizationId: string, userId: string) => Promise<void>,
  ) {}

  async setupStatus(): Promise<SetupStatus> {
    const needed = (await this.deps.store.accounts.countAccounts()) === 0;
    if (!needed) return { needed, organizations: [] };
    const organizations = await this.deps.store.livechat.listOrganizations(PLATFORM_TENANT_ID, {
      limit: SETUP_ORGANIZATIONS_SHOWN,
    });
    return { needed, organizations: organizations.map(({ id, name }) => ({ id, name })) };
  }

  /** Called once the first admin is set up, with their organization (the demo hands over its chats). */
  onSetup(listener: (organizationId: string) => Promise<void>): void {
    this.setupListeners.push(listener);
  }

  /** The first admin and their organization, once; afterwards `setup_completed`. */
  async setup(body: SetupBody, caller: AccountCaller): Promise<Session> {
    await this.limit(`setup-ip:${caller.ip}`, PER_IP);
    if ((await this.deps.store.accounts.countAccounts()) > 0) throw new AppError('setup_completed');
    const now = iso(this.deps.clock.now());
    const email = normalizeEmail(body.email);
    const user: User = {
      id: newId('usr'),
      displayName: body.displayName,
      role: 'admin',
      metadata: {},
      createdAt: now,
      updatedAt: now,
    };
    const { organizationId, create } = await this.setupOrganization(body, now);
    const done = await this.deps.store.accounts.setupFirstAccount({
      tenantId: PLATFORM_TENANT_ID,
      user,
      email,
      passwordHash: await hashPassword(body.password),
      organization: create,
      agent: {
        userId: user.id,
        organizationId,
        role: 'admin',
        maxChats: ORGANIZATION_LIMITS.defaultMaxChats,
        status: 'online',
        createdAt: now,
        updatedAt: now,
      },
    });
    if (!done) throw new AppError('setup_completed');
    for (const listener of this.setupListeners) await listener(organizationId);
    return this.startSession(PLATFORM_TENANT_ID, user.id);
  }

  /** The organization of the first admin: a new one to create with them, or an existing one to join. */
  private async setupOrganization(
    body: SetupBody,
    now: string,
  ): Promise<{ organizationId: string; create: Organization | null }> {
    if ((body.organizationName === undefined) === (body.organizationId === undefined))
      throw new AppError('invalid_request', 'Give either organizationName or organizationId.', {
        field: 'organizationName',
      });
    if (body.organizationName !== undefined) {
      const create = { id: newId('org'), name: body.organizationName, createdAt: now, updatedAt: now };
      return { organizationId: create.id, create };
    }
    const found = await this.deps.store.livechat.getOrganization(PLATFORM_TENANT_ID, body.organizationId!);
    if (!found) throw new AppError('organization_not_found');
    return { organizationId: found.id, create: null };
  }

  async signIn(body: SignInBody, caller: AccountCaller): Promise<Session> {
    const email = normalizeEmail(body.email);
    await this.limit(`signin-ip:${caller.ip}`, PER_IP);
    await this.limit(`signin-email:${email}`, PER_EMAIL);
    const account = await this.deps.store.accounts.findAccountByEmail(email);
    const usable = account !== null && account.passwordHash !== null && account.disabledAt === null;
    const matches = await verifyPassword(
      body.password,
      usable ? account.passwordHash! : await DECOY_HASH_PROMISE,
    );
    if (!usable || !matches) throw new AppError('invalid_credentials');
    return this.startSession(account.tenantId, account.userId);
  }

  /** Ends the caller's session; its live connections close (4102). */
  async signOut(actor: Actor): Promise<void> {
    const user = requireUser(actor, 'Signing out');
    if (user.sessionId === undefined)
      throw new AppError('forbidden', 'This token is not a dashboard session.');
    await this.deps.store.accounts.revokeSession(user.sessionId, iso(this.deps.clock.now()));
    const control: UserControl = { type: 'session.revoked', sessionId: user.sessionId };
    await this.deps.bus.publish(topics.user(user.tenantId, user.userId), control);
  }

  async me(actor: Actor): Promise<Account> {
    const user = requireUser(actor, 'Reading the account');
    const account = await this.deps.store.accounts.getAccount(user.tenantId, user.userId);
    if (!account) throw new AppError('forbidden', 'This user has no dashboard account.');
    return this.view(account);
  }

  /** Needs the current password; every session ends, and a new one starts for the caller. */
  async changePassword(actor: Actor, body: ChangePasswordBody): Promise<Session> {
    const user = requireUser(actor, 'Changing the password');
    await this.limit(`password-user:${user.tenantId}:${user.userId}`, PER_EMAIL);
    const account = await this.deps.store.accounts.getAccount(user.tenantId, user.userId);
    if (!account?.passwordHash || !(await verifyPassword(body.currentPassword, account.passwordHash)))
      throw new AppError('invalid_credentials', 'The current password is wrong.', {
        field: 'currentPassword',
      });
    await this.replacePassword(account, body.newPassword);
    return this.startSession(account.tenantId, account.userId);
  }

  /**
   * Mails a one-hour reset link when the email has an account; answers the
   * same either way (no account enumeration). Mail must be configured.
   */
  async requestPasswordReset(body: PasswordResetBody, caller: AccountCaller): Promise<void> {
    const email = normalizeEmail(body.email);
    await this.limit(`reset-ip:${caller.ip}`, PER_IP);
    await this.limit(`reset-email:${email}`, PER_EMAIL);
    if (!this.deps.mailer.configured) throw new AppError('mail_not_configured');
    const account = await this.deps.store.accounts.findAccountByEmail(email);
    if (!account || account.disabledAt !== null) return;
    const token = await this.link(account.tenantId, account.userId, 'reset', ACCOUNT_LIMITS.resetLinkSeconds);
    const url = `${this.deps.config.publicUrl}/app/#/reset?token=${token}`;
    await this.deps.mailer.send({
      to: [account.email],
      subject: 'Reset your Parley password',
      text: `Someone (hopefully you) asked to reset the password of ${account.email}.\n\nChoose a new one within an hour:\n${url}\n\nIf it was not you, ignore this mail: nothing changes.\n`,
    });
  }

  /** Sets the new password and ends every session of the account. */
  async confirmPasswordReset(body: ConfirmPasswordResetBody): Promise<void> {
    const link = await this.useLink(body.token, 'reset');
    const account = await this.deps.store.accounts.getAccount(link.tenantId, link.userId);
    if (!account || account.disabledAt !== null) throw new AppError('link_invalid');
    await this.replacePassword(account, body.password);
  }

  /**
   * An admin invites an agent: a user, their agent profile (offline until
   * they sign in and switch), and an account without a password; the mail
   * carries a link valid 7 days to choose one.
   */
  async invite(actor: Actor, organizationId: string, body: InviteAgentBody): Promise<Invitation> {
    await accessOrganization(this.deps, actor, organizationId, 'manage');
    if (!this.deps.mailer.configured) throw new AppError('mail_not_configured');
    const { store } = this.deps;
    const email = normalizeEmail(body.email);
    if (await store.accounts.findAccountByEmail(email))
      throw new AppError('email_taken', undefined, { field: 'email' });
    const now = iso(this.deps.clock.now());
    const userId = newId('usr');
    await store.insertUser(actor.tenantId, {
      id: userId,
      displayName: body.displayName,
      // Tenant-wide admin is never handed out by an invitation: an organization's admin is an
      // agent whose agent role is admin, and manages that organization only.
      role: 'agent',
      metadata: {},
      createdAt: now,
      updatedAt: now,
    });
    const accountCreated = await store.accounts.insertAccount(actor.tenantId, {
      userId,
      email,
      passwordHash: null,
      createdAt: now,
    });
    if (!accountCreated) {
      await store.deleteUser(actor.tenantId, userId);
      throw new AppError('email_taken', undefined, { field: 'email' });
    }
    await store.livechat.insertAgent(actor.tenantId, {
      userId,
      organizationId,
      role: body.role ?? 'agent',
      maxChats: body.maxChats ?? ORGANIZATION_LIMITS.defaultMaxChats,
      status: 'offline',
      createdAt: now,
      updatedAt: now,
    });
    const seconds = ACCOUNT_LIMITS.invitationSeconds;
    const token = await this.link(actor.tenantId, userId, 'invite', seconds);
    const organization = await store.livechat.getOrganization(actor.tenantId, organizationId);
    const url = `${this.deps.config.publicUrl}/app/#/invite?token=${token}`;
    try {
      await this.deps.mailer.send({
        to: [email],
        subject: `You are invited to answer ${oneLine(organization?.name ?? 'live chat')} on Parley`,
        text: `Hello ${body.displayName},\n\nYou are invited to answer the live chat of ${organization?.name ?? 'an organization'}.\nChoose your password within 7 days:\n${url}\n`,
      });
    } catch (err) {
      // Nobody can accept an invitation that was never mailed: undo it (the user's deletion takes
      // the account, agent and link with it), so that the email is not left taken.
      await store.deleteUser(actor.tenantId, userId);
      throw err;
    }
    return {
      userId,
      email,
      organizationId,
      expiresAt: iso(this.deps.clock.now() + seconds * 1000),
    };
  }

  async acceptInvitation(body: AcceptInvitationBody): Promise<Session> {
    const link = await this.useLink(body.token, 'invite');
    const account = await this.deps.store.accounts.getAccount(link.tenantId, link.userId);
    if (!account || account.disabledAt !== null) throw new AppError('link_invalid');
    await this.replacePassword(account, body.password);
    return this.startSession(account.tenantId, account.userId);
  }

  /**
   * Disabling ends every session and live connection of the agent, refuses
   * their sign-ins and sets them offline (their conversations go back to the
   * queues). Enabling lets them sign in again.
   */
  async setDisabled(
    actor: Actor,
    organizationId: string,
    userId: string,
    disabled: boolean,
  ): Promise<Account> {
    await accessOrganization(this.deps, actor, organizationId, 'manage');
    const { store } = this.deps;
    const agent = await store.livechat.getAgent(actor.tenantId, userId);
    if (agent?.organizationId !== organizationId) throw new AppError('agent_not_found');
    if (actor.kind === 'user' && actor.userId === userId && disabled)
      throw new AppError('forbidden', 'Admins cannot disable themselves.');
    const now = iso(this.deps.clock.now());
    if (!(await store.accounts.setDisabled(actor.tenantId, userId, disabled ? now : null, now)))
      throw new AppError('agent_not_found', 'This agent has no dashboard account.');
    if (disabled) {
      await this.endAllSessions(actor.tenantId, userId);
      await this.setOffline(actor.tenantId, organizationId, userId);
    }
    return this.view((await store.accounts.getAccount(actor.tenantId, userId))!);
  }

  /**
   * The dashboard accounts of the organization's agents, for its admins:
   * email, disabled, and whether the invitation is still pending (no
   * password chosen yet).
   */
  async listAgentAccounts(actor: Actor, organizationId: string): Promise<AgentAccountList> {
    await accessOrganization(this.deps, actor, organizationId, 'manage');
    const accounts = await this.deps.store.accounts.listOrganizationAccounts(actor.tenantId, organizationId);
    return {
      items: accounts.map((a) => ({
        userId: a.userId,
        email: a.email,
        disabled: a.disabledAt !== null,
        invitationPending: a.passwordHash === null,
      })),
    };
  }

  private async startSession(tenantId: string, userId: string): Promise<Session> {
    const now = this.deps.clock.now();
    const sessionId = `ses_${randomBytes(16).toString('base64url')}`;
    const expiresAt = now + ACCOUNT_LIMITS.sessionSeconds * 1000;
    await this.deps.store.accounts.insertSession({
      id: sessionId,
      tenantId,
      userId,
      createdAt: iso(now),
      expiresAt: iso(expiresAt),
      revokedAt: null,
    });
    const user = await this.deps.store.getUser(tenantId, userId);
    const scopes: Scope[] = user?.role === 'admin' ? ['chat', 'users.read', 'admin'] : ['chat', 'users.read'];
    const issued = await this.tokens.issueFor(tenantId, userId, { scopes, expiresAt, sessionId });
    const account = await this.deps.store.accounts.getAccount(tenantId, userId);
    return { accessToken: issued.token, expiresAt: issued.expiresAt, account: await this.view(account!) };
  }

  private async replacePassword(account: AccountRecord, password: string): Promise<void> {
    const now = iso(this.deps.clock.now());
    // A reset link mailed earlier must not undo this password.
    await this.deps.store.accounts.expireLinks(account.tenantId, account.userId, 'reset', now);
    await this.deps.store.accounts.setPassword(
      account.tenantId,
      account.userId,
      await hashPassword(password),
      now,
    );
    await this.endAllSessions(account.tenantId, account.userId);
  }

  /** Every token of the user stops working and their live connections close (4102). */
  private async endAllSessions(tenantId: string, userId: string): Promise<void> {
    await this.deps.store.bumpTokenVersion(tenantId, userId);
    const control: UserControl = { type: 'tokens.revoked' };
    await this.deps.bus.publish(topics.user(tenantId, userId), control);
  }

  private async link(
    tenantId: string,
    userId: string,
    kind: LinkRecord['kind'],
    seconds: number,
  ): Promise<string> {
    const token = `${kind === 'reset' ? 'rt' : 'it'}_${randomBytes(32).toString('base64url')}`;
    await this.deps.store.accounts.insertLink({
      tokenHash: sha256(token),
      kind,
      tenantId,
      userId,
      expiresAt: iso(this.deps.clock.now() + seconds * 1000),
      usedAt: null,
    });
    return token;
  }

  private async useLink(token: string, kind: LinkRecord['kind']): Promise<LinkRecord> {
    const link = await this.deps.store.accounts.useLink(sha256(token), kind, iso(this.deps.clock.now()));
    if (!link) throw new AppError('link_invalid');
    return link;
  }

  private async view(account: AccountRecord): Promise<Account> {
    const { store } = this.deps;
    const user = await store.getUser(account.tenantId, account.userId);
    const agent = await store.livechat.getAgent(account.tenantId, account.userId);
    return {
      userId: account.userId,
      email: account.email,
      displayName: user?.displayName ?? '',
      role: user?.role ?? 'member',
      organizationId: agent?.organizationId ?? null,
      agent,
    };
  }

  private async limit(key: string, rate: { perSecond: number; burst: number }): Promise<void> {
    const wait = await this.deps.rateLimits.take(key, rate.perSecond, rate.burst, this.deps.clock.now());
    if (wait > 0) throw new AppError('rate_limited', undefined, { retryAfter: wait });
  }
}

function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
