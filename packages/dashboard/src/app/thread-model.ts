/// <reference lib="dom" />
import type { Conversation, Message, Note } from '@parley/protocol';
import type { ChatClient, LocalMessage, LocalMessageState } from '@parley/sdk';

const PAGE = 50;
/** How long "is typing" stays up after the last signal (the sender repeats it about every second). */
const TYPING_SHOWN_MS = 4000;
/** The server absorbs repeats within a second anyway: no need to send them. */
const TYPING_SENT_EVERY_MS = 1000;

/** One line of the conversation: a stored message, or one of the agent's still on its way. */
export interface Item {
  key: string;
  /** The stored message's id; absent while the agent's message is on its way. */
  id?: string;
  sequence: number | null;
  type: Message['type'];
  content: string;
  senderId: string | null;
  senderDisplayName: string;
  createdAt: string;
  system?: Message['system'];
  /** The agent's own messages: where they are (sent, delivered, read…). */
  state?: LocalMessageState;
  clientMessageId?: string;
  deleted: boolean;
}

/** The conversation's timeline: its messages, and the agents' private notes between them by time. */
export type Entry = { kind: 'message'; key: string; item: Item } | { kind: 'note'; key: string; note: Note };

/**
 * One open conversation: its history (paged back on demand), live messages,
 * typing, and the visitor's read position, from which the agent's messages
 * show as read. Events reach it through the app, which listens once.
 */
export class ThreadModel {
  readonly items = new Map<string, Item>();
  /** Private notes, by id: loaded over REST, then pushed live (`noteAdded`). */
  readonly notes = new Map<string, Note>();
  notesError: unknown = null;
  hasOlder = false;
  loadingOlder = false;
  loaded = false;
  error: unknown = null;
  typing: string | null = null;
  /** The highest sequence another participant has read. */
  readUpTo = 0;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private lastMarked = 0;

  constructor(
    readonly id: string,
    private readonly client: ChatClient,
    readonly me: string,
    private readonly changed: () => void,
  ) {}

  private get thread() {
    return this.client.getChatThreadClient(this.id);
  }

  async load(): Promise<void> {
    try {
      await this.loadPage();
      for (const local of this.client.realtime.localMessages()) {
        if (local.threadId === this.id) this.local(local);
      }
      this.loaded = true;
      this.changed();
      for await (const receipt of this.thread.listReadReceipts()) {
        if (receipt.userId !== this.me) this.readUpTo = Math.max(this.readUpTo, receipt.sequence);
      }
    } catch (err) {
      this.error = err;
      this.loaded = true;
    }
    this.changed();
  }

  async loadOlder(): Promise<boolean> {
    if (!this.hasOlder || this.loadingOlder) return false;
    this.loadingOlder = true;
    this.changed();
    try {
      await this.loadPage(this.oldestSequence());
    } finally {
      this.loadingOlder = false;
      this.changed();
    }
    return true;
  }

  private oldestSequence(): number | undefined {
    let oldest: number | undefined;
    for (const item of this.items.values()) {
      if (item.sequence !== null && (oldest === undefined || item.sequence < oldest)) oldest = item.sequence;
    }
    return oldest;
  }

  private async loadPage(before?: number): Promise<void> {
    const pages = this.thread
      .listMessages({ maxPageSize: PAGE, ...(before !== undefined && { before }) })
      .byPage({ maxPageSize: PAGE });
    const page: Message[] = (await pages.next()).value ?? [];
    for (const m of page) this.store(m);
    const oldest = page[page.length - 1]?.sequence ?? 1;
    this.hasOlder = page.length === PAGE && oldest > 1;
  }

  /** In display order: by sequence, the agent's pending ones last. */
  list(): Item[] {
    return [...this.items.values()].sort((a, b) => {
      if (a.sequence === null && b.sequence === null) return a.createdAt < b.createdAt ? -1 : 1;
      if (a.sequence === null) return 1;
      if (b.sequence === null) return -1;
      return a.sequence - b.sequence;
    });
  }

  async loadNotes(fetchNotes: () => Promise<Note[]>): Promise<void> {
    try {
      for (const note of await fetchNotes()) this.notes.set(note.id, note);
      this.notesError = null;
    } catch (err) {
      this.notesError = err;
    }
    this.changed();
  }

  /** A note, from this agent's own post or from the live feed (either may come first). */
  noteAdded(note: Note): void {
    if (note.conversationId !== this.id || this.notes.has(note.id)) return;
    this.notes.set(note.id, note);
    this.changed();
  }

