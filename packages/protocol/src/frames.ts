import { Type, type Static } from '@sinclair/typebox';
import { Id, Metadata, DisplayName } from './schemas/common.js';
import { SendableMessageType, type Message, type ReadReceipt } from './schemas/messages.js';
import type { EphemeralEvent, ThreadEvent } from './events.js';
import type { ErrorBody } from './errors.js';

/**
 * Resume state a client sends in `hello` after a reconnect: the last position it
 * saw in each thread, and the `serverTime` of its last `ready` frame so that the
 * server can also replay threads the user joined while it was away.
 */
export const ResumeState = Type.Object(
  {
    threads: Type.Record(Id, Type.Integer({ minimum: 0 }), { maxProperties: 10_000 }),
    since: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type ResumeState = Static<typeof ResumeState>;

/** Frames a client sends. `id` is the client's request id, echoed in `ack`/`error`. */
export const ClientFrame = Type.Union([
  Type.Object(
    {
      type: Type.Literal('hello'),
      token: Type.String({ minLength: 1, maxLength: 4096 }),
      resume: Type.Optional(ResumeState),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('send'),
      id: Type.String({ maxLength: 64 }),
      threadId: Id,
      content: Type.String({ minLength: 1 }),
      messageType: Type.Optional(SendableMessageType),
      senderDisplayName: Type.Optional(DisplayName),
      metadata: Type.Optional(Metadata),
      clientMessageId: Type.Optional(Id),
    },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('typing'), threadId: Id }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('read'),
      id: Type.Optional(Type.String({ maxLength: 64 })),
      threadId: Id,
      messageId: Id,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('ping'), id: Type.Optional(Type.String({ maxLength: 64 })) },
    { additionalProperties: false },
  ),
]);
export type ClientFrame = Static<typeof ClientFrame>;

export interface PresenceEntry {
  userId: string;
  status: 'online' | 'offline';
}

/** Frames the server sends. Thread events and ephemeral events are frames of their own shape. */
export type ServerFrame =
  | {
      type: 'ready';
      connectionId: string;
      userId: string;
      tenantId: string;
      /** Milliseconds since the epoch; send it back as `resume.since`. */
      serverTime: number;
      heartbeatIntervalMs: number;
      /** Whether replayed events follow (then a `caught_up` frame). */
      resuming: boolean;
      presence: PresenceEntry[];
    }
  | { type: 'caught_up'; replayed: number }
  | {
      type: 'resync_required';
      /**
       * The thread to refetch over REST. `too_far_behind`: more missed events than the
       * resume limit; `unavailable`: a thread the user is not in (deleted, unknown, left).
       */
      threadId?: string;
      reason: 'too_far_behind' | 'unavailable';
    }
  | { type: 'ack'; id: string; message?: Message; receipt?: ReadReceipt }
  | ({ type: 'error'; id?: string } & ErrorBody)
  | { type: 'pong'; id?: string }
  | ThreadEvent
  | EphemeralEvent;
