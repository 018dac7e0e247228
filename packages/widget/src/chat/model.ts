/// <reference lib="dom" />
import type {
  Conversation,
  OfflineMessageBody,
  TranscriptRequestResult,
  WidgetConfig,
} from '@parley/protocol';
import { ChatClient, isParleyError, tokenCredential, type ConnectionState, type Message } from '@parley/sdk';
import type { ChatContext } from '../shared/contract.js';
import { conversationKey, writeStorage } from '../shared/storage-keys.js';
import { Alerts } from './alerts.js';
import { clientInfo } from './client-info.js';
import { fromLocal, fromMessage, ordered, type Item } from './items.js';
import { STRINGS, type Strings } from './strings.js';
import { Visitor } from './visitor.js';
import { WidgetApi } from './widget-api.js';

export type Phase = 'loading' | 'prechat' | 'chat' | 'offline' | 'offlineSent' | 'away';
export type Notice = 'transcriptSent' | 'transcriptScheduled' | 'transcriptUnavailable' | 'error' | null;

const PAGE = 30;
const TYPING_SHOWN_MS = 5000;
const TYPING_SENT_EVERY_MS = 1500;

/**
 * The chat's state and actions, apart from any rendering: the visitor,
 * the conversation (a thread), its messages (stored, and local echoes from the
 * SDK's outbox), typing, receipts, status and queue. `changed` is called after
 * every change; the view reads the fields.
 */
export class ChatModel {
  readonly t: Strings;
  readonly config: WidgetConfig | null;
  phase: Phase = 'loading';
  status: string | null = null;
  queuePosition: number | null = null;
  typing: string | null = null;
  connection: ConnectionState = 'idle';
  hasOlder = false;
  rated = false;
  notice: Notice = null;
  /** Field key → error text, for the pre-chat and offline forms. */
  fieldErrors: Record<string, string> = {};
  me: string | null = null;
  isOpen = false;
  unread = 0;
  // What the visitor is typing and choosing: kept here so that the view is a plain function of the model.
  draft = '';
  picker = false;
  values: Record<string, string> = {};
  score = 0;
  comment = '';
  transcriptOpen = false;

  private readonly messages = new Map<string, Item>();
  private readUpTo = 0;
  private lastMarked = '';
  private threadId: string | null = null;
  private client: ChatClient | null = null;
  private readonly offs: Array<() => void> = [];
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private lastTypingSent = 0;
  private readonly api: WidgetApi | null;
  private readonly visitor: Visitor | null;
  private readonly alerts: Alerts;
  private destroyed = false;

  constructor(
    private readonly context: ChatContext,
    private readonly changed: () => void,
  ) {
    this.t = STRINGS;
    this.config = context.config;
    const key = context.options.key;
    this.api = key ? new WidgetApi(context.origin, key) : null;
    this.visitor = this.api && key ? new Visitor(this.api, context.origin, key) : null;
    this.alerts = new Alerts(context.options.sound !== false);
    const onVisible = () => this.seen();
    // Back online: reconnect now rather than at the end of the backoff; the outbox then sends what waited.
    const onOnline = () => this.threadId && this.client?.reconnect();
    document.addEventListener('visibilitychange', onVisible);
    addEventListener('online', onOnline);
    this.offs.push(() => {
      document.removeEventListener('visibilitychange', onVisible);
      removeEventListener('online', onOnline);
    });
  }

  /** A visitor (widget key), not an operator or user token: the conversation API applies. */
  get visitorMode(): boolean {
    return this.visitor !== null && !this.context.options.token;
  }

  get items(): Item[] {
    return ordered(this.messages.values());
  }

  /** Sending, sent or read, for the visitor's own messages. */
  stateOf(item: Item): 'sending' | 'sent' | 'read' | 'failed' {
    if (item.local === 'failed') return 'failed';
    if (item.sequence === undefined || item.local === 'pending') return 'sending';
    return item.local === 'read' || item.sequence <= this.readUpTo ? 'read' : 'sent';
  }

  mine(item: Item): boolean {
    return item.senderId !== null && item.senderId === this.me;
  }

