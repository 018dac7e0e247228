import type { ChatClient, ConnectionState } from '@parley/sdk';
import { connectionStore } from './stores/connection-store.js';
import type { ExternalStore } from './stores/external-store.js';
import { MessagesStore } from './stores/messages-store.js';
import { OutboxStore } from './stores/outbox-store.js';
import { ReceiptsStore } from './stores/receipts-store.js';
import { ThreadsStore } from './stores/threads-store.js';
import { TypingStore } from './stores/typing-store.js';
import { identityOf } from './stores/identity.js';

export interface RegistryOptions {
  /** Messages per page of `useMessages`. Default 50. */
  messagePageSize?: number;
  /** Threads in the first page of `useThreads`. Default 50. */
  threadPageSize?: number;
  /** How long a typing user stays listed after their last notification. Default 6000 ms. */
  typingExpireMs?: number;
}

/**
 * The stores of one `ChatClient`, shared by every hook under its provider so
 * that two components showing the same thread hold one copy and one set of
 * listeners. Each store attaches to the client when its first reader
 * subscribes and detaches after the last one leaves.
 */
export class StoreRegistry {
  readonly connection: ExternalStore<ConnectionState>;
  readonly outbox: OutboxStore;
  readonly threads: ThreadsStore;
  private readonly messages = new Map<string, MessagesStore>();
  private readonly typing = new Map<string, TypingStore>();
  private readonly receipts = new Map<string, ReceiptsStore>();

  constructor(
    readonly client: ChatClient,
    private readonly options: RegistryOptions = {},
  ) {
    identityOf(client);
    this.connection = connectionStore(client);
    this.outbox = new OutboxStore(client);
    this.threads = new ThreadsStore(client, options.threadPageSize ?? 50);
  }

  messagesOf(threadId: string): MessagesStore {
    return memo(
      this.messages,
      threadId,
      () => new MessagesStore(this.client, threadId, this.outbox, this.options.messagePageSize ?? 50),
    );
  }

  typingOf(threadId: string): TypingStore {
    return memo(
      this.typing,
      threadId,
      () => new TypingStore(this.client, threadId, this.options.typingExpireMs ?? 6000),
    );
  }

  receiptsOf(threadId: string): ReceiptsStore {
    return memo(this.receipts, threadId, () => new ReceiptsStore(this.client, threadId));
  }
}

function memo<V>(map: Map<string, V>, key: string, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}
