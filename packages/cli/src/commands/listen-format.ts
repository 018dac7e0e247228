import type { EphemeralEvent, ThreadEvent } from '@parley/protocol';
import { describeMessage, senderOf } from '../format.js';

/** What `listen` prints for each event: `<time> <thread> <type> <what happened>`. */
export function formatEvent(event: ThreadEvent | EphemeralEvent): string {
  const thread = 'threadId' in event ? event.threadId : '-';
  return `${event.at}  ${thread}  ${event.type}  ${describeEvent(event)}`.trimEnd();
}

function describeEvent(event: ThreadEvent | EphemeralEvent): string {
  switch (event.type) {
    case 'message.created':
      return `${senderOf(event.message)}: ${describeMessage(event.message)}`;
    case 'message.updated':
      return `${senderOf(event.message)} edited ${event.message.id}: ${event.message.content}`;
    case 'message.deleted':
      return `${event.message.id} deleted`;
    case 'receipt.created':
      return `${event.receipt.userId} read up to ${event.receipt.messageId} (#${event.receipt.sequence})`;
    case 'thread.created':
      return `"${event.thread.topic}" with ${event.participants.map((p) => p.userId).join(', ')}`;
    case 'thread.updated':
      return `topic "${event.thread.topic}"`;
    case 'thread.deleted':
      return '';
    case 'participant.added':
      return `added ${event.participants.map((p) => p.userId).join(', ')}`;
    case 'participant.removed':
      return `removed ${event.userIds.join(', ')}`;
    case 'typing':
      return `${event.displayName || event.userId} is typing`;
    case 'presence':
      return `${event.userId} is ${event.status}`;
    case 'queue':
      return `position ${event.position} in the queue`;
    case 'note':
      return `note on ${event.note.conversationId} by ${event.note.authorDisplayName}: ${event.note.content}`;
    case 'conversation':
      return `conversation ${event.conversation.id} is ${event.conversation.status}${event.conversation.agentId ? ` with ${event.conversation.agentId}` : ''}`;
    case 'agent':
      return `agent ${event.agent.displayName} (${event.agent.userId}) is ${event.agent.status}`;
  }
}
