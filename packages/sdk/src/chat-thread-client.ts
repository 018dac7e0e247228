import type {
  Message,
  Metadata,
  Participant,
  ParticipantInput,
  ReadReceipt,
  SendableMessageType,
  Thread,
} from '@parley/protocol';
import { path, type HttpClient } from './http.js';
import { randomId } from './ids.js';
import { retryIdempotent } from './retry.js';
import { cursorPages, pagedIterable, skipPages, type PagedAsyncIterable } from './paging.js';

export interface SendMessageOptions {
  content: string;
  /** `html` is sanitized by the server against an allow-list. Default `text`. */
  type?: SendableMessageType;
  senderDisplayName?: string;
  /** Application data carried with the message (seed 003: `hasAttachment`, …). */
  metadata?: Metadata;
  /** Makes retries safe: the server returns the stored message for a repeated id. Generated when absent. */
  clientMessageId?: string;
}

export interface ListMessagesOptions {
  /** Forward (oldest first) from this time. */
  startTime?: Date | string;
  /** Forward from this sequence (messages with a greater sequence). */
  after?: number;
  /** Back from this sequence (messages with a smaller sequence, newest first). */
  before?: number;
  /**
   * `desc` (newest first) is the default; `asc` without a position starts at
   * the first message. The order follows the position given: `after` and
   * `startTime` are ascending, `before` descending, and a contrary `order` is an error.
   */
  order?: 'asc' | 'desc';
  maxPageSize?: number;
}

export interface SkipListOptions {
  /** How many to skip before the first item. */
  skip?: number;
  maxPageSize?: number;
}

/** How often `sendTypingNotification` really sends; the server absorbs repeats within a second anyway. */
const TYPING_INTERVAL_MS = 1000;

/**
 * Operations on one thread (seed 003's `ChatThreadClient`): messages,
 * participants, read receipts, typing and the thread's properties. Obtain it
 * from `ChatClient.getChatThreadClient(threadId)`; it holds no connection, so
 * creating one is free. Every method throws `ParleyError` on failure; a thread
 * the caller does not take part in is `404 thread_not_found`.
 */
export class ChatThreadClient {
  private lastTypingAt = -Infinity;

  constructor(
    readonly threadId: string,
    private readonly http: HttpClient,
  ) {}

  /** The thread (topic, metadata, `lastSequence`, `lastPosition`). */
  async getProperties(): Promise<Thread> {
    return (await this.http.request<Thread>('GET', path`/v1/threads/${this.threadId}`)).body;
  }

  /** Changes the topic; participants see a `topicUpdated` system message. */
  async updateTopic(topic: string): Promise<Thread> {
    return this.updateProperties({ topic });
  }

  /** Changes the topic, the metadata, or both. */
  async updateProperties(changes: { topic?: string; metadata?: Metadata }): Promise<Thread> {
    return (await this.http.request<Thread>('PATCH', path`/v1/threads/${this.threadId}`, { body: changes }))
      .body;
  }

  /**
   * Sends a message and resolves once it is durable. The `clientMessageId` (given
   * or generated) makes a retry return the original message instead of a
   * duplicate, so a send whose answer was lost (network error, timeout, 503) is
   * retried here up to twice.
   */
  async sendMessage(options: SendMessageOptions): Promise<Message> {
    const body = { ...options, clientMessageId: options.clientMessageId ?? randomId('c') };
    return retryIdempotent(
      async () =>
        (await this.http.request<Message>('POST', path`/v1/threads/${this.threadId}/messages`, { body }))
          .body,
    );
  }

  /**
   * The thread's messages, newest first unless a position says otherwise; keep
   * iterating for older pages. System messages (`topicUpdated`,
   * `participantAdded`, `participantRemoved`) are included.
   */
  listMessages(options: ListMessagesOptions = {}): PagedAsyncIterable<Message> {
    const position = messagePosition(options);
    return pagedIterable(
      cursorPages(async ({ cursor, limit }) => {
        // The cursor carries its own direction and position; sending both is ambiguous.
        const query = cursor === undefined ? { ...position, limit } : { cursor, limit };
        return (
          await this.http.request<{ items: Message[]; nextCursor: string | null }>(
            'GET',
            path`/v1/threads/${this.threadId}/messages`,
            { query },
          )
        ).body;
      }),
      options.maxPageSize,
    );
  }

