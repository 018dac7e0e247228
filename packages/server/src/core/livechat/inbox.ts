import {
  INBOX_LIMITS,
  type CannedResponse,
  type Conversation,
  type CreateCannedResponseBody,
  type CreateNoteBody,
  type LabelList,
  type Note,
  type UpdateCannedResponseBody,
} from '@parley/protocol';
import type { Actor } from '../actor.js';
import type { CoreDeps } from '../deps.js';
import type { ConversationRecord } from '../ports/conversation-store.js';
import { AppError } from '../errors.js';
import { iso } from '../clock.js';
import { newId } from '../ids.js';
import { accessOrganization, requireUser } from '../access.js';
import type { Router } from './router.js';
import type { ConversationFeed } from './conversation-feed.js';

/**
 * The agents' private side of conversations: notes (never in the thread, so
 * never on a visitor's connection), labels, and canned responses. Any agent
 * of the organization may note and label its conversations and list its
 * labels; canned responses are managed by admins and read by every agent.
 */
export class Inbox {
  constructor(
    private readonly deps: CoreDeps,
    private readonly router: Router,
    private readonly feed: ConversationFeed,
  ) {}

  async addNote(
    actor: Actor,
    organizationId: string,
    conversationId: string,
    body: CreateNoteBody,
  ): Promise<Note> {
    const user = requireUser(actor, 'Writing a note');
    await this.conversation(actor, organizationId, conversationId);
    const note: Note = {
      id: newId('note'),
      conversationId,
      authorId: user.userId,
      authorDisplayName: user.displayName,
      content: body.content,
      createdAt: iso(this.deps.clock.now()),
    };
    if (!(await this.deps.store.livechat.insertNote(actor.tenantId, note)))
      throw new AppError('conversation_not_found');
    await this.feed.tellAgents(actor.tenantId, organizationId, {
      type: 'note',
      organizationId,
      note,
      at: note.createdAt,
    });
    return note;
  }

  async listNotes(actor: Actor, organizationId: string, conversationId: string): Promise<Note[]> {
    await this.conversation(actor, organizationId, conversationId);
    return this.deps.store.livechat.listNotes(actor.tenantId, conversationId);
  }

  /** Replaces the labels (sorted); retried when routing changes the conversation meanwhile. */
  async setLabels(
    actor: Actor,
    organizationId: string,
    conversationId: string,
    labels: string[],
  ): Promise<Conversation> {
    const sorted = [...new Set(labels)].sort();
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.conversation(actor, organizationId, conversationId);
      const updated = await this.deps.store.livechat.updateConversation(
        actor.tenantId,
        conversationId,
        { status: current.status, agentId: current.agentId },
        { labels: sorted, updatedAt: iso(this.deps.clock.now()) },
      );
      if (updated) {
        await this.router.changed(actor.tenantId, updated);
        return this.router.view(actor.tenantId, updated);
      }
    }
    throw new AppError('conversation_state_conflict', 'The conversation keeps changing; retry.');
  }

  /** The labels on the organization's conversations with their counts, for every agent of it. */
  async listLabels(actor: Actor, organizationId: string): Promise<LabelList> {
    await accessOrganization(this.deps, actor, organizationId, 'read');
    const items = await this.deps.store.livechat.listLabels(
      actor.tenantId,
      organizationId,
      INBOX_LIMITS.organizationLabels,
    );
    return { items };
  }

  async listCanned(actor: Actor, organizationId: string): Promise<CannedResponse[]> {
    await accessOrganization(this.deps, actor, organizationId, 'read');
    return this.deps.store.livechat.listCannedResponses(actor.tenantId, organizationId);
  }

  async createCanned(
    actor: Actor,
    organizationId: string,
    body: CreateCannedResponseBody,
  ): Promise<CannedResponse> {
    await accessOrganization(this.deps, actor, organizationId, 'manage');
    const existing = await this.deps.store.livechat.listCannedResponses(actor.tenantId, organizationId);
    if (existing.length >= INBOX_LIMITS.cannedResponses)
      throw new AppError(
        'invalid_request',
        `An organization has at most ${INBOX_LIMITS.cannedResponses} canned responses.`,
      );
    const now = iso(this.deps.clock.now());
    const response: CannedResponse = {
      id: newId('cr'),
      organizationId,
      ...body,
      createdAt: now,
      updatedAt: now,
    };
    if (!(await this.deps.store.livechat.insertCannedResponse(actor.tenantId, response)))
      throw new AppError('invalid_request', `The shortcut /${body.shortcut} is taken.`, {
        field: 'shortcut',
      });
    return response;
  }

  async updateCanned(
    actor: Actor,
    organizationId: string,
    id: string,
    body: UpdateCannedResponseBody,
  ): Promise<CannedResponse> {
    await accessOrganization(this.deps, actor, organizationId, 'manage');
    const result = await this.deps.store.livechat.updateCannedResponse(actor.tenantId, organizationId, id, {
      ...body,
      updatedAt: iso(this.deps.clock.now()),
    });
    if (result === 'taken')
      throw new AppError('invalid_request', `The shortcut /${body.shortcut} is taken.`, {
        field: 'shortcut',
      });
    if (!result) throw new AppError('canned_response_not_found');
    return result;
  }

  async deleteCanned(actor: Actor, organizationId: string, id: string): Promise<void> {
    await accessOrganization(this.deps, actor, organizationId, 'manage');
    if (!(await this.deps.store.livechat.deleteCannedResponse(actor.tenantId, organizationId, id)))
      throw new AppError('canned_response_not_found');
  }

  /** The organization's conversation, for anyone who may read the organization. */
  private async conversation(
    actor: Actor,
    organizationId: string,
    conversationId: string,
  ): Promise<ConversationRecord> {
    await accessOrganization(this.deps, actor, organizationId, 'read');
    const conversation = await this.deps.store.livechat.getConversation(actor.tenantId, conversationId);
    if (conversation?.organizationId !== organizationId) throw new AppError('conversation_not_found');
    return conversation;
  }
}
