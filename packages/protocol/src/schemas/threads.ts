import { Type, type Static } from '@sinclair/typebox';
import { Cursor, DateTime, DisplayName, Id, Limit, Metadata } from './common.js';

/**
 * A participant's role in one thread (not the user's role in the tenant).
 * - `owner`: everything, including deleting the thread and removing others.
 * - `member`: read, send, add participants, update the topic, leave.
 * - `reader`: read and receive only.
 */
export const ParticipantRole = Type.Union([
  Type.Literal('owner'),
  Type.Literal('member'),
  Type.Literal('reader'),
]);
export type ParticipantRole = Static<typeof ParticipantRole>;

export const Participant = Type.Object({
  userId: Id,
  displayName: Type.String(),
  role: ParticipantRole,
  /** Messages from this time on are visible to the participant (seed 003). */
  shareHistoryTime: DateTime,
  joinedAt: DateTime,
});
export type Participant = Static<typeof Participant>;

export const ParticipantInput = Type.Object(
  {
    userId: Id,
    displayName: Type.Optional(DisplayName),
    role: Type.Optional(ParticipantRole),
    shareHistoryTime: Type.Optional(DateTime),
  },
  { additionalProperties: false },
);
export type ParticipantInput = Static<typeof ParticipantInput>;

export const Topic = Type.String({ maxLength: 256 });

export const Thread = Type.Object({
  id: Id,
  topic: Type.String(),
  metadata: Metadata,
  createdBy: Type.Union([Id, Type.Null()]),
  createdAt: DateTime,
  updatedAt: DateTime,
  /** Time of the newest message or change; `GET /v1/threads` sorts by it. */
  lastActivityAt: DateTime,
  /** Sequence of the newest message, 0 when there is none. */
  lastSequence: Type.Integer(),
  /** Position of the newest event in the thread's event log (see docs/protocol.md). */
  lastPosition: Type.Integer(),
});
export type Thread = Static<typeof Thread>;

export const CreateThreadBody = Type.Object(
  {
    topic: Type.Optional(Topic),
    metadata: Type.Optional(Metadata),
    participants: Type.Optional(Type.Array(ParticipantInput, { maxItems: 250 })),
    /** Retrying with the same key returns the thread created the first time. */
    idempotencyKey: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type CreateThreadBody = Static<typeof CreateThreadBody>;

export const UpdateThreadBody = Type.Object(
  { topic: Type.Optional(Topic), metadata: Type.Optional(Metadata) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateThreadBody = Static<typeof UpdateThreadBody>;

export const ListThreadsQuery = Type.Object(
  {
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
    /** Only threads with activity at or after this time. */
    updatedSince: Type.Optional(DateTime),
  },
  { additionalProperties: false },
);
export type ListThreadsQuery = Static<typeof ListThreadsQuery>;

export const AddParticipantsBody = Type.Object(
  { participants: Type.Array(ParticipantInput, { minItems: 1, maxItems: 250 }) },
  { additionalProperties: false },
);
export type AddParticipantsBody = Static<typeof AddParticipantsBody>;

export const ListParticipantsQuery = Type.Object(
  { limit: Type.Optional(Limit), skip: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })) },
  { additionalProperties: false },
);
