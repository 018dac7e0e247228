import type { FastifyInstance } from 'fastify';
import {
  Conversation,
  ConversationParams,
  ErrorResponse,
  ListConversationsQuery,
  OrganizationParams,
  Page,
  SearchQuery,
  SearchResult,
  SnoozeConversationBody,
  TakeConversationBody,
  TransferConversationBody,
} from '@parley/protocol';
import type { Core } from '../../core/index.js';
import { actorOf } from '../auth.js';
import { pageSize, withErrors } from '../route-helpers.js';

const CONVERSATIONS = '/v1/organizations/:organizationId/conversations';
const ONE = `${CONVERSATIONS}/:conversationId`;
const tags = ['Live chat: conversations'];
// 409: the conversation's status does not allow the action, or the agent cannot receive it.
const responses = (ok: Parameters<typeof withErrors>[0]) => withErrors({ ...ok, 409: ErrorResponse });

/** Conversations as agents, supervisors, admins and backends handle them. */
export function livechatConversationRoutes(app: FastifyInstance, core: Core): void {
  const { conversations } = core;
  const limits = core.deps.config.limits;

  app.get(
    CONVERSATIONS,
    {
      schema: {
        tags,
        summary: "List the organization's conversations, newest first, by status, department or agent",
        params: OrganizationParams.organization,
        querystring: ListConversationsQuery,
        response: withErrors({ 200: Page(Conversation) }),
      },
    },
    async (request) => {
      const { organizationId } = request.params as { organizationId: string };
      const query = request.query as ListConversationsQuery;
      return conversations.list(actorOf(request), organizationId, {
        ...query,
        limit: pageSize(limits, query.limit),
      });
    },
  );
  app.get(
    '/v1/organizations/:organizationId/search',
    {
      schema: {
        tags,
        summary: 'Search conversations (visitor name, pre-chat answers) and message text',
        params: OrganizationParams.organization,
        querystring: SearchQuery,
        response: withErrors({ 200: SearchResult }),
      },
    },
    async (request) => {
      const { organizationId } = request.params as { organizationId: string };
      return core.search.search(actorOf(request), organizationId, request.query as SearchQuery);
    },
  );
  app.get(
    ONE,
    {
      schema: {
        tags,
        summary: 'Get a conversation',
        params: ConversationParams,
        response: withErrors({ 200: Conversation }),
      },
    },
    async (request) => {
      const { organizationId, conversationId } = request.params as ConversationParams;
      return conversations.get(actorOf(request), organizationId, conversationId);
    },
  );

  const action = (
    name: string,
    summary: string,
    body:
      typeof TakeConversationBody | typeof TransferConversationBody | typeof SnoozeConversationBody | null,
    run: (request: {
      params: ConversationParams;
      body: unknown;
      actor: ReturnType<typeof actorOf>;
    }) => Promise<Conversation>,
  ) =>
    app.post(
      `${ONE}/${name}`,
      {
        schema: {
          tags,
          summary,
          params: ConversationParams,
          ...(body && { body }),
          response: responses({ 200: Conversation }),
        },
      },
      async (request) =>
        run({
          params: request.params as ConversationParams,
          body: request.body ?? {},
          actor: actorOf(request),
        }),
    );

  action(
    'take',
    'Take a conversation: a waiting one, or (supervisors) one open with another agent',
    TakeConversationBody,
    (r) =>
      conversations.take(
        r.actor,
        r.params.organizationId,
        r.params.conversationId,
        r.body as TakeConversationBody,
      ),
  );
  action(
    'transfer',
    'Transfer to an agent (online, under capacity) or to a department queue',
    TransferConversationBody,
    (r) =>
      conversations.transfer(
        r.actor,
        r.params.organizationId,
        r.params.conversationId,
        r.body as TransferConversationBody,
      ),
  );
  action(
    'snooze',
    'Set the conversation aside until a time (or until the visitor writes)',
    SnoozeConversationBody,
    (r) =>
      conversations.snooze(
        r.actor,
        r.params.organizationId,
        r.params.conversationId,
        (r.body as SnoozeConversationBody).until,
      ),
  );
  action('wake', 'End a snooze now', null, (r) =>
    conversations.wake(r.actor, r.params.organizationId, r.params.conversationId),
  );
  action(
    'resolve',
    'Resolve: close it, free the agent, mail the transcript if the visitor asked',
    null,
    (r) => conversations.resolve(r.actor, r.params.organizationId, r.params.conversationId),
  );
  action('reopen', 'Reopen a resolved conversation: back to its queue', null, (r) =>
    conversations.reopen(r.actor, r.params.organizationId, r.params.conversationId),
  );
}
