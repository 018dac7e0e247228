import { createHash } from 'node:crypto';
import type {
  Conversation,
  OfflineMessageBody,
  PreChatField,
  RateConversationBody,
  StartConversationBody,
  TranscriptRequestBody,
  TranscriptRequestResult,
  VisitorClient,
} from '@parley/protocol';
import type { Actor, UserActor } from '../actor.js';
import type { CoreDeps } from '../deps.js';
import type { ConversationRecord } from '../ports/conversation-store.js';
import type { Messages } from '../messages.js';
import { isMailAddress } from '../ports/mailer.js';
import { AppError } from '../errors.js';
import { iso } from '../clock.js';
import { newId } from '../ids.js';
import type { Conversations } from './conversations.js';
import type { ConversationThreads } from './conversation-threads.js';
import type { Router } from './router.js';
import type { Transcripts } from './transcripts.js';
import { visitorClient, type ClientHeaders } from './visitor-client.js';
import type { Visitors, WidgetCaller } from './visitors.js';
import type { Widgets } from './widgets.js';

/** Who calls: the widget key and origin, and the visitor's access token. */
export interface VisitorCall {
  widgetKey: string;
  caller: WidgetCaller;
  actor: Actor;
}

interface VisitorContext {
  tenantId: string;
  organizationId: string;
  visitor: UserActor;
}

/**
 * The visitor's side of a conversation, for the widget: start or resume it,
 * read it, rate it, ask for its transcript, and leave an offline message.
 * Every call passes the widget's gate (rate limit, key, origin) and must come
 * with the access token of a visitor of that very widget's organization.
 */
export class VisitorConversations {
  constructor(
    private readonly deps: CoreDeps,
    private readonly visitors: Visitors,
    private readonly widgets: Widgets,
    private readonly conversations: Conversations,
    private readonly router: Router,
    private readonly threads: ConversationThreads,
    private readonly transcripts: Transcripts,
    private readonly messages: Messages,
  ) {}

  /**
   * The visitor's open conversation, or a new one in its department's queue
   * (routed at once). Exactly one open conversation per visitor, however many
   * starts race: the store decides, and the losers get the winner's.
   * `headers` give the browser's user agent and language (and the proxy's
   * geolocation), recorded with the body's `client` on a new conversation.
   */
  async start(
    call: VisitorCall,
    body: StartConversationBody,
    headers: ClientHeaders = {},
  ): Promise<{ conversation: Conversation; created: boolean }> {
    const context = await this.context(call);
    return this.startFor(context, body, 'chat', visitorClient(headers, body.client));
  }

  /** The visitor's latest conversation, whatever its status. */
  async current(call: VisitorCall): Promise<Conversation> {
    const { tenantId, visitor } = await this.context(call);
    const latest = await this.deps.store.livechat.latestConversationOf(tenantId, visitor.userId);
    if (!latest) throw new AppError('conversation_not_found');
    return this.conversations.view(tenantId, latest);
  }

  /** Satisfaction 1–5 with an optional comment; rating again replaces it. */
  async rate(call: VisitorCall, conversationId: string, body: RateConversationBody): Promise<Conversation> {
    const context = await this.context(call);
    const rating = { score: body.score, comment: body.comment ?? '', ratedAt: iso(this.deps.clock.now()) };
    const updated = await this.patchOwn(context, conversationId, { rating });
    return this.conversations.view(context.tenantId, updated);
  }

  /** Mails the transcript now, or records the address to mail it when the conversation is resolved. */
  async requestTranscript(
    call: VisitorCall,
    conversationId: string,
    body: TranscriptRequestBody,
  ): Promise<TranscriptRequestResult> {
    const context = await this.context(call);
    const conversation = await this.own(context, conversationId);
    if ((body.when ?? 'now') === 'now' || conversation.status === 'resolved') {
      await this.transcripts.send(context.tenantId, conversation, body.email);
      return { sent: true, scheduled: false };
    }
    await this.patchOwn(context, conversationId, { transcriptEmail: body.email });
    return { sent: false, scheduled: true };
  }

  /**
   * Seed 001's offline form: the message is stored as the visitor's
   * conversation (their open one if any), then mailed to the organization's
   * address with the visitor as reply-to. A retry after a mail failure stores
   * nothing twice (the message is idempotent on its content) and mails again.
   */
  async leaveOfflineMessage(
    call: VisitorCall,
    body: OfflineMessageBody,
    headers: ClientHeaders = {},
  ): Promise<Conversation> {
    const context = await this.context(call);
    const { tenantId, organizationId, visitor } = context;
    const settings = await this.widgets.resolvedFor(tenantId, organizationId, body.departmentId);
    if (!settings.offlineForm.enabled) throw new AppError('offline_form_disabled');
    if (!this.deps.mailer.configured) throw new AppError('mail_not_configured');
    if (settings.offlineForm.email === null)
      throw new AppError('mail_not_configured', 'The organization has no address for offline messages.');
    const { conversation } = await this.startFor(
      context,
      {
        ...(body.departmentId !== undefined && { departmentId: body.departmentId }),
        answers: { name: body.name, email: body.email },
      },
      'offline',
      visitorClient(headers),
      false,
    );
    const digest = createHash('sha256').update(`${body.email}\n${body.message}`).digest('hex').slice(0, 40);
    await this.messages.send(visitor, conversation.id, {
      content: body.message,
      clientMessageId: `offline-${digest}`,
    });
    await this.deps.mailer.send({
      to: [settings.offlineForm.email],
      replyTo: body.email,
      subject: `Offline message from ${body.name.replace(/[\r\n]+/g, ' ')}`,
      text: `${body.name} <${body.email}> wrote, while nobody was available:\n\n${body.message}\n\nConversation: ${conversation.id}\n`,
      headers: { 'X-Parley-Conversation': conversation.id },
    });
    return conversation;
  }

