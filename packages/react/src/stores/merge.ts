import type { Message } from '@parley/protocol';
import type { LocalMessage } from '@parley/sdk';

/**
 * One row of `useMessages`: a stored message, or a local echo from the outbox
 * that the server has not yet confirmed (or refused). `key` is stable across
 * the switch from echo to stored message, so a list keyed by it does not
 * remount the row when the message is delivered.
 */
export type MessageItem =
  | { kind: 'server'; key: string; message: Message; local?: LocalMessage }
  | { kind: 'local'; key: string; local: LocalMessage };

/** Inserts or replaces stored messages, keeping sequence order and one entry per sequence. */
export function upsertMessages(current: readonly Message[], incoming: readonly Message[]): Message[] {
  if (incoming.length === 0) return current as Message[];
  const bySequence = new Map<number, Message>();
  for (const m of current) bySequence.set(m.sequence, m);
  for (const m of incoming) bySequence.set(m.sequence, m);
  return [...bySequence.values()].sort((a, b) => a.sequence - b.sequence);
}

/**
 * Server messages in sequence order, then the outbox echoes the server does not
 * show yet, in the order they were sent. A stored message carries its local
 * record (`local`) when this client sent it, so a UI can still show "read".
 */
export function mergeMessages(server: readonly Message[], outbox: readonly LocalMessage[]): MessageItem[] {
  const localById = new Map(outbox.map((l) => [l.clientMessageId, l]));
  const seen = new Set<string>();
  const items: MessageItem[] = server.map((message) => {
    const local = message.clientMessageId === null ? undefined : localById.get(message.clientMessageId);
    if (local) seen.add(local.clientMessageId);
    return {
      kind: 'server' as const,
      key: message.clientMessageId ?? message.id,
      message,
      ...(local && { local }),
    };
  });
  const echoes = outbox
    .filter((l) => !seen.has(l.clientMessageId) && !l.message)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  for (const local of echoes) items.push({ kind: 'local', key: local.clientMessageId, local });
  // An acknowledged message whose event has not arrived yet is shown from the ack, in place.
  const acked = outbox
    .filter((l) => !seen.has(l.clientMessageId) && l.message)
    .map((l) => ({ kind: 'server' as const, key: l.clientMessageId, message: l.message!, local: l }));
  if (acked.length === 0) return items;
  const serverItems = items.filter((i) => i.kind === 'server').concat(acked);
  serverItems.sort((a, b) => a.message.sequence - b.message.sequence);
  return [...serverItems, ...items.filter((i) => i.kind === 'local')];
}
