import type { CloseAction, EphemeralEvent, PresenceEntry, ThreadEvent } from '@parley/protocol';
import type { ConnectionState } from './realtime/connection-state.js';
import type { LocalMessage } from './realtime/local-message.js';

type EventOf<T extends ThreadEvent['type']> = Extract<ThreadEvent, { type: T }>;
type EphemeralOf<T extends EphemeralEvent['type']> = Extract<EphemeralEvent, { type: T }>;

/** Why a thread must be refetched over REST: the server's reasons, or a gap the SDK saw itself. */
export type ResyncReason = 'too_far_behind' | 'unavailable' | 'gap';

/** What `connected` and `realTimeNotificationConnected` carry: the server's `ready` frame, trimmed. */
export interface ConnectedEvent {
  connectionId: string;
  userId: string;
  tenantId: string;
  /** Whether missed events are being replayed (a `caughtUp` follows). */
  resuming: boolean;
  presence: PresenceEntry[];
}

export interface DisconnectedEvent {
  /** The WebSocket close code; 1006 when the socket dropped without a close frame. */
  code: number;
  reason: string;
  /** What the session does next, from `closeAction(code)`. */
  action: CloseAction;
}

/**
 * Every event a `RealtimeSession` (and `ChatClient`) emits, by name, with its
 * payload. Thread events use Azure Communication Services' names (seed 003) and
 * carry the protocol's event as is, so `threadId`, `pos` and `at` are always
 * there; `event` carries every thread event, whatever its type.
 */
export interface ChatEvents {
  chatMessageReceived: EventOf<'message.created'>;
  chatMessageEdited: EventOf<'message.updated'>;
  chatMessageDeleted: EventOf<'message.deleted'>;
  readReceiptReceived: EventOf<'receipt.created'>;
  chatThreadCreated: EventOf<'thread.created'>;
  chatThreadPropertiesUpdated: EventOf<'thread.updated'>;
  chatThreadDeleted: EventOf<'thread.deleted'>;
  participantsAdded: EventOf<'participant.added'>;
  participantsRemoved: EventOf<'participant.removed'>;
  typingIndicatorReceived: EphemeralOf<'typing'>;
  presenceChanged: EphemeralOf<'presence'>;
  /** A waiting live-chat conversation's place in its department's queue (1 = next). */
  queuePositionChanged: EphemeralOf<'queue'>;
  /** Agents: a conversation of their organization was created or changed (the inbox's live feed). */
  conversationChanged: EphemeralOf<'conversation'>;
  /** Agents: a private note was added to a conversation of their organization. */
  noteAdded: EphemeralOf<'note'>;
  /** Agents: an agent of their organization changed (status, role, capacity, departments). */
  agentChanged: EphemeralOf<'agent'>;
  /** Every durable thread event, once, in position order per thread. */
  event: ThreadEvent;
  /** Refetch this thread over REST, then call `setPosition(threadId, thread.lastPosition)`. */
  resyncRequired: { threadId: string | undefined; reason: ResyncReason };
  /** A resuming connection has replayed everything it missed; live events follow. */
  caughtUp: { replayed: number };
  connectionStateChanged: { state: ConnectionState; previous: ConnectionState };
  connected: ConnectedEvent;
  disconnected: DisconnectedEvent;
  realTimeNotificationConnected: ConnectedEvent;
  realTimeNotificationDisconnected: DisconnectedEvent;
  reconnecting: { attempt: number; delayMs: number };
  messageStateChanged: LocalMessage;
}

export type ChatEventName = keyof ChatEvents;
export type ChatEventListener<K extends ChatEventName> = (payload: ChatEvents[K]) => void;

/** The thread-event type each ACS-style event name is emitted for. */
export const THREAD_EVENT_NAMES = {
  'message.created': 'chatMessageReceived',
  'message.updated': 'chatMessageEdited',
  'message.deleted': 'chatMessageDeleted',
  'receipt.created': 'readReceiptReceived',
  'thread.created': 'chatThreadCreated',
  'thread.updated': 'chatThreadPropertiesUpdated',
  'thread.deleted': 'chatThreadDeleted',
  'participant.added': 'participantsAdded',
  'participant.removed': 'participantsRemoved',
} as const satisfies { [T in ThreadEvent['type']]: ChatEventName };
