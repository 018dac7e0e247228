import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import {
  CannedResponse,
  CannedResponseParams,
  Conversation,
  ConversationParams,
  CreateCannedResponseBody,
  CreateNoteBody,
  LabelList,
  Note,
  OrganizationParams,
  Report,
  ReportQuery,
  SetLabelsBody,
  UpdateCannedResponseBody,
} from '@parley/protocol';
import type { Core } from '../../core/index.js';
import { actorOf } from '../auth.js';
import { NoContent, withErrors } from '../route-helpers.js';

const ONE = '/v1/organizations/:organizationId/conversations/:conversationId';
const CANNED = '/v1/organizations/:organizationId/canned-responses';
const tags = ['Live chat: inbox'];

/** Private notes and labels on conversations, and the organization's canned responses. */
export function livechatInboxRoutes(app: FastifyInstance, core: Core): void {
  const { inbox } = core;

  app.get(
    `${ONE}/notes`,
    {
      schema: {
        tags,
        summary: "The conversation's private notes, oldest first (agents only)",
        params: ConversationParams,
        response: withErrors({ 200: Type.Array(Note) }),
      },
    },
    async (request) => {
      const { organizationId, conversationId } = request.params as ConversationParams;
      return inbox.listNotes(actorOf(request), organizationId, conversationId);
    },
  );
  app.post(
    `${ONE}/notes`,
    {
      schema: {
        tags,
        summary: 'Add a private note: to agents only, never to the conversation thread',
        params: ConversationParams,
        body: CreateNoteBody,
        response: withErrors({ 201: Note }),
      },
    },
    async (request, reply) => {
      const { organizationId, conversationId } = request.params as ConversationParams;
      const note = await inbox.addNote(
        actorOf(request),
        organizationId,
        conversationId,
        request.body as CreateNoteBody,
      );
      return reply.status(201).send(note);
    },
  );
  app.put(
    `${ONE}/labels`,
    {
      schema: {
        tags,
        summary: "Replace the conversation's labels",
        params: ConversationParams,
        body: SetLabelsBody,
        response: withErrors({ 200: Conversation }),
      },
    },
    async (request) => {
      const { organizationId, conversationId } = request.params as ConversationParams;
      return inbox.setLabels(
        actorOf(request),
        organizationId,
        conversationId,
        (request.body as SetLabelsBody).labels,
      );
    },
  );

  app.get(
    '/v1/organizations/:organizationId/labels',
    {
      schema: {
        tags,
        summary: "The labels on the organization's conversations, most used first, with their counts",
        params: OrganizationParams.organization,
        response: withErrors({ 200: LabelList }),
      },
    },
    async (request) => {
      const { organizationId } = request.params as { organizationId: string };
      return inbox.listLabels(actorOf(request), organizationId);
    },
  );

  app.get(
    '/v1/organizations/:organizationId/reports',
    {
      schema: {
        tags,
        summary:
          'Report on the conversations created in a period: figures, per day, per hour, per agent and department',
        params: OrganizationParams.organization,
        querystring: ReportQuery,
        response: withErrors({ 200: Report }),
      },
    },
    async (request) => {
      const { organizationId } = request.params as { organizationId: string };
      return core.reports.report(actorOf(request), organizationId, request.query as ReportQuery);
    },
  );
  app.get(
    '/v1/organizations/:organizationId/reports/conversations.csv',
    {
      schema: {
        tags,
        summary: 'The same conversations as CSV, one line each',
        params: OrganizationParams.organization,
        querystring: ReportQuery,
        response: withErrors({ 200: Type.String({ description: 'text/csv' }) }),
      },
    },
    async (request, reply) => {
      const { organizationId } = request.params as { organizationId: string };
      const body = await core.reports.csv(actorOf(request), organizationId, request.query as ReportQuery);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="conversations.csv"')
        .send(body);
    },
  );
  app.get(
    CANNED,
    {
      schema: {
        tags,
        summary: "The organization's canned responses, by shortcut",
        params: OrganizationParams.organization,
        response: withErrors({ 200: Type.Array(CannedResponse) }),
      },
    },
    async (request) => {
      const { organizationId } = request.params as { organizationId: string };
      return inbox.listCanned(actorOf(request), organizationId);
    },
  );
  app.post(
    CANNED,
    {
      schema: {
        tags,
        summary: 'Create a canned response (admins)',
        params: OrganizationParams.organization,
        body: CreateCannedResponseBody,
        response: withErrors({ 201: CannedResponse }),
      },
    },
    async (request, reply) => {
      const { organizationId } = request.params as { organizationId: string };
      const created = await inbox.createCanned(
        actorOf(request),
        organizationId,
        request.body as CreateCannedResponseBody,
      );
      return reply.status(201).send(created);
    },
  );
  app.patch(
    `${CANNED}/:cannedResponseId`,
    {
      schema: {
        tags,
        summary: 'Change a canned response (admins)',
        params: CannedResponseParams,
        body: UpdateCannedResponseBody,
        response: withErrors({ 200: CannedResponse }),
      },
    },
    async (request) => {
      const { organizationId, cannedResponseId } = request.params as CannedResponseParams;
      return inbox.updateCanned(
        actorOf(request),
        organizationId,
        cannedResponseId,
        request.body as UpdateCannedResponseBody,
      );
    },
  );
  app.delete(
    `${CANNED}/:cannedResponseId`,
    {
      schema: {
        tags,
        summary: 'Delete a canned response (admins)',
        params: CannedResponseParams,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      const { organizationId, cannedResponseId } = request.params as CannedResponseParams;
      await inbox.deleteCanned(actorOf(request), organizationId, cannedResponseId);
      return reply.status(204).send();
    },
  );
}