  private async startFor(
    context: VisitorContext,
    body: StartConversationBody,
    source: 'chat' | 'offline',
    client: VisitorClient,
    checkForm = true,
  ): Promise<{ conversation: Conversation; created: boolean }> {
    const { tenantId, organizationId, visitor } = context;
    const { store } = this.deps;
    const departmentId = body.departmentId ?? null;
    if (
      departmentId !== null &&
      !(await store.livechat.getDepartment(tenantId, organizationId, departmentId))
    )
      throw new AppError('department_not_found', undefined, { field: 'departmentId' });
    const settings = await this.widgets.resolvedFor(tenantId, organizationId, departmentId ?? undefined);
    const answers = body.answers ?? {};
    // Resuming the open conversation (a reload, another tab) asks for nothing again: the form
    // was checked when it started. A race with a resolve at worst checks a resume's answers.
    const latest = await store.livechat.latestConversationOf(tenantId, visitor.userId);
    const resuming = latest !== null && latest.status !== 'resolved';
    if (checkForm && !resuming) checkAnswers(settings.preChatForm, answers);
    const now = iso(this.deps.clock.now());
    const record: ConversationRecord = {
      id: newId('cnv'),
      organizationId,
      departmentId,
      visitorId: visitor.userId,
      source,
      status: 'pending',
      agentId: null,
      answers,
      page: body.page ?? null,
      client,
      rating: null,
      labels: [],
      transcriptEmail: null,
      enqueuedAt: now,
      assignedAt: null,
      firstAgentReplyAt: null,
      firstResponseAt: null,
      snoozedUntil: null,
      resolvedAt: null,
      answerDeadline: null,
      requeuedFrom: null,
      priority: 0,
      createdAt: now,
      updatedAt: now,
    };
    const { conversation, created } = await store.livechat.insertConversation(tenantId, record);
    const name = nameFrom(settings.preChatForm, answers, source);
    if (created && name !== null)
      await store.updateUser(tenantId, visitor.userId, { displayName: name, updatedAt: now });
    const user = await store.getUser(tenantId, visitor.userId);
    // Also finishes a start that stopped between the conversation and its thread.
    await this.threads.ensure(tenantId, conversation, user?.displayName ?? visitor.displayName);
    if (created) {
      await this.router.changed(tenantId, conversation);
      await this.router.route(tenantId, organizationId, conversation.departmentId);
    }
    const current = (await store.livechat.getConversation(tenantId, conversation.id)) ?? conversation;
    return { conversation: await this.conversations.view(tenantId, current), created };
  }

  private async patchOwn(
    context: VisitorContext,
    conversationId: string,
    patch: Pick<ConversationRecord, 'rating'> | Pick<ConversationRecord, 'transcriptEmail'>,
  ): Promise<ConversationRecord> {
    // Routing may move the conversation meanwhile; these fields do not depend on its state.
    for (let attempt = 0; attempt < 5; attempt++) {
      const conversation = await this.own(context, conversationId);
      const updated = await this.deps.store.livechat.updateConversation(
        context.tenantId,
        conversationId,
        { status: conversation.status, agentId: conversation.agentId },
        { ...patch, updatedAt: iso(this.deps.clock.now()) },
      );
      if (updated) {
        await this.router.changed(context.tenantId, updated);
        return updated;
      }
    }
    throw new AppError('conversation_state_conflict', 'The conversation keeps changing; retry.');
  }

  private async own(context: VisitorContext, conversationId: string): Promise<ConversationRecord> {
    const conversation = await this.deps.store.livechat.getConversation(context.tenantId, conversationId);
    if (conversation?.visitorId !== context.visitor.userId) throw new AppError('conversation_not_found');
    return conversation;
  }

  private async context(call: VisitorCall): Promise<VisitorContext> {
    const { tenantId, organizationId } = await this.visitors.open(call.widgetKey, call.caller);
    const { actor } = call;
    const visitor =
      actor.kind === 'user' && actor.tenantId === tenantId
        ? await this.deps.store.livechat.getVisitor(tenantId, organizationId, actor.userId)
        : null;
    if (!visitor || actor.kind !== 'user')
      throw new AppError('forbidden', "Use the access token of one of this widget's visitors.");
    return { tenantId, organizationId, visitor: actor };
  }
}

/** Required fields answered, no unknown field, email fields valid addresses. */
function checkAnswers(form: readonly PreChatField[], answers: Record<string, string>): void {
  const fields = new Map(form.map((f) => [f.key, f]));
  for (const key of Object.keys(answers)) {
    if (!fields.has(key))
      throw new AppError('invalid_request', `The pre-chat form has no field ${key}.`, {
        field: `answers.${key}`,
      });
  }
  for (const field of form) {
    const value = answers[field.key]?.trim() ?? '';
    if (value === '') {
      if (field.required)
        throw new AppError('invalid_request', `${field.label} is required.`, {
          field: `answers.${field.key}`,
        });
      continue;
    }
    if (field.type === 'email' && !isMailAddress(value))
      throw new AppError('invalid_request', `${field.label} is not a valid email address.`, {
        field: `answers.${field.key}`,
      });
  }
}

/** The visitor's name from the form's `name` field (or the offline form's), trimmed; null if none. */
function nameFrom(
  form: readonly PreChatField[],
  answers: Record<string, string>,
  source: 'chat' | 'offline',
): string | null {
  const key = source === 'offline' ? 'name' : form.find((f) => f.type === 'name')?.key;
  const value = key === undefined ? undefined : answers[key]?.trim();
  return value ? value.slice(0, 256) : null;
}
