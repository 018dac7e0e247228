import { CONVERSATION_STATUS_METADATA_KEY, type ConversationStatus } from '@parley/protocol';
import type { Actor } from '../actor.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import type { ConversationRecord } from '../ports/conversation-store.js';
import { iso } from '../clock.js';
import { newId } from '../ids.js';
import { publishThreadEvents } from '../publish.js';

/** Conversation ids (which are also their threads' ids) start with this. */
const CONVERSATION_PREFIX = 'cnv_';

/**
 * Whether a thread is a live-chat conversation's: known from its id alone,
 * so the message path pays nothing for ordinary threads.
 */
export function isConversationThread(threadId: string): boolean {
  return threadId.startsWith(CONVERSATION_PREFIX);
}

/** What the visitor is told of the status: a snooze is the agent's own business. */
function visibleStatus(status: ConversationStatus): 'pending' | 'open' | 'resolved' {
  return status === 'snoozed' ? 'open' : status;
}

/**
 * The thread side of a conversation: the thread itself (created with the
 * conversation's id, the visitor its only participant), the agent joining and
 * leaving it, and the status the visitor sees in its metadata. Every change
 * goes through the store's thread events, so visitors and agents get it live
 * and after a resume like any other thread event.
 */
export class ConversationThreads {
  constructor(private readonly deps: CoreDeps) {}

  /**
   * Creates the thread if it is missing. Idempotent on the conversation id:
   * a start that crashed between the conversation and its thread is finished
   * by the next start.
   */
  async ensure(tenantId: string, conversation: ConversationRecord, visitorName: string): Promise<void> {
    if (await this.deps.store.getThread(tenantId, conversation.id)) return;
    try {
      await this.create(tenantId, conversation, visitorName);
    } catch (err) {
      // Concurrent starts of one conversation may race to create its thread (the same id and
      // idempotency key): whoever lost finds it made.
      if (!(await this.deps.store.getThread(tenantId, conversation.id))) throw err;
    }
  }

  private async create(
    tenantId: string,
    conversation: ConversationRecord,
    visitorName: string,
  ): Promise<void> {
    const at = iso(this.deps.clock.now());
    const result = await this.deps.store.createThread({
      tenantId,
      id: conversation.id,
      topic: visitorName,
      metadata: { [CONVERSATION_STATUS_METADATA_KEY]: visibleStatus(conversation.status) },
      createdBy: null,
      participants: [
        { userId: conversation.visitorId, displayName: visitorName, role: 'member', shareHistoryTime: at },
      ],
      idempotencyKey: conversation.id,
      at,
    });
    if (result.created) await publishThreadEvents(this.deps, tenantId, conversation.id, result.events);
  }

  /** Writes the visible status into the thread's metadata when it changed. */
  async showStatus(tenantId: string, conversationId: string, status: ConversationStatus): Promise<void> {
    const thread = await this.deps.store.getThread(tenantId, conversationId);
    if (!thread || thread.metadata[CONVERSATION_STATUS_METADATA_KEY] === visibleStatus(status)) return;
    const result = await this.deps.store.updateThread({
      tenantId,
      threadId: conversationId,
      metadata: { ...thread.metadata, [CONVERSATION_STATUS_METADATA_KEY]: visibleStatus(status) },
      initiatorId: null,
      systemMessageId: newId('msg'),
      at: iso(this.deps.clock.now()),
    });
    if (result) await publishThreadEvents(this.deps, tenantId, conversationId, result.events);
  }

  /** Makes the agent a participant (a `participantAdded` message the visitor sees); no-op if already. */
  async join(tenantId: string, conversationId: string, agentId: string): Promise<void> {
    const existing = await this.deps.store.getParticipant(tenantId, conversationId, agentId);
    if (existing) return;
    const user = await this.deps.store.getUser(tenantId, agentId);
    if (!user) return;
    const at = iso(this.deps.clock.now());
    const result = await this.deps.store.addParticipants({
      tenantId,
      threadId: conversationId,
      // The agent reads the whole conversation, including what the visitor wrote while waiting.
      participants: [
        {
          userId: agentId,
          displayName: user.displayName,
          role: 'member',
          shareHistoryTime: '1970-01-01T00:00:00.000Z',
        },
      ],
      initiatorId: null,
      systemMessageId: newId('msg'),
      maxParticipants: this.deps.config.limits.participantsPerThread,
      at,
    });
    if (result.ok) await publishThreadEvents(this.deps, tenantId, conversationId, result.events);
  }

  /** Removes a former agent from the thread; no-op when not a participant. */
  async leave(tenantId: string, conversationId: string, agentId: string): Promise<void> {
    const result = await this.deps.store.removeParticipant({
      tenantId,
      threadId: conversationId,
      userId: agentId,
      initiatorId: null,
      systemMessageId: newId('msg'),
      at: iso(this.deps.clock.now()),
    });
    if (result) await publishThreadEvents(this.deps, tenantId, conversationId, result.events);
  }
}

/**
 * A conversation's participants and metadata belong to routing: users
 * (visitors and agents alike) may not add, remove, retitle or re-tag them
 * through the thread routes. API keys may, as on any thread.
 */
export function refuseConversationEdit(actor: Actor, threadId: string): void {
  if (actor.kind === 'user' && isConversationThread(threadId))
    throw new AppError(
      'forbidden',
      "A live-chat conversation's participants and properties change through routing.",
    );
}
