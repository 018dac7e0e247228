import type { Message } from '@parley/protocol';
import type { CoreDeps } from '../deps.js';
import type { ConversationRecord } from '../ports/conversation-store.js';
import { AppError } from '../errors.js';
import { renderTranscript } from './transcript.js';
import { defaultWidgetSettings } from './widget-settings.js';

/** A transcript holds at most this many messages: the newest ones, which a visitor asking now cares for. */
const MAX_TRANSCRIPT_MESSAGES = 2000;
const PAGE = 500;

/**
 * Mails a conversation's transcript (`transcript.ts` renders it) through the
 * Mailer port. The language is the widget's when fixed, else English; times
 * are shown in UTC, since the server does not know the visitor's zone.
 */
export class Transcripts {
  constructor(private readonly deps: CoreDeps) {}

  async send(tenantId: string, conversation: ConversationRecord, email: string): Promise<void> {
    const { store } = this.deps;
    const organization = await store.livechat.getOrganization(tenantId, conversation.organizationId);
    if (!organization) throw new AppError('conversation_not_found');
    const widget = await store.livechat.getWidget(tenantId, conversation.organizationId);
    const language = (widget?.settings ?? defaultWidgetSettings()).language;
    const visitor = await store.getUser(tenantId, conversation.visitorId);
    const rendered = renderTranscript({
      organizationName: organization.name,
      conversation: { id: conversation.id, topic: null },
      messages: await this.messages(tenantId, conversation.id),
      visitorName: visitor?.displayName ?? 'Visitor',
      locale: language === 'fr' ? 'fr' : 'en',
      timeZone: 'UTC',
    });
    await this.deps.mailer.send({
      to: [email],
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      headers: { 'X-Parley-Conversation': conversation.id },
    });
  }

  private async messages(tenantId: string, threadId: string): Promise<Message[]> {
    const all: Message[] = [];
    let beforeSequence: number | undefined;
    while (all.length < MAX_TRANSCRIPT_MESSAGES) {
      const page = await this.deps.store.listMessages(tenantId, threadId, {
        limit: PAGE,
        order: 'desc',
        ...(beforeSequence !== undefined && { beforeSequence }),
      });
      all.push(...page);
      if (page.length < PAGE) break;
      beforeSequence = page.at(-1)!.sequence;
    }
    return all;
  }
}
