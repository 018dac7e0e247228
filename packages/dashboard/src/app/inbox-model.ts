/// <reference lib="dom" />
import type {
  Agent,
  CannedResponse,
  Conversation,
  ConversationStatus,
  Department,
  Message,
  ThreadSummary,
} from '@parley/protocol';
import type { AgentApi, ConversationQuery } from './api.js';

/** Agents are not in an unassigned conversation's thread, so its messages are not pushed to them. */
const PREVIEW_RETRY_MS = 1500;

export type View = 'mine' | 'unassigned' | 'all';
export type StatusFilter = ConversationStatus | 'any';

/** The list's filters beyond the view and status: '' is "any". */
export interface Filters {
  label: string;
  departmentId: string;
  agentId: string;
}

/** What the list shows of a thread beyond the conversation: its last message and unread count. */
export interface Summary {
  topic?: string;
  lastMessage: Message | null;
  unreadCount: number;
}

/**
 * The conversation list. Conversations fetched over REST and those pushed by
 * `conversationChanged` go into one cache; a view is a filter over it, so a
 * live change moves a conversation between views without a refetch.
 */
export class InboxModel {
  readonly conversations = new Map<string, Conversation>();
  readonly summaries = new Map<string, Summary>();
  readonly agents = new Map<string, Agent>();
  private organizationLabels: string[] = [];
  /** Conversations this tab is acting on (take, transfer…): their changes are no news. */
  readonly acting = new Set<string>();
  departments: Department[] = [];
  view: View = 'unassigned';
  status: StatusFilter = 'any';
  filters: Filters = { label: '', departmentId: '', agentId: '' };
  /** The organization's canned responses, by shortcut (the composer completes them after `/`). */
  canned: CannedResponse[] = [];
  nextCursor: string | null = null;
  loading = false;
  error: unknown = null;
  /** Bumped per load, so that a slow answer for an earlier view is dropped. */
  private generation = 0;

  constructor(
    private readonly api: AgentApi,
    private readonly me: string,
    private readonly changed: () => void,
  ) {}

  /** The agent filter applies to the All view only: Mine is the agent's, Unassigned nobody's. */
  get agentFilterApplies(): boolean {
    return this.view === 'all';
  }

  private query(): ConversationQuery {
    const { label, departmentId } = this.filters;
    const common = { label: label || undefined, departmentId: departmentId || undefined };
    if (this.view === 'unassigned') return { status: 'pending', ...common };
    return {
      ...common,
      status: this.status === 'any' ? undefined : this.status,
      agentId: this.view === 'mine' ? this.me : this.filters.agentId ? this.filters.agentId : undefined,
    };
  }

  matches(c: Conversation): boolean {
    const { label, departmentId, agentId } = this.filters;
    if (label && !c.labels.includes(label)) return false;
    if (departmentId && c.departmentId !== departmentId) return false;
    if (this.view === 'unassigned') return c.status === 'pending';
    if (this.view === 'mine' && c.agentId !== this.me) return false;
    if (this.agentFilterApplies && agentId && c.agentId !== agentId) return false;
    return this.status === 'any' || c.status === this.status;
  }

  setFilters(changes: Partial<Filters>): void {
    this.filters = { ...this.filters, ...changes };
    void this.load();
  }

  /** Suggestions for the label filter and picker: the organization's labels, most used first, then any seen since. */
  knownLabels(): string[] {
    const all = new Set<string>(this.organizationLabels);
    const seen = new Set<string>();
    for (const c of this.conversations.values()) for (const l of c.labels) if (!all.has(l)) seen.add(l);
    return [...all, ...[...seen].sort()];
  }

  /** The organization's labels from the server (after sign-in, and after each change of labels). */
  async loadLabels(): Promise<void> {
    try {
      this.organizationLabels = (await this.api.labels()).map((l) => l.name);
      this.changed();
    } catch {
      // Only suggestions: the labels seen on loaded conversations remain.
    }
  }

  async loadCanned(): Promise<void> {
    try {
      this.canned = [...(await this.api.cannedResponses())].sort((a, b) =>
        a.shortcut < b.shortcut ? -1 : 1,
      );
      this.changed();
    } catch {
      // The composer works without them.
    }
  }

  /** The current view, newest first (the server's order). */
  visible(): Conversation[] {
    return [...this.conversations.values()]
      .filter((c) => this.matches(c))
      .sort((a, b) =>
        a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1,
      );
  }

  setView(view: View, status: StatusFilter = this.status): void {
    this.view = view;
    this.status = status;
    void this.load();
  }

  /** The first page of the current view; `more` appends the next page instead. */
  async load(more = false): Promise<void> {
    const generation = ++this.generation;
    this.loading = true;
    this.error = null;
    this.changed();
    try {
      const page = await this.api.conversations({
        ...this.query(),
        ...(more && this.nextCursor && { cursor: this.nextCursor }),
      });
      if (generation !== this.generation) return;
      for (const c of page.items) this.conversations.set(c.id, c);
      this.nextCursor = page.nextCursor;
      void this.previewUnassigned(page.items);
    } catch (err) {
      if (generation === this.generation) this.error = err;
    } finally {
      if (generation === this.generation) {
        this.loading = false;
        this.changed();
      }
    }
  }

