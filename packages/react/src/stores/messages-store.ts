import type { ChatClient, LocalMessage, Message, ParleyError } from '@parley/sdk';
import { ExternalStore } from './external-store.js';
import { mergeMessages, upsertMessages, type MessageItem } from './merge.js';
import type { OutboxStore } from './outbox-store.js';
import { toParleyError } from './errors.js';

export interface MessagesSnapshot {
  /** Stored messages in sequence order, then this client's unconfirmed echoes. */
  items: readonly MessageItem[];
  /** Whether older messages than the first one exist on the server. */
  hasMore: boolean;
  loading: boolean;
  error: ParleyError | null;
}

const EMPTY: MessagesSnapshot = { items: [], hasMore: false, loading: true, error: null };

/**
 * One thread's timeline: the newest page over REST, older pages on demand,
 * live `message.created/updated/deleted` events, and the outbox's echoes for
 * the thread. A `resyncRequired` for the thread refetches the newest page and
 * tells the session where live events continue.
 */
export class MessagesStore {
  readonly store: ExternalStore<MessagesSnapshot>;
  private messages: Message[] = [];
  private outbox: readonly LocalMessage[] = [];
  private hasMore = false;
  private loaded = false;
  private loading = false;
  private error: ParleyError | null = null;
  private offs: Array<() => void> = [];
  /** Bumped on detach so that a page arriving for an old subscription is dropped. */
  private generation = 0;

  constructor(
    private readonly client: ChatClient,
    private readonly threadId: string,
    private readonly outboxStore: OutboxStore,
    private readonly pageSize: number,
  ) {
    this.store = new ExternalStore<MessagesSnapshot>(EMPTY, {
      onFirstSubscribe: () => this.attach(),
      onLastUnsubscribe: () => this.detach(),
    });
  }

  /** Fetches the page before the oldest message held; does nothing while loading or at the start. */
  async loadOlder(): Promise<void> {
    if (this.loading || !this.hasMore) return;
    const oldest = this.messages[0]?.sequence;
    await this.load(oldest === undefined ? {} : { before: oldest }, true);
  }

  private attach(): void {
    const onMessage = (e: { threadId: string; message: Message }) => {
      if (e.threadId !== this.threadId) return;
      this.messages = upsertMessages(this.messages, [e.message]);
      this.publish();
    };
    this.offs = [
      this.client.on('chatMessageReceived', onMessage),
      this.client.on('chatMessageEdited', onMessage),
      this.client.on('chatMessageDeleted', onMessage),
      this.client.on('resyncRequired', (e) => {
        if (e.threadId === this.threadId) void this.resync();
      }),
      this.outboxStore.store.subscribe(() => this.onOutbox()),
    ];
    this.onOutbox(false);
    void this.load({}, false);
  }

  private detach(): void {
    for (const off of this.offs) off();
    this.offs = [];
    this.generation++;
    this.messages = [];
    this.hasMore = false;
    this.loaded = false;
    this.loading = false;
    this.error = null;
    this.store.set(EMPTY);
  }

  private onOutbox(publish = true): void {
    const all = this.outboxStore.store.getSnapshot();
    this.outbox = [...all.values()].filter((l) => l.threadId === this.threadId);
    if (publish) this.publish();
  }

  private async resync(): Promise<void> {
    try {
      const thread = await this.client.getChatThread(this.threadId);
      await this.load({}, false);
      this.client.realtime.setPosition(this.threadId, thread.lastPosition);
    } catch (err) {
      this.error = toParleyError(err);
      this.publish();
    }
  }

  /** One page, newest first from `before` (or from the end). `older` decides what `hasMore` describes. */
  private async load(position: { before?: number }, older: boolean): Promise<void> {
    const generation = this.generation;
    this.loading = true;
    this.publish();
    try {
      const pages = this.client
        .getChatThreadClient(this.threadId)
        .listMessages({ ...position, maxPageSize: this.pageSize })
        .byPage();
      const first = await pages.next();
      await pages.return?.(undefined);
      if (generation !== this.generation) return;
      const page = first.done ? [] : first.value;
      // What events brought in meanwhile is newer than the page: it wins.
      this.messages = upsertMessages(page, this.messages);
      // A resync reloads the newest page: it says nothing about pages already held before it.
      if (older || !this.loaded) this.hasMore = page.continuationToken !== undefined;
      this.loaded = true;
      this.error = null;
    } catch (err) {
      if (generation !== this.generation) return;
      this.error = toParleyError(err);
    }
    this.loading = false;
    this.publish();
  }

  private publish(): void {
    if (!this.store.subscribed) return;
    this.store.set({
      items: mergeMessages(this.messages, this.outbox),
      hasMore: this.hasMore,
      loading: this.loading,
      error: this.error,
    });
  }
}
