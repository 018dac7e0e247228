import type { ChatClient, Message, ParleyError, Thread, ThreadSummary } from '@parley/sdk';
import { ExternalStore } from './external-store.js';
import { toParleyError } from './errors.js';
import { identityOf } from './identity.js';

export interface ThreadsSnapshot {
  /** The caller's threads, most recent activity first. */
  threads: readonly ThreadSummary[];
  loading: boolean;
  error: ParleyError | null;
}

const EMPTY: ThreadsSnapshot = { threads: [], loading: true, error: null };

/**
 * The caller's thread list: the first page over REST, then kept current from
 * events (created, updated, deleted, removed, new messages, own receipts).
 * Unread counts follow the server's rule: text and html messages from others
 * after the caller's read position. When an event cannot be applied exactly
 * (the caller was added to a thread, a resync), the page is fetched again.
 */
export class ThreadsStore {
  readonly store: ExternalStore<ThreadsSnapshot>;
  private offs: Array<() => void> = [];
  private readonly identity: { readonly userId: string | null };
  private generation = 0;

  constructor(
    private readonly client: ChatClient,
    private readonly pageSize: number,
  ) {
    this.identity = identityOf(client);
    this.store = new ExternalStore<ThreadsSnapshot>(EMPTY, {
      onFirstSubscribe: () => this.attach(),
      onLastUnsubscribe: () => this.detach(),
    });
  }

  /** Fetches the first page again. */
  async refresh(): Promise<void> {
    const generation = this.generation;
    this.store.update((s) => ({ ...s, loading: true }));
    try {
      const pages = this.client.listChatThreads({ maxPageSize: this.pageSize }).byPage();
      const first = await pages.next();
      await pages.return?.(undefined);
      if (generation !== this.generation) return;
      this.store.set({ threads: sortThreads(first.done ? [] : first.value), loading: false, error: null });
    } catch (err) {
      if (generation !== this.generation) return;
      this.store.update((s) => ({ ...s, loading: false, error: toParleyError(err) }));
    }
  }

  private attach(): void {
    const c = this.client;
    this.offs = [
      c.on('chatThreadCreated', (e) => this.upsert(e.thread)),
      c.on('chatThreadPropertiesUpdated', (e) => this.upsert(e.thread)),
      c.on('chatThreadDeleted', (e) => this.remove(e.threadId)),
      c.on('participantsRemoved', (e) => {
        if (this.identity.userId !== null && e.userIds.includes(this.identity.userId))
          this.remove(e.threadId);
      }),
      c.on('participantsAdded', (e) => {
        const known = this.store.getSnapshot().threads.some((t) => t.id === e.threadId);
        if (!known && e.participants.some((p) => p.userId === this.identity.userId)) void this.refresh();
      }),
      c.on('chatMessageReceived', (e) => this.onMessage(e.message, 'created')),
      c.on('chatMessageDeleted', (e) => this.onMessage(e.message, 'deleted')),
      c.on('readReceiptReceived', (e) => {
        if (e.receipt.userId !== this.identity.userId) return;
        const thread = this.store.getSnapshot().threads.find((t) => t.id === e.threadId);
        if (!thread || thread.unreadCount === 0) return;
        // Read to the end: nothing is unread. Part way: only the server can count what is left.
        if (e.receipt.sequence >= thread.lastSequence) this.patch(e.threadId, () => ({ unreadCount: 0 }));
        else void this.refresh();
      }),
      c.on('resyncRequired', () => void this.refresh()),
    ];
    void this.refresh();
  }

  private detach(): void {
    for (const off of this.offs) off();
    this.offs = [];
    this.generation++;
    this.store.set(EMPTY);
  }

  private onMessage(message: Message, change: 'created' | 'deleted'): void {
    const fromOther =
      message.senderId !== null &&
      message.senderId !== this.identity.userId &&
      (message.type === 'text' || message.type === 'html');
    this.patch(message.threadId, (t) => {
      if (change === 'deleted') {
        const lastMessage = t.lastMessage?.id === message.id ? message : t.lastMessage;
        return { lastMessage };
      }
      if (message.sequence <= t.lastSequence) return {}; // a replayed event already counted in the page
      return {
        lastMessage: message,
        lastSequence: message.sequence,
        lastActivityAt: message.createdAt > t.lastActivityAt ? message.createdAt : t.lastActivityAt,
        unreadCount: t.unreadCount + (fromOther ? 1 : 0),
      };
    });
  }

  private upsert(thread: Thread): void {
    this.store.update((s) => {
      const existing = s.threads.find((t) => t.id === thread.id);
      const next: ThreadSummary = existing
        ? { ...existing, ...thread, lastSequence: Math.max(existing.lastSequence, thread.lastSequence) }
        : { ...thread, lastMessage: null, unreadCount: 0 };
      return { ...s, threads: sortThreads([next, ...s.threads.filter((t) => t.id !== thread.id)]) };
    });
  }

  private patch(threadId: string, change: (t: ThreadSummary) => Partial<ThreadSummary>): void {
    const current = this.store.getSnapshot();
    const index = current.threads.findIndex((t) => t.id === threadId);
    if (index < 0) return;
    const delta = change(current.threads[index]!);
    if (Object.keys(delta).length === 0) return;
    const threads = current.threads.slice();
    threads[index] = { ...threads[index]!, ...delta };
    this.store.set({ ...current, threads: sortThreads(threads) });
  }

  private remove(threadId: string): void {
    this.store.update((s) =>
      s.threads.some((t) => t.id === threadId)
        ? { ...s, threads: s.threads.filter((t) => t.id !== threadId) }
        : s,
    );
  }
}

function sortThreads(threads: readonly ThreadSummary[]): ThreadSummary[] {
  return [...threads].sort((a, b) =>
    a.lastActivityAt < b.lastActivityAt ? 1 : a.lastActivityAt > b.lastActivityAt ? -1 : 0,
  );
}
