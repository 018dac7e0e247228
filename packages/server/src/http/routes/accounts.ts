import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  AcceptInvitationBody,
  AgentAccountList,
  AuditEntry,
  ListAuditQuery,
  Page,
  Account,
  ChangePasswordBody,
  ConfirmPasswordResetBody,
  ErrorResponse,
  Invitation,
  InviteAgentBody,
  OrganizationParams,
  PasswordResetBody,
  Session,
  SetAgentDisabledBody,
  SetupBody,
  SetupStatus,
  SignInBody,
} from '@parley/protocol';
import type { Static } from '@sinclair/typebox';
import type { Core } from '../../core/index.js';
import type { AccountCaller } from '../../core/identity/accounts.js';
import { actorOf } from '../auth.js';
import { NoContent, pageSize, withErrors } from '../route-helpers.js';

const AUTH = '/v1/auth';
const tags = ['Dashboard accounts'];
// Public: the caller has no credential yet. The domain rate-limits by address.
const config = { public: true };
const responses = (ok: Parameters<typeof withErrors>[0]) =>
  withErrors({ ...ok, 409: ErrorResponse, 503: ErrorResponse });

function callerOf(request: FastifyRequest): AccountCaller {
  return { ip: request.ip };
}

/** Dashboard sign-in and sessions (`/v1/auth/…`), invitations and disabling of agents. */
export function accountRoutes(app: FastifyInstance, core: Core): void {
  const { accounts } = core;

  app.get(
    `${AUTH}/setup`,
    {
      config,
      schema: {
        tags,
        summary: 'Whether the first admin still has to be set up',
        response: withErrors({ 200: SetupStatus }),
      },
    },
    async () => accounts.setupStatus(),
  );
  app.post(
    `${AUTH}/setup`,
    {
      config,
      schema: {
        tags,
        summary: 'First run: create the first admin and their organization, and sign in',
        body: SetupBody,
        response: responses({ 201: Session }),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await accounts.setup(request.body as SetupBody, callerOf(request))),
  );
  app.post(
    `${AUTH}/sign-in`,
    {
      config,
      schema: {
        tags,
        summary: 'Sign in with email and password',
        body: SignInBody,
        response: withErrors({ 200: Session }),
      },
    },
    async (request) => accounts.signIn(request.body as SignInBody, callerOf(request)),
  );
  app.post(
    `${AUTH}/sign-out`,
    {
      schema: {
        tags,
        summary: 'End this session; its live connections close',
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      await accounts.signOut(actorOf(request));
      return reply.status(204).send();
    },
  );
  app.get(
    `${AUTH}/me`,
    { schema: { tags, summary: 'The signed-in account', response: withErrors({ 200: Account }) } },
    async (request) => accounts.me(actorOf(request)),
  );
  app.post(
    `${AUTH}/password`,
    {
      schema: {
        tags,
        summary: 'Change the password: every session ends, a new one starts for the caller',
        body: ChangePasswordBody,
        response: withErrors({ 200: Session }),
      },
    },
    async (request) => accounts.changePassword(actorOf(request), request.body as ChangePasswordBody),
  );
  app.post(
    `${AUTH}/password-reset`,
    {
      config,
      schema: {
        tags,
        summary: 'Mail a password-reset link (answers the same whether or not the account exists)',
        body: PasswordResetBody,
        response: responses({ 202: NoContent }),
      },
    },
    async (request, reply) => {
      await accounts.requestPasswordReset(request.body as PasswordResetBody, callerOf(request));
      return reply.status(202).send();
    },
  );
  app.post(
    `${AUTH}/password-reset/confirm`,
    {
      config,
      schema: {
        tags,
        summary: 'Set a new password with a reset link; every session ends',
        body: ConfirmPasswordResetBody,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      await accounts.confirmPasswordReset(request.body as ConfirmPasswordResetBody);
      return reply.status(204).send();
    },
  );
  app.post(
    `${AUTH}/invitations/accept`,
    {
      config,
      schema: {
        tags,
        summary: 'Accept an invitation: choose the password, and sign in',
        body: AcceptInvitationBody,
        response: withErrors({ 200: Session }),
      },
    },
    async (request) => accounts.acceptInvitation(request.body as AcceptInvitationBody),
  );
  app.post(
    '/v1/organizations/:organizationId/invitations',
    {
      schema: {
        tags,
        summary: 'Invite an agent by email (admins)',
        params: OrganizationParams.organization,
        body: InviteAgentBody,
        response: responses({ 201: Invitation }),
      },
    },
    async (request, reply) => {
      const { organizationId } = request.params as Static<typeof OrganizationParams.organization>;
      return reply
        .status(201)
        .send(await accounts.invite(actorOf(request), organizationId, request.body as InviteAgentBody));
    },
  );
  app.get(
    '/v1/organizations/:organizationId/agent-accounts',
    {
      schema: {
        tags,
        summary: "The agents' dashboard accounts: email, disabled, invitation pending (admins)",
        params: OrganizationParams.organization,
        response: withErrors({ 200: AgentAccountList }),
      },
    },
    async (request) => {
      const { organizationId } = request.params as Static<typeof OrganizationParams.organization>;
      return accounts.listAgentAccounts(actorOf(request), organizationId);
    },
  );
  app.get(
    '/v1/audit-log',
    {
      schema: {
        tags: ['Audit log'],
        summary:
          'Administrative changes, newest first (tenant admins; an organization admin with organizationId)',
        querystring: ListAuditQuery,
        response: withErrors({ 200: Page(AuditEntry) }),
      },
    },
    async (request) => {
      const query = request.query as ListAuditQuery;
      return core.audit.list(actorOf(request), {
        ...query,
        limit: pageSize(core.deps.config.limits, query.limit),
      });
    },
  );
  app.put(
    '/v1/organizations/:organizationId/agents/:userId/disabled',
    {
      schema: {
        tags,
        summary: 'Disable an agent (ends their sessions, refuses sign-in) or enable them again (admins)',
        params: OrganizationParams.agent,
        body: SetAgentDisabledBody,
        response: withErrors({ 200: Account }),
      },
    },
    async (request) => {
      const { organizationId, userId } = request.params as Static<typeof OrganizationParams.agent>;
      const { disabled } = request.body as SetAgentDisabledBody;
      return accounts.setDisabled(actorOf(request), organizationId, userId, disabled);
    },
  );
}