  async start(): Promise<void> {
    try {
      const { token, thread } = this.context.options;
      if (token) {
        // Seed 002's token mode: an operator or user token, in the thread the page names.
        this.client = new ChatClient(this.context.origin, token);
        this.me = subject(token);
        if (thread) await this.attach(thread);
        else this.set({ phase: 'away' });
        return;
      }
      const visitor = this.visitor!;
      const conversation = (await visitor.resume()) ? await this.current() : null;
      if (conversation) return void (await this.attach(conversation.id, conversation));
      const settings = this.config?.settings;
      if (!this.config?.online) this.set({ phase: settings?.offlineForm.enabled ? 'offline' : 'away' });
      else this.set({ phase: settings?.preChatForm.length ? 'prechat' : 'chat' });
    } catch {
      this.set({ phase: 'away', notice: 'error' });
    }
  }

  // --- visitor actions ---

  async submitPreChat(answers: Record<string, string>): Promise<boolean> {
    if (!this.validate(answers, this.config?.settings.preChatForm ?? [])) return false;
    try {
      await this.startConversation(answers);
      this.set({ phase: 'chat', values: {} });
      return true;
    } catch (err) {
      this.fail(err);
      return false;
    }
  }

  async submitOffline(body: OfflineMessageBody): Promise<boolean> {
    const fields = [
      { key: 'name', type: 'name', required: true },
      { key: 'email', type: 'email', required: true },
      { key: 'message', type: 'text', required: true },
    ] as const;
    if (!this.validate({ ...body }, fields)) return false;
    try {
      const visitor = this.visitor!;
      await visitor.ensure({ displayName: body.name, email: body.email });
      await this.api!.call<Conversation>(
        'POST',
        '/offline-messages',
        {
          ...body,
          ...(this.context.options.department && { departmentId: this.context.options.department }),
        },
        visitor.accessToken!,
      );
      this.set({ phase: 'offlineSent' });
      return true;
    } catch (err) {
      this.fail(err);
      return false;
    }
  }

  async send(content: string): Promise<void> {
    const text = content.trim();
    if (!text) return;
    try {
      if (!this.threadId) await this.startConversation({});
      const local = this.client!.realtime.sendMessage(this.threadId!, { content: text });
      this.messages.set(local.clientMessageId, fromLocal(local, this.me));
      this.set({ notice: null });
    } catch (err) {
      this.fail(err);
    }
  }

  retry(item: Item): void {
    this.client?.realtime.retry(item.key);
  }

  typed(): void {
    const now = Date.now();
    if (!this.threadId || !this.client || now - this.lastTypingSent < TYPING_SENT_EVERY_MS) return;
    this.lastTypingSent = now;
    this.client.realtime.sendTyping(this.threadId);
  }

  async loadOlder(): Promise<void> {
    const oldest = this.items.find((i) => i.sequence !== undefined)?.sequence;
    if (!this.client || !this.threadId || oldest === undefined || !this.hasOlder) return;
    this.hasOlder = false; // one page at a time
    await this.loadPage(oldest);
  }

  async rate(score: number, comment: string): Promise<void> {
    try {
      await this.conversationCall('/rating', { score, ...(comment && { comment }) });
      this.set({ rated: true });
    } catch (err) {
      this.fail(err);
    }
  }

  async transcript(email: string): Promise<void> {
    try {
      const when = this.status === 'resolved' ? 'now' : 'resolve';
      const result = await this.conversationCall<TranscriptRequestResult>('/transcript', { email, when });
      this.set({ notice: result.sent ? 'transcriptSent' : 'transcriptScheduled', transcriptOpen: false });
    } catch (err) {
      if (isParleyError(err) && err.code === 'mail_not_configured')
        this.set({ notice: 'transcriptUnavailable', transcriptOpen: false });
      else this.fail(err);
    }
  }

  async identify(proof: Parameters<Visitor['identify']>[0]): Promise<void> {
    if (!this.visitor) return;
    if (await this.visitor.identify(proof)) {
      // A new visitor for another customer: nothing of the previous one may stay on screen.
      this.detach();
      this.set({ phase: 'loading' });
      await this.start();
    }
  }

  setOpen(open: boolean): void {
    this.isOpen = open;
    this.seen();
    this.changed();
  }

  destroy(): void {
    this.destroyed = true;
    this.detach();
    for (const off of this.offs.splice(0)) off();
    this.alerts.destroy();
  }

