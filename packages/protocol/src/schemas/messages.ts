import { Type, type Static } from '@sinclair/typebox';
import { Cursor, DateTime, DisplayName, Id, Limit, Metadata } from './common.js';
import { Thread } from './threads.js';

/** Types a client may send. */
export const SendableMessageType = Type.Union([Type.Literal('text'), Type.Literal('html')]);
export type SendableMessageType = Static<typeof SendableMessageType>;

/** System message types, written by the server (seed 003's topicUpdated, participantAdded, participantRemoved). */
export const SystemMessageType = Type.Union([
  Type.Literal('topicUpdated'),
  Type.Literal('participantAdded'),
  Type.Literal('participantRemoved'),
]);
export type SystemMessageType = Static<typeof SystemMessageType>;

export const MessageType = Type.Union([SendableMessageType, SystemMessageType]);
export type MessageType = Static<typeof MessageType>;

export const SystemContent = Type.Object({
  initiatorId: Type.Union([Id, Type.Null()]),
  topic: Type.Optional(Type.String()),
  participants: Type.Optional(Type.Array(Type.Object({ userId: Id, displayName: Type.String() }))),
});
export type SystemContent = Static<typeof SystemContent>;

export const Message = Type.Object({
  id: Id,
  threadId: Id,
  /** Per-thread, starts at 1, contiguous, assigned atomically when stored. */
  sequence: Type.Integer(),
  type: MessageType,
  /** Text, or sanitized HTML; empty for system messages and deleted messages. */
  content: Type.String(),
  /** Present on system messages. */
  system: Type.Optional(SystemContent),
  senderId: Type.Union([Id, Type.Null()]),
  senderDisplayName: Type.String(),
  metadata: Metadata,
  clientMessageId: Type.Union([Type.String(), Type.Null()]),
  createdAt: DateTime,
  editedAt: Type.Union([DateTime, Type.Null()]),
  deletedAt: Type.Union([DateTime, Type.Null()]),
});
export type Message = Static<typeof Message>;

export const SendMessageBody = Type.Object(
  {
    content: Type.String({ minLength: 1 }),
    type: Type.Optional(SendableMessageType),
    senderDisplayName: Type.Optional(DisplayName),
    metadata: Type.Optional(Metadata),
    /** Chosen by the client; a retry with the same value returns the original message. */
    clientMessageId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type SendMessageBody = Static<typeof SendMessageBody>;

export const UpdateMessageBody = Type.Object(
  { content: Type.Optional(Type.String({ minLength: 1 })), metadata: Type.Optional(Metadata) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateMessageBody = Static<typeof UpdateMessageBody>;

/**
 * Message paging. With no position the newest page comes first (descending).
 * `after` pages forward (ascending, sequence > after), `before` pages back
 * (descending, sequence < before), `startTime` pages forward from a time.
 */
export const ListMessagesQuery = Type.Object(
  {
    limit: Type.Optional(Limit),
    after: Type.Optional(Type.Integer({ minimum: 0 })),
    before: Type.Optional(Type.Integer({ minimum: 1 })),
    startTime: Type.Optional(DateTime),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type ListMessagesQuery = Static<typeof ListMessagesQuery>;

export const ReadReceipt = Type.Object({
  userId: Id,
  messageId: Id,
  sequence: Type.Integer(),
  readAt: DateTime,
});
export type ReadReceipt = Static<typeof ReadReceipt>;

export const SendReadReceiptBody = Type.Object({ messageId: Id }, { additionalProperties: false });

export const ListReadReceiptsQuery = Type.Object(
  { limit: Type.Optional(Limit), skip: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })) },
  { additionalProperties: false },
);

export const ThreadSummary = Type.Intersect([
  Thread,
  Type.Object({
    lastMessage: Type.Union([Message, Type.Null()]),
    /** Messages from others after the caller's read position. */
    unreadCount: Type.Integer(),
  }),
]);
export type ThreadSummary = Static<typeof ThreadSummary>;
