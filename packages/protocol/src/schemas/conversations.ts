import { Type, type Static } from '@sinclair/typebox';
import { Cursor, DateTime, DisplayName, Id, Limit } from './common.js';
import { ConversationStatus, EmailAddress } from './livechat.js';
import { WIDGET_LIMITS } from '../field-limits.js';

/*
 * Live-chat conversations (issue 5). A conversation is a thread (same id) with
 * the visitor as a participant; its assigned agent joins the thread while
 * assigned. Messages, history, typing and read receipts are the thread's, on
 * the same REST routes and WebSocket as any thread. What the thread alone
 * does not say (status, department, agent, queue, rating) is here.
 */

/** Where the conversation came from: a live chat, or the offline form. */
export const ConversationSource = Type.Union([Type.Literal('chat'), Type.Literal('offline')]);
export type ConversationSource = Static<typeof ConversationSource>;

export const CONVERSATION_LIMITS = {
  ratingCommentLength: 1000,
  answerLength: 500,
  offlineMessageLength: 5000,
  pageUrlLength: 2048,
  pageTitleLength: 300,
  /** The User-Agent header is cut to this many characters. */
  userAgentLength: 512,
  languageLength: 35,
  timeZoneLength: 64,
  locationLength: 200,
  /** The value of the operator's geolocation header (PARLEY_GEO_HEADER) is cut to this. */
  geoLength: 100,
} as const;

export const Rating = Type.Object({
  score: Type.Integer({ minimum: 1, maximum: 5 }),
  comment: Type.String(),
  ratedAt: DateTime,
});
export type Rating = Static<typeof Rating>;

/** The page the visitor was on, as the widget reports it (shown to agents). */
export const VisitorPage = Type.Object(
  {
    url: Type.String({ maxLength: CONVERSATION_LIMITS.pageUrlLength }),
    title: Type.Optional(Type.String({ maxLength: CONVERSATION_LIMITS.pageTitleLength })),
  },
  { additionalProperties: false },
);
export type VisitorPage = Static<typeof VisitorPage>;

/**
 * The visitor's browser, recorded when the widget starts the conversation
 * (null for older conversations and those not started by the widget). The
 * server takes `userAgent` and `language` from the start request's headers,
 * never from the body; `geo` from the reverse proxy's header named by
 * PARLEY_GEO_HEADER, when the operator set one. `timeZone` and `location`
 * are what the widget sent; `location` is free text the site gave the widget.
 */
export const VisitorClient = Type.Object({
  /** The User-Agent header, trimmed and cut to `userAgentLength` characters. */
  userAgent: Type.Union([Type.String(), Type.Null()]),
  /** The first language tag of Accept-Language, as sent (`fr-FR`). */
  language: Type.Union([Type.String(), Type.Null()]),
  /** An IANA time zone name, as the browser reports it (`Europe/Paris`). */
  timeZone: Type.Union([Type.String(), Type.Null()]),
  location: Type.Union([Type.String(), Type.Null()]),
  geo: Type.Union([Type.String(), Type.Null()]),
});
export type VisitorClient = Static<typeof VisitorClient>;

/** An IANA zone name's characters: `Europe/Paris`, `America/Argentina/Buenos_Aires`, `Etc/GMT+5`. */
export const TIME_ZONE_PATTERN = '^[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)*$';

/** What the widget may tell of the browser when it starts a conversation. */
export const StartConversationClient = Type.Object(
  {
    timeZone: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: CONVERSATION_LIMITS.timeZoneLength,
        pattern: TIME_ZONE_PATTERN,
      }),
    ),
    /** Free text the site passed to the widget (`Lyon, France`); no control characters. */
    location: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: CONVERSATION_LIMITS.locationLength,
        pattern: '^[^\\u0000-\\u001f\\u007f]*$',
      }),
    ),
  },
  { additionalProperties: false },
);
export type StartConversationClient = Static<typeof StartConversationClient>;

