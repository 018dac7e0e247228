import type { Message } from '@parley/protocol';

/** One readable line for a message's content, system messages and deletions included. */
export function describeMessage(message: Message): string {
  if (message.deletedAt) return '(deleted)';
  const system = message.system;
  if (system) {
    const who = system.initiatorId ?? 'system';
    const names = (system.participants ?? []).map((p) => p.displayName || p.userId).join(', ');
    switch (message.type) {
      case 'topicUpdated':
        return `${who} set the topic to "${system.topic ?? ''}"`;
      case 'participantAdded':
        return `${who} added ${names}`;
      case 'participantRemoved':
        return `${who} removed ${names}`;
    }
  }
  return message.editedAt ? `${message.content} (edited)` : message.content;
}

/** A message's sender as shown in tables and `listen`: the display name, else the id. */
export function senderOf(message: Message): string {
  return message.senderDisplayName || message.senderId || 'system';
}

/** Shortens long text for a table cell; the full text is in --json. */
export function truncate(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