  // --- the conversation ---

  private async current(): Promise<Conversation | null> {
    try {
      return await this.api!.call<Conversation>(
        'GET',
        '/conversations/current',
        undefined,
        this.visitor!.accessToken!,
      );
    } catch (err) {
      if (isParleyError(err) && err.code === 'conversation_not_found') return null;
      throw err;
    }
  }

  private async startConversation(answers: Record<string, string>): Promise<void> {
    const form = this.config?.settings.preChatForm ?? [];
    const answerOf = (type: string) => answers[form.find((f) => f.type === type)?.key ?? ''] || undefined;
    const visitor = this.visitor!;
    await visitor.ensure({ displayName: answerOf('name'), email: answerOf('email') });
    const department = this.context.options.department;
    const conversation = await this.api!.call<Conversation>(
      'POST',
      '/conversations',
      {
        ...(department && { departmentId: department }),
        ...(Object.keys(answers).length > 0 && { answers }),
        page: { url: location.href.slice(0, 2048), title: document.title.slice(0, 300) },
        client: clientInfo(this.context.options.location),
      },
      visitor.accessToken!,
    );
    await this.attach(conversation.id, conversation);
  }

  private conversationCall<T>(path: string, body: unknown): Promise<T> {
    return this.api!.call<T>(
      'POST',
      `/conversations/${this.threadId}${path}`,
      body,
      this.visitor!.accessToken!,
    );
  }

  /** Follows the thread: live events, then the newest page of history and the read receipts. */
  private async attach(threadId: string, conversation?: Conversation): Promise<void> {
    this.threadId = threadId;
    if (this.visitor) {
      const visitor = this.visitor;
      this.me = visitor.id;
      writeStorage(conversationKey(this.context.origin, this.context.options.key!), threadId);
      this.client = new ChatClient(
        this.context.origin,
        tokenCredential({ token: visitor.accessToken!, refresh: () => visitor.refresh() }),
      );
    }
    if (conversation) {
      this.status = conversation.status;
      this.queuePosition = conversation.queuePosition;
      this.rated = conversation.rating !== null;
    }
    this.listen(this.client!);
    this.client!.startRealtimeNotifications().catch(() => undefined); // progress arrives as events
    this.set({ phase: 'chat' });
    await this.loadPage();
    for await (const receipt of this.client!.getChatThreadClient(threadId).listReadReceipts()) {
      if (receipt.userId !== this.me) this.readUpTo = Math.max(this.readUpTo, receipt.sequence);
    }
    for (const local of this.client!.realtime.localMessages()) {
      if (local.threadId === threadId) this.messages.set(local.clientMessageId, fromLocal(local, this.me));
    }
    this.seen();
    this.changed();
  }

  private async loadPage(before?: number): Promise<void> {
    const pages = this.client!.getChatThreadClient(this.threadId!)
      .listMessages({ maxPageSize: PAGE, ...(before !== undefined && { before }) })
      .byPage({ maxPageSize: PAGE });
    const page: Message[] = (await pages.next()).value ?? [];
    for (const m of page) this.store(m);
    const oldest = page[page.length - 1]?.sequence ?? 1;
    this.set({ hasOlder: page.length === PAGE && oldest > 1 });
  }

