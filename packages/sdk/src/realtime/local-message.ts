import type { ErrorCode, Message, Metadata, SendableMessageType } from '@parley/protocol';

/**
 * Where a message sent through the outbox is:
 * `pending` (not yet acknowledged), `sent` (acknowledged: durable on the
 * server), `delivered` (its `message.created` came back on the stream),
 * `read` (another participant's receipt covers it), or `failed` (not
 * acknowledged within `outboxRetryMs`, or refused by the server).
 */
export type LocalMessageState = 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

/** Why a local message failed: the server's error code, or `timeout` when no ack came in time. */
export interface LocalMessageError {
  code: ErrorCode | 'timeout';
  message: string;
}

/**
 * A message as the sender's client knows it, from the moment `sendMessage`
 * returns (local echo). `clientMessageId` is chosen once and sent on every
 * try, so the server stores the message at most once.
 */
export interface LocalMessage {
  clientMessageId: string;
  threadId: string;
  content: string;
  type: SendableMessageType;
  senderDisplayName?: string;
  metadata?: Metadata;
  /** When `sendMessage` was called (ISO time, client clock). */
  createdAt: string;
  state: LocalMessageState;
  /** The stored message, once acknowledged or delivered. */
  message?: Message;
  error?: LocalMessageError;
}

export interface SendMessageInput {
  content: string;
  type?: SendableMessageType;
  senderDisplayName?: string;
  metadata?: Metadata;
}

/** Progress only moves forward: a late ack never turns `delivered` back into `sent`. */
export const STATE_RANK: Record<Exclude<LocalMessageState, 'failed'>, number> = {
  pending: 0,
  sent: 1,
  delivered: 2,
  read: 3,
};
