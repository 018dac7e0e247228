import { Type, type Static } from '@sinclair/typebox';
import { DateTime, DisplayName, Id } from './common.js';
import { Agent, EmailAddress, MaxChats, OrganizationName } from './livechat.js';
import { UserRole } from './identity.js';
import { ACCOUNT_LIMITS } from '../field-limits.js';

/*
 * Dashboard accounts (issue 6): agents and admins sign in to the dashboard
 * with an email and a password. An account is a tenant user plus its sign-in
 * credentials; the email is unique across the server, so the sign-in page
 * needs nothing else. A session is an access token tied to a session id:
 * signing out ends that session (and closes its live connections); changing
 * the password, a password reset, or disabling the agent ends them all.
 */

export const Password = Type.String({
  minLength: ACCOUNT_LIMITS.passwordMinLength,
  maxLength: ACCOUNT_LIMITS.passwordMaxLength,
});

export const Account = Type.Object({
  userId: Id,
  email: Type.String(),
  displayName: Type.String(),
  role: UserRole,
  /** The organization the account is an agent of, if any. */
  organizationId: Type.Union([Id, Type.Null()]),
  agent: Type.Union([Agent, Type.Null()]),
});
export type Account = Static<typeof Account>;

/** A signed-in dashboard session: an access token (scopes `chat`, `users.read`, and `admin` for admins). */
export const Session = Type.Object({
  accessToken: Type.String(),
  expiresAt: DateTime,
  account: Account,
});
export type Session = Static<typeof Session>;

/**
 * Whether the first admin is still to be set up and, while it is, the
 * organizations already on the server (made through the API, or the demo
 * shop) that the first admin may join instead of creating one.
 */
export const SetupStatus = Type.Object({
  needed: Type.Boolean(),
  organizations: Type.Array(Type.Object({ id: Id, name: Type.String() }), { maxItems: 20 }),
});
export type SetupStatus = Static<typeof SetupStatus>;

/**
 * First run: the first admin, and their organization: a new one named
 * `organizationName`, or an existing one (`organizationId`, from the setup
 * status). Exactly one of the two. Refused once any account exists.
 */
export const SetupBody = Type.Object(
  {
    email: EmailAddress,
    password: Password,
    displayName: DisplayName,
    organizationName: Type.Optional(OrganizationName),
    organizationId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type SetupBody = Static<typeof SetupBody>;

export const SignInBody = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);
export type SignInBody = Static<typeof SignInBody>;

export const ChangePasswordBody = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 256 }), newPassword: Password },
  { additionalProperties: false },
);
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

export const PasswordResetBody = Type.Object({ email: EmailAddress }, { additionalProperties: false });
export type PasswordResetBody = Static<typeof PasswordResetBody>;

/** Links carry `rt_`/`it_` and 256 random bits; only their SHA-256 is stored. */
export const LinkToken = Type.String({ minLength: 8, maxLength: 128, pattern: '^(rt|it)_[A-Za-z0-9_-]+$' });

export const ConfirmPasswordResetBody = Type.Object(
  { token: LinkToken, password: Password },
  { additionalProperties: false },
);
export type ConfirmPasswordResetBody = Static<typeof ConfirmPasswordResetBody>;

/** An admin invites an agent by email; the mail carries a link to choose a password. */
export const InviteAgentBody = Type.Object(
  {
    email: EmailAddress,
    displayName: DisplayName,
    role: Type.Optional(Agent.properties.role),
    maxChats: Type.Optional(MaxChats),
  },
  { additionalProperties: false },
);
export type InviteAgentBody = Static<typeof InviteAgentBody>;

export const Invitation = Type.Object({
  userId: Id,
  email: Type.String(),
  organizationId: Id,
  expiresAt: DateTime,
});
export type Invitation = Static<typeof Invitation>;

export const AcceptInvitationBody = Type.Object(
  { token: LinkToken, password: Password },
  { additionalProperties: false },
);
export type AcceptInvitationBody = Static<typeof AcceptInvitationBody>;

/** Disabling an agent ends their sessions and refuses their sign-ins; enabling lets them in again. */
export const SetAgentDisabledBody = Type.Object(
  { disabled: Type.Boolean() },
  { additionalProperties: false },
);
export type SetAgentDisabledBody = Static<typeof SetAgentDisabledBody>;

/**
 * An agent's dashboard account as their organization's admins see it: the
 * email, whether it is disabled, and whether the invitation is still pending
 * (no password chosen yet). Apart from `Agent`, which has no account fields.
 */
export const AgentAccount = Type.Object({
  userId: Id,
  email: Type.String(),
  disabled: Type.Boolean(),
  invitationPending: Type.Boolean(),
});
export type AgentAccount = Static<typeof AgentAccount>;

/** The accounts of an organization's agents (agents without an account are left out), by email. */
export const AgentAccountList = Type.Object({ items: Type.Array(AgentAccount) });
export type AgentAccountList = Static<typeof AgentAccountList>;
