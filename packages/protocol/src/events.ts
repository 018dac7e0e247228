import type { Participant, Thread } from './schemas/threads.js';
import type { Message, ReadReceipt } from './schemas/messages.js';
import type { Conversation } from './schemas/conversations.js';
import type { Note } from './schemas/inbox.js';
import type { Agent } from './schemas/livechat.js';

/**
 * Durable thread events. Each is stored in its thread's event log with a
 * position `pos` (per thread, from 1, contiguous), and that position is what a
 * client resumes from. They are delivered over the WebSocket as frames of the
 * same shape.
 */
export type ThreadEvent =
  | {
      type: 'thread.created';
      threadId: string;
      pos: number;
      at: string;
      thread: Thread;
      participants: Participant[];
    }
  | { type: 'thread.updated'; threadId: string; pos: number; at: string; thread: Thread }
  | { type: 'thread.deleted'; threadId: string; pos: number; at: string }
  | { type: 'participant.added'; threadId: string; pos: number; at: string; participants: Participant[] }
  | { type: 'participant.removed'; threadId: string; pos: number; at: string; userIds: string[] }
  | { type: 'message.created'; threadId: string; pos: number; at: string; message: Message }
  | { type: 'message.updated'; threadId: string; pos: number; at: string; message: Message }
  | { type: 'message.deleted'; threadId: string; pos: number; at: string; message: Message }
  | { type: 'receipt.created'; threadId: string; pos: number; at: string; receipt: ReadReceipt };

export type ThreadEventType = ThreadEvent['type'];

/** The body of a thread event before the store assigns its position. */
export type ThreadEventInput = ThreadEvent extends infer E
  ? E extends ThreadEvent
    ? Omit<E, 'pos'>
    : never
  : never;

/** Ephemeral events: carried by the bus only, never stored, never replayed. */
export type EphemeralEvent =
  | { type: 'typing'; threadId: string; userId: string; displayName: string; at: string }
  | { type: 'presence'; userId: string; status: 'online' | 'offline'; at: string }
  /** A waiting live-chat conversation's place in its queue (1 = next), sent to its thread. */
  | { type: 'queue'; threadId: string; position: number; at: string }
  /**
   * A live-chat conversation of the agent's organization was created or
   * changed (status, agent, department, queue). Sent to every connection of
   * the organization's agents, so inboxes update without polling; after a
   * reconnect an inbox refetches its list.
   */
  | { type: 'conversation'; organizationId: string; conversation: Conversation; at: string }
  /** A private note on a conversation, to the organization's agents only (never to its thread). */
  | { type: 'note'; organizationId: string; note: Note; at: string }
  /**
   * An agent of the organization changed: their status (chosen, or the
   * automatic away and back), role, capacity or departments. Sent to the
   * organization's agents, so who is online shows without polling.
   */
  | { type: 'agent'; organizationId: string; agent: Agent; at: string };

export const THREAD_EVENT_TYPES: readonly ThreadEventType[] = [
  'thread.created',
  'thread.updated',
  'thread.deleted',
  'participant.added',
  'participant.removed',
  'message.created',
  'message.updated',
  'message.deleted',
  'receipt.created',
];
