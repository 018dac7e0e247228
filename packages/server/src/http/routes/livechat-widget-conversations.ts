import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import {
  Conversation,
  ErrorResponse,
  OfflineMessageBody,
  RateConversationBody,
  StartConversationBody,
  TranscriptRequestBody,
  TranscriptRequestResult,
  WidgetKey,
  WidgetKeyParams,
} from '@parley/protocol';
import type { Core } from '../../core/index.js';
import type { VisitorCall } from '../../core/livechat/visitor-conversations.js';
import type { ClientHeaders } from '../../core/livechat/visitor-client.js';
import { actorOf } from '../auth.js';
import { callerOf } from './livechat-visitors.js';
import { withErrors } from '../route-helpers.js';

const WIDGET = '/v1/widget/:widgetKey';
const tags = ['Live chat: visitors'];
const ConversationOfWidget = Type.Object({
  widgetKey: WidgetKey,
  conversationId: Type.String({ minLength: 1, maxLength: 128 }),
});
type ConversationOfWidget = { widgetKey: string; conversationId: string };
// 409: the offline form is off or mail is not configured; 502/503: the mail server failed.
const responses = (ok: Parameters<typeof withErrors>[0]) =>
  withErrors({ ...ok, 409: ErrorResponse, 502: ErrorResponse, 503: ErrorResponse });

function callOf(request: FastifyRequest): VisitorCall {
  const { widgetKey } = request.params as WidgetKeyParams;
  return { widgetKey, caller: callerOf(request), actor: actorOf(request) };
}

/** What the browser says of itself in the request's headers; `geoHeader` only when configured. */
function clientHeadersOf(request: FastifyRequest, geoHeader: string | undefined): ClientHeaders {
  const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
  return {
    userAgent: one(request.headers['user-agent']),
    acceptLanguage: one(request.headers['accept-language']),
    ...(geoHeader !== undefined && { geo: one(request.headers[geoHeader.toLowerCase()]) }),
  };
}

/**
 * The visitor's conversation routes under `/v1/widget/{widgetKey}`: with the
 * visitor's access token, from an allowed origin. Messages, history, typing
 * and receipts are the conversation thread's, on the ordinary thread routes.
 */
export function livechatWidgetConversationRoutes(
  app: FastifyInstance,
  core: Core,
  options: { geoHeader?: string | undefined } = {},
): void {
  const { visitorConversations } = core;

  app.post(
    `${WIDGET}/conversations`,
    {
      schema: {
        tags,
        summary: "Start the visitor's conversation, or get the one already open (200)",
        params: WidgetKeyParams,
        body: StartConversationBody,
        response: responses({ 200: Conversation, 201: Conversation }),
      },
    },
    async (request, reply) => {
      const result = await visitorConversations.start(
        callOf(request),
        (request.body ?? {}) as StartConversationBody,
        clientHeadersOf(request, options.geoHeader),
      );
      return reply.status(result.created ? 201 : 200).send(result.conversation);
    },
  );
  app.get(
    `${WIDGET}/conversations/current`,
    {
      schema: {
        tags,
        summary: "The visitor's latest conversation, whatever its status",
        params: WidgetKeyParams,
        response: withErrors({ 200: Conversation }),
      },
    },
    async (request) => visitorConversations.current(callOf(request)),
  );
  app.post(
    `${WIDGET}/conversations/:conversationId/rating`,
    {
      schema: {
        tags,
        summary: 'Rate the conversation (1 to 5, optional comment); again replaces it',
        params: ConversationOfWidget,
        body: RateConversationBody,
        response: responses({ 200: Conversation }),
      },
    },
    async (request) => {
      const { conversationId } = request.params as ConversationOfWidget;
      return visitorConversations.rate(callOf(request), conversationId, request.body as RateConversationBody);
    },
  );
  app.post(
    `${WIDGET}/conversations/:conversationId/transcript`,
    {
      schema: {
        tags,
        summary: 'Mail the transcript now, or when the conversation is resolved',
        params: ConversationOfWidget,
        body: TranscriptRequestBody,
        response: responses({ 200: TranscriptRequestResult }),
      },
    },
    async (request) => {
      const { conversationId } = request.params as ConversationOfWidget;
      return visitorConversations.requestTranscript(
        callOf(request),
        conversationId,
        request.body as TranscriptRequestBody,
      );
    },
  );
  app.post(
    `${WIDGET}/offline-messages`,
    {
      schema: {
        tags,
        summary: 'Leave a message while nobody is available: stored, and mailed to the organization',
        params: WidgetKeyParams,
        body: OfflineMessageBody,
        response: responses({ 201: Conversation }),
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await visitorConversations.leaveOfflineMessage(
            callOf(request),
            request.body as OfflineMessageBody,
            clientHeadersOf(request, options.geoHeader),
          ),
        ),
  );
}
