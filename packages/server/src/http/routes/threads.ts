import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import {
  AddParticipantsBody,
  CreateThreadBody,
  IdParams,
  ListParticipantsQuery,
  ListThreadsQuery,
  Page,
  Participant,
  Thread,
  ThreadSummary,
  UpdateThreadBody,
} from '@parley/protocol';
import type { Core } from '../../core/index.js';
import { actorOf } from '../auth.js';
import { NoContent, pageSize, SkipPage, withErrors } from '../route-helpers.js';

type Params<K extends keyof typeof IdParams> = Static<(typeof IdParams)[K]>;

/** Threads and their participants. */
export function threadRoutes(app: FastifyInstance, core: Core): void {
  const limits = core.deps.config.limits;

  app.post(
    '/v1/threads',
    {
      schema: {
        tags: ['Threads'],
        summary: 'Create a thread',
        description:
          'A user caller becomes the owner. A retry with the same idempotencyKey returns the first thread (200).',
        body: CreateThreadBody,
        response: withErrors({ 201: Thread, 200: Thread }),
      },
    },
    async (request, reply) => {
      const { thread, created } = await core.threads.create(
        actorOf(request),
        request.body as Static<typeof CreateThreadBody>,
      );
      return reply.status(created ? 201 : 200).send(thread);
    },
  );
  app.get(
    '/v1/threads',
    {
      schema: {
        tags: ['Threads'],
        summary: "List the caller's threads, newest activity first, with last message and unread count",
        querystring: ListThreadsQuery,
        response: withErrors({ 200: Page(ThreadSummary) }),
      },
    },
    async (request) => {
      const query = request.query as Static<typeof ListThreadsQuery>;
      return core.threads.list(actorOf(request), { ...query, limit: pageSize(limits, query.limit) });
    },
  );
  app.get(
    '/v1/threads/:threadId',
    {
      schema: {
        tags: ['Threads'],
        summary: 'Get a thread',
        params: IdParams.thread,
        response: withErrors({ 200: Thread }),
      },
    },
    async (request) => core.threads.get(actorOf(request), (request.params as Params<'thread'>).threadId),
  );
  app.patch(
    '/v1/threads/:threadId',
    {
      schema: {
        tags: ['Threads'],
        summary: 'Update the topic or metadata',
        params: IdParams.thread,
        body: UpdateThreadBody,
        response: withErrors({ 200: Thread }),
      },
    },
    async (request) =>
      core.threads.update(
        actorOf(request),
        (request.params as Params<'thread'>).threadId,
        request.body as Static<typeof UpdateThreadBody>,
      ),
  );
  app.delete(
    '/v1/threads/:threadId',
    {
      schema: {
        tags: ['Threads'],
        summary: 'Delete a thread (owners)',
        params: IdParams.thread,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      await core.threads.delete(actorOf(request), (request.params as Params<'thread'>).threadId);
      return reply.status(204).send();
    },
  );

  app.post(
    '/v1/threads/:threadId/participants',
    {
      schema: {
        tags: ['Participants'],
        summary: 'Add participants',
        params: IdParams.thread,
        body: AddParticipantsBody,
        response: withErrors({ 201: Type.Object({ added: Type.Array(Participant) }) }),
      },
    },
    async (request, reply) => {
      const body = request.body as Static<typeof AddParticipantsBody>;
      const added = await core.participants.add(
        actorOf(request),
        (request.params as Params<'thread'>).threadId,
        body.participants,
      );
      return reply.status(201).send({ added });
    },
  );
  app.get(
    '/v1/threads/:threadId/participants',
    {
      schema: {
        tags: ['Participants'],
        summary: 'List participants (paged with skip)',
        params: IdParams.thread,
        querystring: ListParticipantsQuery,
        response: withErrors({ 200: SkipPage(Participant) }),
      },
    },
    async (request) => {
      const query = request.query as Static<typeof ListParticipantsQuery>;
      return core.participants.list(actorOf(request), (request.params as Params<'thread'>).threadId, {
        limit: pageSize(limits, query.limit),
        skip: query.skip ?? 0,
      });
    },
  );
  app.delete(
    '/v1/threads/:threadId/participants/:userId',
    {
      schema: {
        tags: ['Participants'],
        summary: 'Remove a participant (owners), or leave (yourself)',
        params: IdParams.threadUser,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      const { threadId, userId } = request.params as Params<'threadUser'>;
      await core.participants.remove(actorOf(request), threadId, userId);
      return reply.status(204).send();
    },
  );
}
