import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import {
  AddAgentBody,
  AddDepartmentMemberBody,
  Agent,
  CreateDepartmentBody,
  CreateOrganizationBody,
  Department,
  ErrorResponse,
  IssueOperatorTokenBody,
  ListAgentsQuery,
  ListOrganizationsQuery,
  OperatorToken,
  Organization,
  OrganizationParams,
  Page,
  UpdateAgentBody,
  UpdateOrganizationBody,
} from '@parley/protocol';
import type { Core } from '../../core/index.js';
import { actorOf } from '../auth.js';
import { NoContent, pageSize, withErrors } from '../route-helpers.js';

type Params<K extends keyof typeof OrganizationParams> = Static<(typeof OrganizationParams)[K]>;

const ORGS = '/v1/organizations';
const ORG = `${ORGS}/:organizationId`;
const tags = ['Live chat: organizations'];
// 409 is among the answers: adding an agent twice, or a user who is another organization's agent.
const responses = (ok: Parameters<typeof withErrors>[0]) => withErrors({ ...ok, 409: ErrorResponse });

/** Live-chat organizations, departments, agents and seed 002's operator tokens. */
export function organizationRoutes(app: FastifyInstance, core: Core): void {
  const orgs = core.organizations;
  const limits = core.deps.config.limits;

  app.post(
    ORGS,
    {
      schema: {
        tags,
        summary: 'Create an organization',
        body: CreateOrganizationBody,
        response: responses({ 201: Organization }),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await orgs.create(actorOf(request), request.body as CreateOrganizationBody)),
  );
  app.get(
    ORGS,
    {
      schema: {
        tags,
        summary: 'List organizations (an agent sees its own)',
        querystring: ListOrganizationsQuery,
        response: responses({ 200: Page(Organization) }),
      },
    },
    async (request) => {
      const query = request.query as ListOrganizationsQuery;
      return orgs.list(actorOf(request), { ...query, limit: pageSize(limits, query.limit) });
    },
  );
  app.get(
    ORG,
    {
      schema: {
        tags,
        summary: 'Get an organization',
        params: OrganizationParams.organization,
        response: responses({ 200: Organization }),
      },
    },
    async (request) => orgs.get(actorOf(request), (request.params as Params<'organization'>).organizationId),
  );
  app.patch(
    ORG,
    {
      schema: {
        tags,
        summary: 'Rename an organization',
        params: OrganizationParams.organization,
        body: UpdateOrganizationBody,
        response: responses({ 200: Organization }),
      },
    },
    async (request) =>
      orgs.update(
        actorOf(request),
        (request.params as Params<'organization'>).organizationId,
        request.body as UpdateOrganizationBody,
      ),
  );
  app.delete(
    ORG,
    {
      schema: {
        tags,
        summary: 'Delete an organization with its departments and agent profiles',
        params: OrganizationParams.organization,
        response: responses({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      await orgs.delete(actorOf(request), (request.params as Params<'organization'>).organizationId);
      return reply.status(204).send();
    },
  );

  app.post(
    `${ORG}/departments`,
    {
      schema: {
        tags,
        summary: 'Create a department',
        params: OrganizationParams.organization,
        body: CreateDepartmentBody,
        response: responses({ 201: Department }),
      },
    },
    async (request, reply) => {
      const { organizationId } = request.params as Params<'organization'>;
      const body = request.body as CreateDepartmentBody;
      return reply.status(201).send(await orgs.createDepartment(actorOf(request), organizationId, body));
    },
  );
  app.get(
    `${ORG}/departments`,
    {
      schema: {
        tags,
        summary: "List an organization's departments",
        params: OrganizationParams.organization,
        response: responses({ 200: Type.Object({ items: Type.Array(Department) }) }),
      },
    },
    async (request) => ({
      items: await orgs.listDepartments(
        actorOf(request),
        (request.params as Params<'organization'>).organizationId,
      ),
    }),
  );
  app.delete(
    `${ORG}/departments/:departmentId`,
    {
      schema: {
        tags,
        summary: 'Delete a department',
        params: OrganizationParams.department,
        response: responses({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      const { organizationId, departmentId } = request.params as Params<'department'>;
      await orgs.deleteDepartment(actorOf(request), organizationId, departmentId);
      return reply.status(204).send();
    },
  );
  app.post(
    `${ORG}/departments/:departmentId/agents`,
    {
      schema: {
        tags,
        summary: 'Add an agent to a department',
        params: OrganizationParams.department,
        body: AddDepartmentMemberBody,
        response: responses({ 200: Agent }),
      },
    },
    async (request) => {
      const { organizationId, departmentId } = request.params as Params<'department'>;
      const { userId } = request.body as AddDepartmentMemberBody;
      return orgs.addDepartmentMember(actorOf(request), organizationId, departmentId, userId);
    },
  );
  app.delete(
    `${ORG}/departments/:departmentId/agents/:userId`,
    {
      schema: {
        tags,
        summary: 'Remove an agent from a department',
        params: OrganizationParams.departmentAgent,
        response: responses({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      const { organizationId, departmentId, userId } = request.params as Params<'departmentAgent'>;
      await orgs.removeDepartmentMember(actorOf(request), organizationId, departmentId, userId);
      return reply.status(204).send();
    },
  );

  app.post(
    `${ORG}/agents`,
    {
      schema: {
        tags,
        summary: 'Make an existing user an agent of the organization',
        params: OrganizationParams.organization,
        body: AddAgentBody,
        response: responses({ 201: Agent }),
      },
    },
    async (request, reply) => {
      const { organizationId } = request.params as Params<'organization'>;
      return reply
        .status(201)
        .send(await orgs.addAgent(actorOf(request), organizationId, request.body as AddAgentBody));
    },
  );
  app.get(
    `${ORG}/agents`,
    {
      schema: {
        tags,
        summary: "List an organization's agents (seed 002's operators)",
        params: OrganizationParams.organization,
        querystring: ListAgentsQuery,
        response: responses({ 200: Page(Agent) }),
      },
    },
    async (request) => {
      const { organizationId } = request.params as Params<'organization'>;
      const query = request.query as ListAgentsQuery;
      return orgs.listAgents(actorOf(request), organizationId, {
        ...query,
        limit: pageSize(limits, query.limit),
      });
    },
  );
  app.get(
    `${ORG}/agents/:userId`,
    {
      schema: {
        tags,
        summary: 'Get an agent',
        params: OrganizationParams.agent,
        response: responses({ 200: Agent }),
      },
    },
    async (request) => {
      const { organizationId, userId } = request.params as Params<'agent'>;
      return orgs.getAgent(actorOf(request), organizationId, userId);
    },
  );
  app.patch(
    `${ORG}/agents/:userId`,
    {
      schema: {
        tags,
        summary: "Change an agent's role, chat limit or status",
        params: OrganizationParams.agent,
        body: UpdateAgentBody,
        response: responses({ 200: Agent }),
      },
    },
    async (request) => {
      const { organizationId, userId } = request.params as Params<'agent'>;
      return orgs.updateAgent(actorOf(request), organizationId, userId, request.body as UpdateAgentBody);
    },
  );
  app.delete(
    `${ORG}/agents/:userId`,
    {
      schema: {
        tags,
        summary: 'Remove an agent (the user stays)',
        params: OrganizationParams.agent,
        response: responses({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      const { organizationId, userId } = request.params as Params<'agent'>;
      await orgs.removeAgent(actorOf(request), organizationId, userId);
      return reply.status(204).send();
    },
  );

  app.post(
    `${ORG}/operators/:userId/tokens`,
    {
      schema: {
        tags,
        summary: "Issue an operator token for an agent (seed 002), with the caller's expiresAt",
        params: OrganizationParams.agent,
        body: IssueOperatorTokenBody,
        response: responses({ 201: OperatorToken }),
      },
      // The body is optional: no body means a 24 h token.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const { organizationId, userId } = request.params as Params<'agent'>;
      const body = request.body as IssueOperatorTokenBody;
      return reply
        .status(201)
        .send(await core.operatorTokens.issue(actorOf(request), organizationId, userId, body));
    },
  );
}
