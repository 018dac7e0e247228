import type { FastifyInstance } from 'fastify';
import { type Static } from '@sinclair/typebox';
import {
  IdParams,
  ListMessagesQuery,
  ListReadReceiptsQuery,
  Message,
  Page,
  ReadReceipt,
  SendMessageBody,
  SendReadReceiptBody,
  UpdateMessageBody,
} from '@parley/protocol';
import type { Core } from '../../core/index.js';
import { actorOf } from '../auth.js';
import { NoContent, pageSize, SkipPage, withErrors } from '../route-helpers.js';

type Params<K extends keyof typeof IdParams> = Static<(typeof IdParams)[K]>;

/** Messages, read receipts and typing. */
export function messageRoutes(app: FastifyInstance, core: Core): void {
  const limits = core.deps.config.limits;

  app.post(
    '/v1/threads/:threadId/messages',
    {
      schema: {
        tags: ['Messages'],
        summary: 'Send a message',
        description:
          'Answers once the message is durable. A retry with the same clientMessageId returns the original message with status 200 and the header Idempotent-Replayed: true.',
        params: IdParams.thread,
        body: SendMessageBody,
        response: withErrors({ 201: Message, 200: Message }),
      },
    },
    async (request, reply) => {
      const { threadId } = request.params as Params<'thread'>;
      const { message, created } = await core.messages.send(
        actorOf(request),
        threadId,
        request.body as Static<typeof SendMessageBody>,
      );
      if (!created) void reply.header('idempotent-replayed', 'true');
      return reply.status(created ? 201 : 200).send(message);
    },
  );
  app.get(
    '/v1/threads/:threadId/messages',
    {
      schema: {
        tags: ['Messages'],
        summary: 'List messages',
        description:
          'Newest first by default. after=N pages forward from a sequence, before=N pages back, startTime pages forward from a time; nextCursor continues in the same direction.',
        params: IdParams.thread,
        querystring: ListMessagesQuery,
        response: withErrors({ 200: Page(Message) }),
      },
    },
    async (request) => {
      const query = request.query as Static<typeof ListMessagesQuery>;
      return core.messages.list(actorOf(request), (request.params as Params<'thread'>).threadId, {
        ...query,
        limit: pageSize(limits, query.limit),
      });
    },
  );
  app.get(
    '/v1/threads/:threadId/messages/:messageId',
    {
      schema: {
        tags: ['Messages'],
        summary: 'Get a message',
        params: IdParams.threadMessage,
        response: withErrors({ 200: Message }),
      },
    },
    async (request) => {
      const { threadId, messageId } = request.params as Params<'threadMessage'>;
      return core.messages.get(actorOf(request), threadId, messageId);
    },
  );
  app.patch(
    '/v1/threads/:threadId/messages/:messageId',
    {
      schema: {
        tags: ['Messages'],
        summary: 'Edit a message (its sender)',
        params: IdParams.threadMessage,
        body: UpdateMessageBody,
        response: withErrors({ 200: Message }),
      },
    },
    async (request) => {
      const { threadId, messageId } = request.params as Params<'threadMessage'>;
      return core.messages.update(
        actorOf(request),
        threadId,
        messageId,
        request.body as Static<typeof UpdateMessageBody>,
      );
    },
  );
  app.delete(
    '/v1/threads/:threadId/messages/:messageId',
    {
      schema: {
        tags: ['Messages'],
        summary: 'Delete a message (its sender or a thread owner)',
        params: IdParams.threadMessage,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      const { threadId, messageId } = request.params as Params<'threadMessage'>;
      await core.messages.delete(actorOf(request), threadId, messageId);
      return reply.status(204).send();
    },
  );

  app.post(
    '/v1/threads/:threadId/read-receipts',
    {
      schema: {
        tags: ['Read receipts'],
        summary: 'Mark messages up to this one as read',
        params: IdParams.thread,
        body: SendReadReceiptBody,
        response: withErrors({ 200: ReadReceipt }),
      },
    },
    async (request) =>
      core.receipts.markRead(
        actorOf(request),
        (request.params as Params<'thread'>).threadId,
        (request.body as Static<typeof SendReadReceiptBody>).messageId,
      ),
  );
  app.get(
    '/v1/threads/:threadId/read-receipts',
    {
      schema: {
        tags: ['Read receipts'],
        summary: "Each participant's latest read receipt",
        params: IdParams.thread,
        querystring: ListReadReceiptsQuery,
        response: withErrors({ 200: SkipPage(ReadReceipt) }),
      },
    },
    async (request) => {
      const query = request.query as Static<typeof ListReadReceiptsQuery>;
      return core.receipts.list(actorOf(request), (request.params as Params<'thread'>).threadId, {
        limit: pageSize(limits, query.limit),
        skip: query.skip ?? 0,
      });
    },
  );

  app.post(
    '/v1/threads/:threadId/typing',
    {
      schema: {
        tags: ['Typing'],
        summary: 'Tell the participants the caller is typing',
        params: IdParams.thread,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      await core.typing.notify(actorOf(request), (request.params as Params<'thread'>).threadId);
      return reply.status(204).send();
    },
  );
}
