import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import {
  ApiKey,
  CreateApiKeyBody,
  CreatedApiKey,
  CreateUserBody,
  IdParams,
  IssuedToken,
  IssueTokenBody,
  ListUsersQuery,
  Page,
  TokenValidation,
  UpdateUserBody,
  User,
  ValidateTokenBody,
} from '@parley/protocol';
import type { Core } from '../../core/index.js';
import { actorOf } from '../auth.js';
import { NoContent, pageSize, withErrors } from '../route-helpers.js';

type Params<K extends keyof typeof IdParams> = Static<(typeof IdParams)[K]>;

/** API keys, users and access tokens. */
export function identityRoutes(app: FastifyInstance, core: Core): void {
  const limits = core.deps.config.limits;

  app.post(
    '/v1/api-keys',
    {
      schema: {
        tags: ['API keys'],
        summary: 'Create an API key (the secret is shown once)',
        body: CreateApiKeyBody,
        response: withErrors({ 201: CreatedApiKey }),
      },
    },
    async (request, reply) => {
      const body = request.body as Static<typeof CreateApiKeyBody>;
      return reply.status(201).send(await core.apiKeys.create(actorOf(request), body.name));
    },
  );
  app.get(
    '/v1/api-keys',
    {
      schema: {
        tags: ['API keys'],
        summary: "List the tenant's API keys",
        response: withErrors({ 200: Type.Object({ items: Type.Array(ApiKey) }) }),
      },
    },
    async (request) => ({ items: await core.apiKeys.list(actorOf(request)) }),
  );
  app.delete(
    '/v1/api-keys/:keyId',
    {
      schema: {
        tags: ['API keys'],
        summary: 'Revoke an API key',
        params: IdParams.apiKey,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      await core.apiKeys.revoke(actorOf(request), (request.params as Params<'apiKey'>).keyId);
      return reply.status(204).send();
    },
  );

  app.post(
    '/v1/users',
    {
      schema: {
        tags: ['Users'],
        summary: 'Create a user',
        body: CreateUserBody,
        response: withErrors({ 201: User }),
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await core.users.create(actorOf(request), request.body as Static<typeof CreateUserBody>)),
  );
  app.get(
    '/v1/users',
    {
      schema: {
        tags: ['Users'],
        summary: 'List users, with name search',
        querystring: ListUsersQuery,
        response: withErrors({ 200: Page(User) }),
      },
    },
    async (request) => {
      const query = request.query as Static<typeof ListUsersQuery>;
      return core.users.list(actorOf(request), { ...query, limit: pageSize(limits, query.limit) });
    },
  );
  app.get(
    '/v1/users/:userId',
    {
      schema: {
        tags: ['Users'],
        summary: 'Get a user',
        params: IdParams.user,
        response: withErrors({ 200: User }),
      },
    },
    async (request) => core.users.get(actorOf(request), (request.params as Params<'user'>).userId),
  );
  app.patch(
    '/v1/users/:userId',
    {
      schema: {
        tags: ['Users'],
        summary: 'Update a user',
        params: IdParams.user,
        body: UpdateUserBody,
        response: withErrors({ 200: User }),
      },
    },
    async (request) =>
      core.users.update(
        actorOf(request),
        (request.params as Params<'user'>).userId,
        request.body as Static<typeof UpdateUserBody>,
      ),
  );
  app.delete(
    '/v1/users/:userId',
    {
      schema: {
        tags: ['Users'],
        summary: 'Delete a user (and close their connections)',
        params: IdParams.user,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      await core.users.delete(actorOf(request), (request.params as Params<'user'>).userId);
      return reply.status(204).send();
    },
  );

  app.post(
    '/v1/users/:userId/tokens',
    {
      schema: {
        tags: ['Tokens'],
        summary: 'Issue a user access token',
        params: IdParams.user,
        body: IssueTokenBody,
        response: withErrors({ 201: IssuedToken }),
      },
      // The body is optional: no body means the defaults.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const body = request.body as Static<typeof IssueTokenBody>;
      const issued = await core.tokens.issue(
        actorOf(request),
        (request.params as Params<'user'>).userId,
        body,
      );
      return reply.status(201).send(issued);
    },
  );
  app.delete(
    '/v1/users/:userId/tokens',
    {
      schema: {
        tags: ['Tokens'],
        summary: "Revoke all of a user's tokens (open connections close)",
        params: IdParams.user,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      await core.tokens.revokeAll(actorOf(request), (request.params as Params<'user'>).userId);
      return reply.status(204).send();
    },
  );
  app.post(
    '/v1/tokens/validate',
    {
      schema: {
        tags: ['Tokens'],
        summary: 'Validate a user access token',
        body: ValidateTokenBody,
        response: withErrors({ 200: TokenValidation }),
      },
    },
    async (request) =>
      core.tokens.validate(actorOf(request), (request.body as Static<typeof ValidateTokenBody>).token),
  );
}