  /** After a reconnect: whatever was missed is refetched, never replayed. */
  async refetch(): Promise<void> {
    this.conversations.clear();
    await Promise.all([this.load(), this.loadSummaries(), this.loadAgents(), this.loadCanned()]);
  }

  /** Threads the agent is in (their conversations): last message and unread count in one call. */
  async loadSummaries(listChatThreads?: () => AsyncIterableIterator<ThreadSummary[]>): Promise<void> {
    if (listChatThreads) this.listThreads = listChatThreads;
    if (!this.listThreads) return;
    try {
      const first = await this.listThreads().next();
      for (const t of first.value ?? []) {
        // A message that arrived live while the list was on its way is newer than the list: keep it.
        const local = this.summaries.get(t.id);
        const liveIsNewer =
          local?.lastMessage && (!t.lastMessage || local.lastMessage.sequence > t.lastMessage.sequence);
        this.summaries.set(
          t.id,
          liveIsNewer
            ? { ...local, topic: t.topic }
            : { topic: t.topic, lastMessage: t.lastMessage, unreadCount: t.unreadCount },
        );
      }
      this.changed();
    } catch {
      // Previews are a comfort: the list works without them.
    }
  }

  private listThreads: (() => AsyncIterableIterator<ThreadSummary[]>) | undefined;
  private lastMessageOf: ((threadId: string) => Promise<Message | null>) | undefined;

  /** How to read a thread's last message when the agent is not in it (unassigned conversations). */
  setPreviewSource(lastMessageOf: (threadId: string) => Promise<Message | null>): void {
    this.lastMessageOf = lastMessageOf;
  }

  private async previewUnassigned(items: Conversation[]): Promise<void> {
    if (!this.lastMessageOf) return;
    const wanted = items
      .filter((c) => c.status === 'pending' && !this.summaries.get(c.id)?.lastMessage)
      .slice(0, 20);
    await Promise.all(
      wanted.map(async (c) => {
        try {
          const last = await this.lastMessageOf!(c.id);
          if (last && !this.summaries.get(c.id)?.lastMessage)
            this.summaries.set(c.id, { lastMessage: last, unreadCount: 0 });
        } catch {
          // Not readable (yet): no preview.
        }
      }),
    );
    if (wanted.length > 0) this.changed();
  }

  async loadAgents(): Promise<void> {
    try {
      const [agents, departments] = await Promise.all([this.api.agents(), this.api.departments()]);
      this.agents.clear();
      for (const a of agents) this.agents.set(a.userId, a);
      this.departments = departments;
      this.changed();
    } catch {
      // Names fall back to ids; transfer lists stay empty.
    }
  }

  /** A live change; true when it is worth an alert (see below). */
  apply(c: Conversation): boolean {
    const known = this.conversations.get(c.id);
    if (known && known.updatedAt > c.updatedAt) return false;
    this.conversations.set(c.id, c);
    if (c.status === 'pending') {
      void this.previewUnassigned([c]);
      // A widget creates the conversation, then sends the first message: look once more, a moment later.
      if (!known) setTimeout(() => void this.previewUnassigned([c]), PREVIEW_RETRY_MS);
    }
    this.changed();
    // Worth an alert: a new conversation waiting for anyone, or one just given to me (routed or
    // transferred) unless this tab saw it waiting, and so announced it already.
    const waiting = !known && c.status === 'pending';
    const givenToMe =
      c.status === 'open' &&
      c.agentId === this.me &&
      known?.agentId !== this.me &&
      known?.status !== 'pending' &&
      !this.acting.has(c.id);
    return waiting || givenToMe;
  }

  /** A message on a thread: the preview moves, and it counts as unread unless the agent is reading it. */
  message(m: Message, reading: boolean): void {
    const summary = this.summaries.get(m.threadId) ?? { lastMessage: null, unreadCount: 0 };
    const text = m.type === 'text' || m.type === 'html';
    if (text) summary.lastMessage = m;
    if (text && m.senderId !== this.me && !reading) summary.unreadCount += 1;
    this.summaries.set(m.threadId, summary);
    this.changed();
  }

  markRead(threadId: string): void {
    const summary = this.summaries.get(threadId);
    if (summary && summary.unreadCount > 0) {
      summary.unreadCount = 0;
      this.changed();
    }
  }

  /** The title badge: conversations waiting for someone, plus the agent's own with unread messages. */
  attentionCount(): number {
    let count = 0;
    for (const c of this.conversations.values()) {
      if (c.status === 'pending') count += 1;
      else if (c.agentId === this.me && (this.summaries.get(c.id)?.unreadCount ?? 0) > 0) count += 1;
    }
    return count;
  }

  agentName(userId: string | null): string | null {
    if (!userId) return null;
    return this.agents.get(userId)?.displayName ?? userId;
  }
}

/** The name an agent sees for a visitor: the pre-chat name, else the thread's topic, else "Visitor". */
export function visitorName(c: Conversation, topic: string | undefined, fallback: string): string {
  return c.answers.name?.trim() || topic?.trim() || fallback;
}