  private listen(client: ChatClient): void {
    const here = (e: { threadId: string | undefined }) => e.threadId === this.threadId;
    this.offs.push(
      client.on('chatMessageReceived', (e) => {
        if (!here(e)) return;
        const item = this.store(e.message);
        const mine = this.mine(item);
        if (!mine && item.senderId === this.typingUser) this.set({ typing: null });
        if (item.type === 'text' || item.type === 'html') {
          this.context.emit('message', {
            id: e.message.id,
            content: e.message.content,
            senderDisplayName: e.message.senderDisplayName,
            mine,
          });
          if (!mine) this.incoming();
        }
        this.changed();
      }),
      client.on('messageStateChanged', (local) => {
        if (local.threadId !== this.threadId) return;
        this.messages.set(local.clientMessageId, fromLocal(local, this.me));
        this.changed();
      }),
      client.on('readReceiptReceived', (e) => {
        if (!here(e) || e.receipt.userId === this.me) return;
        this.readUpTo = Math.max(this.readUpTo, e.receipt.sequence);
        this.changed();
      }),
      client.on('typingIndicatorReceived', (e) => {
        if (!here(e) || e.userId === this.me) return;
        this.typingUser = e.userId;
        clearTimeout(this.typingTimer);
        this.typingTimer = setTimeout(() => this.set({ typing: null }), TYPING_SHOWN_MS);
        this.set({ typing: e.displayName });
      }),
      client.on('chatThreadPropertiesUpdated', (e) => {
        if (!here(e)) return;
        const status = e.thread.metadata['parley.status'];
        if (status === undefined) return;
        this.set({ status, ...(status === 'resolved' && { rated: false }), queuePosition: null });
      }),
      client.on('queuePositionChanged', (e) => {
        if (here(e)) this.set({ queuePosition: e.position });
      }),
      client.on('connectionStateChanged', (e) => this.set({ connection: e.state })),
      client.on('resyncRequired', (e) => {
        if (!here(e)) return;
        void this.loadPage().then(async () => {
          const thread = await client.getChatThread(this.threadId!);
          client.realtime.setPosition(thread.id, thread.lastPosition);
        });
      }),
    );
  }

  private typingUser: string | null = null;

  private detach(): void {
    clearTimeout(this.typingTimer);
    const client = this.client;
    this.client = null;
    this.threadId = null;
    this.messages.clear();
    void client?.stopRealtimeNotifications();
    // The first removal is the window's and document's listeners (until destroy); drop only the client's.
    for (const off of this.offs.splice(1)) off();
  }

  private store(m: Message): Item {
    const item = fromMessage(m);
    const previous = this.messages.get(item.key);
    const merged = previous?.local ? { ...item, local: previous.local } : item;
    this.messages.set(item.key, merged);
    return merged;
  }

  /** An agent's message arrived: count it unless the visitor is looking, and tell them. */
  private incoming(): void {
    if (this.isOpen && !document.hidden) return this.seen();
    this.unread += 1;
    this.context.unread(this.unread);
    this.alerts.beep();
    this.alerts.flash(`(${this.unread}) ${this.t.newMessage}`);
  }

  /** The visitor looks at the panel: nothing is unread, and the agent's last message is marked read. */
  private seen(): void {
    if (!this.isOpen || document.hidden) return;
    this.alerts.stopFlash();
    if (this.unread) {
      this.unread = 0;
      this.context.unread(0);
    }
    const last = [...this.messages.values()]
      .filter((i) => i.id && !this.mine(i) && i.senderId !== null)
      .pop();
    if (!last?.id || last.id === this.lastMarked || !this.client || !this.threadId) return;
    this.lastMarked = last.id;
    this.client.realtime.markRead(this.threadId, last.id).catch(() => (this.lastMarked = ''));
  }

  private validate(
    values: Record<string, string>,
    fields: ReadonlyArray<{ key: string; type: string; required: boolean }>,
  ): boolean {
    const errors: Record<string, string> = {};
    for (const field of fields) {
      const value = (values[field.key] ?? '').trim();
      if (field.required && !value) errors[field.key] = this.t.required;
      else if (value && field.type === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value))
        errors[field.key] = this.t.invalidEmail;
    }
    this.set({ fieldErrors: errors });
    return Object.keys(errors).length === 0;
  }

  private fail(err: unknown): void {
    // A field the server refused is shown next to it; anything else as a general error.
    const field = isParleyError(err) ? err.field?.replace(/^(answers|body)\./, '') : undefined;
    if (field) this.set({ fieldErrors: { [field]: err instanceof Error ? err.message : this.t.error } });
    else this.set({ notice: 'error' });
  }

  /** Input from the view (drafts, form values, toggles). */
  ui(patch: Partial<ChatModel>): void {
    this.set(patch);
  }

  private set(patch: Partial<ChatModel>): void {
    if (this.destroyed) return;
    Object.assign(this, patch);
    this.changed();
  }
}

/** The `sub` claim of a JWT (not verified: the server does that), to tell one's own messages. */
function subject(token: string): string | null {
  try {
    const part = token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
    return (JSON.parse(atob(part)) as { sub?: string }).sub ?? null;
  } catch {
    return null;
  }
}