  async getMessage(messageId: string): Promise<Message> {
    return (await this.http.request<Message>('GET', path`/v1/threads/${this.threadId}/messages/${messageId}`))
      .body;
  }

  /** Edits a message; only its sender may. */
  async updateMessage(
    messageId: string,
    changes: { content?: string; metadata?: Metadata },
  ): Promise<Message> {
    return (
      await this.http.request<Message>('PATCH', path`/v1/threads/${this.threadId}/messages/${messageId}`, {
        body: changes,
      })
    ).body;
  }

  /** Deletes a message (its sender or a thread owner); it stays in the history with empty content. */
  async deleteMessage(messageId: string): Promise<void> {
    await this.http.request('DELETE', path`/v1/threads/${this.threadId}/messages/${messageId}`);
  }

  /** Adds participants (owners and members may); resolves with those added. */
  async addParticipants(participants: ParticipantInput[]): Promise<Participant[]> {
    const response = await this.http.request<{ added: Participant[] }>(
      'POST',
      path`/v1/threads/${this.threadId}/participants`,
      { body: { participants } },
    );
    return response.body.added;
  }

  listParticipants(options: SkipListOptions = {}): PagedAsyncIterable<Participant> {
    return pagedIterable(
      skipPages(
        async (query) =>
          (
            await this.http.request<{ items: Participant[]; nextSkip: number | null }>(
              'GET',
              path`/v1/threads/${this.threadId}/participants`,
              { query },
            )
          ).body,
        options.skip,
      ),
      options.maxPageSize,
    );
  }

  /** Removes a participant (owners), or leaves the thread when `userId` is the caller. */
  async removeParticipant(userId: string): Promise<void> {
    await this.http.request('DELETE', path`/v1/threads/${this.threadId}/participants/${userId}`);
  }

  /** Marks every message up to and including this one as read by the caller. */
  async sendReadReceipt(messageId: string): Promise<ReadReceipt> {
    return (
      await this.http.request<ReadReceipt>('POST', path`/v1/threads/${this.threadId}/read-receipts`, {
        body: { messageId },
      })
    ).body;
  }

  /** Each participant's latest read receipt. */
  listReadReceipts(options: SkipListOptions = {}): PagedAsyncIterable<ReadReceipt> {
    return pagedIterable(
      skipPages(
        async (query) =>
          (
            await this.http.request<{ items: ReadReceipt[]; nextSkip: number | null }>(
              'GET',
              path`/v1/threads/${this.threadId}/read-receipts`,
              { query },
            )
          ).body,
        options.skip,
      ),
      options.maxPageSize,
    );
  }

  /**
   * Tells the other participants the caller is typing (REST `POST …/typing`).
   * Call it on every keystroke: it sends at most once a second and resolves
   * `false` for the calls it skipped.
   */
  async sendTypingNotification(): Promise<boolean> {
    const now = Date.now();
    if (now - this.lastTypingAt < TYPING_INTERVAL_MS) return false;
    this.lastTypingAt = now;
    try {
      await this.http.request('POST', path`/v1/threads/${this.threadId}/typing`);
    } catch (err) {
      // A failed notification must not silence the next keystroke's.
      this.lastTypingAt = -Infinity;
      throw err;
    }
    return true;
  }
}

type MessagePosition = { after?: number; before?: number; startTime?: string };

/** Maps the options onto the server's one-position query (it accepts at most one of them). */
function messagePosition(options: ListMessagesOptions): MessagePosition {
  const { after, before, startTime, order } = options;
  const given = [after, before, startTime].filter((v) => v !== undefined).length;
  if (given > 1) throw new RangeError('listMessages: use at most one of after, before and startTime.');
  if (after !== undefined || startTime !== undefined) {
    if (order === 'desc') throw new RangeError('listMessages: after and startTime list in ascending order.');
    return after !== undefined
      ? { after }
      : { startTime: typeof startTime === 'string' ? startTime : startTime!.toISOString() };
  }
  if (before !== undefined) {
    if (order === 'asc') throw new RangeError('listMessages: before lists in descending order.');
    return { before };
  }
  return order === 'asc' ? { after: 0 } : {};
}