export const Conversation = Type.Object({
  /** Also the id of the conversation's thread. */
  id: Id,
  organizationId: Id,
  departmentId: Type.Union([Id, Type.Null()]),
  visitorId: Id,
  source: ConversationSource,
  status: ConversationStatus,
  /**
   * The assigned agent when `open` or `snoozed`; once `resolved`, the agent
   * who had it last (for reports); null while `pending`.
   */
  agentId: Type.Union([Id, Type.Null()]),
  /** 1 for the next conversation served in its department's queue; null unless `pending`. */
  queuePosition: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
  /** The pre-chat form's answers, by field key. */
  answers: Type.Record(Type.String(), Type.String()),
  page: Type.Union([VisitorPage, Type.Null()]),
  client: Type.Union([VisitorClient, Type.Null()]),
  rating: Type.Union([Rating, Type.Null()]),
  /** Labels agents put on it (never shown to the visitor), sorted. */
  labels: Type.Array(Type.String()),
  /** Where the transcript goes when the conversation is resolved, if the visitor asked. */
  transcriptEmail: Type.Union([Type.String(), Type.Null()]),
  enqueuedAt: DateTime,
  assignedAt: Type.Union([DateTime, Type.Null()]),
  /** The current agent's first reply since they were assigned (the answer timer stops there). */
  firstAgentReplyAt: Type.Union([DateTime, Type.Null()]),
  /** The first reply of any agent, ever: where the first response time ends (reports). */
  firstResponseAt: Type.Union([DateTime, Type.Null()]),
  snoozedUntil: Type.Union([DateTime, Type.Null()]),
  resolvedAt: Type.Union([DateTime, Type.Null()]),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type Conversation = Static<typeof Conversation>;

/** Keys are the form's field keys; the server refuses any other. */
const Answers = Type.Record(Type.String(), Type.String({ maxLength: CONVERSATION_LIMITS.answerLength }), {
  maxProperties: WIDGET_LIMITS.preChatFields,
});

/**
 * Starts the visitor's conversation, or returns the one already open (any
 * status but `resolved`): a visitor has at most one open conversation.
 * `answers` are checked against the pre-chat form (required fields, email
 * format); `name` and `email` fields also fill the visitor's profile.
 */
export const StartConversationBody = Type.Object(
  {
    departmentId: Type.Optional(Id),
    answers: Type.Optional(Answers),
    page: Type.Optional(VisitorPage),
    /** The browser's time zone and the site's location; the user agent and language come from headers. */
    client: Type.Optional(StartConversationClient),
  },
  { additionalProperties: false },
);
export type StartConversationBody = Static<typeof StartConversationBody>;

export const RateConversationBody = Type.Object(
  {
    score: Type.Integer({ minimum: 1, maximum: 5 }),
    comment: Type.Optional(Type.String({ maxLength: CONVERSATION_LIMITS.ratingCommentLength })),
  },
  { additionalProperties: false },
);
export type RateConversationBody = Static<typeof RateConversationBody>;

/**
 * The visitor asks for the transcript: `now` mails it at once, `resolve`
 * when the conversation is resolved (at once if it already is).
 */
export const TranscriptRequestBody = Type.Object(
  {
    email: EmailAddress,
    when: Type.Optional(Type.Union([Type.Literal('now'), Type.Literal('resolve')])),
  },
  { additionalProperties: false },
);
export type TranscriptRequestBody = Static<typeof TranscriptRequestBody>;

export const TranscriptRequestResult = Type.Object({
  sent: Type.Boolean(),
  scheduled: Type.Boolean(),
});
export type TranscriptRequestResult = Static<typeof TranscriptRequestResult>;

/** Seed 001's offline form: stored as a conversation and mailed to the organization. */
export const OfflineMessageBody = Type.Object(
  {
    name: DisplayName,
    email: EmailAddress,
    message: Type.String({ minLength: 1, maxLength: CONVERSATION_LIMITS.offlineMessageLength }),
    departmentId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type OfflineMessageBody = Static<typeof OfflineMessageBody>;

export const ConversationParams = Type.Object({ organizationId: Id, conversationId: Id });
export type ConversationParams = Static<typeof ConversationParams>;

export const ListConversationsQuery = Type.Object(
  {
    status: Type.Optional(ConversationStatus),
    departmentId: Type.Optional(Id),
    agentId: Type.Optional(Id),
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    /** One visitor's conversations (the visitor panel's history). */
    visitorId: Type.Optional(Id),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type ListConversationsQuery = Static<typeof ListConversationsQuery>;

/** Hand the conversation to an agent, or back to a department's queue: exactly one of the two. */
export const TransferConversationBody = Type.Union([
  Type.Object({ agentId: Id }, { additionalProperties: false }),
  Type.Object({ departmentId: Id }, { additionalProperties: false }),
]);
export type TransferConversationBody = Static<typeof TransferConversationBody>;

/** With an API key, `agentId` names who takes it; an agent's own token takes it for itself. */
export const TakeConversationBody = Type.Object(
  { agentId: Type.Optional(Id) },
  { additionalProperties: false },
);
export type TakeConversationBody = Static<typeof TakeConversationBody>;

export const SnoozeConversationBody = Type.Object({ until: DateTime }, { additionalProperties: false });
export type SnoozeConversationBody = Static<typeof SnoozeConversationBody>;

/**
 * Thread metadata the server keeps on a conversation's thread, so the visitor
 * learns changes through the thread's own events (`thread.updated`), resumable
 * like any other: `parley.status` is `pending`, `open` or `resolved` (a snooze
 * is the agent's business and shows as `open`). Participants cannot change
 * these keys.
 */
export const CONVERSATION_STATUS_METADATA_KEY = 'parley.status';

/** The inbox's search (issue 6): visitors by name or pre-chat answers, and message text. */
export const SearchQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 200 }),
    /** Results per kind (conversations, messages); default 20. */
    limit: Type.Optional(Limit),
  },
  { additionalProperties: false },
);
export type SearchQuery = Static<typeof SearchQuery>;

/** Text split into runs, `match` on the runs the query found: render them as text, never as HTML. */
export const Highlighted = Type.Array(Type.Object({ text: Type.String(), match: Type.Boolean() }));
export type Highlighted = Static<typeof Highlighted>;

export const MessageMatch = Type.Object({
  conversationId: Id,
  messageId: Id,
  sequence: Type.Integer(),
  senderDisplayName: Type.String(),
  createdAt: DateTime,
  highlights: Highlighted,
});
export type MessageMatch = Static<typeof MessageMatch>;

export const SearchResult = Type.Object({
  /** Conversations whose visitor's name or pre-chat answers contain the query, newest first. */
  conversations: Type.Array(Conversation),
  /** Messages whose words start with every word of the query, newest first. */
  messages: Type.Array(MessageMatch),
});
export type SearchResult = Static<typeof SearchResult>;
