import type { LocalMessage, Message } from '@parley/sdk';

/** A line of the conversation as the panel shows it: a stored message, or a local echo not yet stored. */
export interface Item {
  /** clientMessageId when known (it links a local echo to its stored copy), else the message id. */
  key: string;
  id?: string;
  sequence?: number;
  type: Message['type'];
  content: string;
  senderId: string | null;
  sender: string;
  system?: Message['system'];
  /** The outbox's state of the visitor's own messages sent from this browser. */
  local?: LocalMessage['state'];
  at: string;
}

export function fromMessage(m: Message): Item {
  return {
    key: m.clientMessageId ?? m.id,
    id: m.id,
    sequence: m.sequence,
    type: m.type,
    content: m.deletedAt ? '' : m.content,
    senderId: m.senderId,
    sender: m.senderDisplayName,
    ...(m.system && { system: m.system }),
    at: m.createdAt,
  };
}

export function fromLocal(local: LocalMessage, me: string | null): Item {
  const stored = local.message ? fromMessage(local.message) : null;
  return {
    key: local.clientMessageId,
    type: local.type,
    content: local.content,
    senderId: me,
    sender: local.senderDisplayName ?? '',
    at: local.createdAt,
    ...stored,
    local: local.state,
  };
}

/** Stored messages by sequence; local echoes after them, oldest first. */
export function ordered(items: Iterable<Item>): Item[] {
  return [...items].sort(
    (a, b) => (a.sequence ?? Infinity) - (b.sequence ?? Infinity) || (a.at < b.at ? -1 : a.at > b.at ? 1 : 0),
  );
}