  /**
   * Messages in display order, with each note placed before the first
   * message written after it. Notes older than the oldest loaded page wait
   * until that page is loaded (while older messages remain).
   */
  timeline(): Entry[] {
    const items = this.list();
    const notes = [...this.notes.values()].sort((a, b) =>
      a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1,
    );
    const oldest = items[0]?.createdAt;
    const out: Entry[] = [];
    let n = 0;
    if (this.hasOlder && oldest) while (n < notes.length && notes[n]!.createdAt < oldest) n += 1;
    for (const item of items) {
      while (n < notes.length && item.sequence !== null && notes[n]!.createdAt < item.createdAt) {
        out.push({ kind: 'note', key: `note:${notes[n]!.id}`, note: notes[n]! });
        n += 1;
      }
      out.push({ kind: 'message', key: item.key, item });
    }
    for (; n < notes.length; n++) out.push({ kind: 'note', key: `note:${notes[n]!.id}`, note: notes[n]! });
    return out;
  }

  /** The state shown under one of the agent's messages. */
  stateOf(item: Item): LocalMessageState | null {
    if (item.senderId !== this.me) return null;
    if (item.state === 'failed' || item.state === 'pending') return item.state;
    if (item.sequence !== null && item.sequence <= this.readUpTo) return 'read';
    return item.state ?? (item.sequence !== null ? 'delivered' : 'pending');
  }

  store(m: Message): Item {
    const key = m.clientMessageId ?? m.id;
    const previous = this.items.get(key);
    const item: Item = {
      key,
      id: m.id,
      sequence: m.sequence,
      type: m.type,
      content: m.content,
      senderId: m.senderId,
      senderDisplayName: m.senderDisplayName,
      createdAt: m.createdAt,
      ...(m.system && { system: m.system }),
      ...(previous?.state && { state: previous.state }),
      ...(m.clientMessageId && { clientMessageId: m.clientMessageId }),
      deleted: m.deletedAt !== null,
    };
    this.items.set(key, item);
    return item;
  }

  /** A message of the agent's from the outbox: shown at once, updated as it progresses. */
  local(local: LocalMessage): void {
    if (local.message) {
      const item = this.store(local.message);
      item.state = local.state;
      return;
    }
    const previous = this.items.get(local.clientMessageId);
    this.items.set(local.clientMessageId, {
      key: local.clientMessageId,
      sequence: previous?.sequence ?? null,
      type: local.type,
      content: local.content,
      senderId: this.me,
      senderDisplayName: local.senderDisplayName ?? '',
      createdAt: local.createdAt,
      state: local.state,
      clientMessageId: local.clientMessageId,
      deleted: false,
    });
  }

  received(m: Message): void {
    const item = this.store(m);
    if (item.senderId !== this.me && item.senderId === this.typingUser) this.stopTyping();
    this.changed();
  }

  edited(m: Message): void {
    this.store(m);
    this.changed();
  }

  receipt(userId: string, sequence: number): void {
    if (userId === this.me) return;
    this.readUpTo = Math.max(this.readUpTo, sequence);
    this.changed();
  }

  private typingUser: string | null = null;

  typingFrom(userId: string, displayName: string): void {
    if (userId === this.me) return;
    this.typingUser = userId;
    this.typing = displayName;
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.stopTyping(), TYPING_SHOWN_MS);
    this.changed();
  }

  private stopTyping(): void {
    clearTimeout(this.typingTimer);
    if (this.typing === null) return;
    this.typing = null;
    this.typingUser = null;
    this.changed();
  }

  send(content: string, senderDisplayName: string): void {
    const local = this.client.realtime.sendMessage(this.id, { content, senderDisplayName });
    this.local(local);
    this.changed();
  }

  retry(clientMessageId: string): void {
    this.client.realtime.retry(clientMessageId);
  }

  /** Only participants (the assigned agent) announce typing and send receipts. */
  announceTyping(): void {
    const now = Date.now();
    if (now - this.lastTypingSent < TYPING_SENT_EVERY_MS) return;
    this.lastTypingSent = now;
    this.client.realtime.sendTyping(this.id);
  }

  private lastTypingSent = 0;

  /** The agent sees the newest message from someone else: tell the visitor it was read. */
  markSeen(conversation: Conversation | undefined): void {
    if (!conversation || conversation.agentId !== this.me || document.hidden) return;
    let newest: Item | undefined;
    for (const item of this.items.values()) {
      if (
        item.sequence !== null &&
        item.senderId !== this.me &&
        (!newest || item.sequence > newest.sequence!)
      )
        newest = item;
    }
    if (!newest || newest.sequence! <= this.lastMarked) return;
    this.lastMarked = newest.sequence!;
    if (newest.id) this.client.realtime.markRead(this.id, newest.id).catch(() => (this.lastMarked = 0));
  }

  dispose(): void {
    clearTimeout(this.typingTimer);
  }
}
