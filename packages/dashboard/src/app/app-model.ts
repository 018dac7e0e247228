/// <reference lib="dom" />
import type { Account, AgentStatus, Conversation, Message, Session } from '@parley/protocol';
import { ChatClient, type ConnectionState } from '@parley/sdk';
import { Alerts } from './alerts.js';
import { AgentApi } from './api.js';
import { initialLanguage, LANGUAGES, saveLanguage, type Language, type Strings } from './i18n.js';
import { InboxModel, visitorName } from './inbox-model.js';
import { navigate, parseRoute, type Route } from './router.js';
import { SearchModel } from './search-model.js';
import { loadSession, onSessionStorageChange, saveSession } from './session.js';
import { ThreadModel } from './thread-model.js';

/** Close code the server uses when the session's token is revoked (sign-out, password change). */
const TOKEN_REVOKED_CLOSE = 4102;

/** What exists while an agent is signed in: their API, the live connection, the inbox. */
export interface SignedIn {
  account: Account;
  api: AgentApi;
  client: ChatClient;
  inbox: InboxModel;
  search: SearchModel;
  thread: ThreadModel | null;
  connection: ConnectionState;
  /** Connected once already: a later drop shows the reconnecting banner. */
  wasConnected: boolean;
  offs: (() => void)[];
}

/**
 * The app's state and its transitions: the route, the language, the session
 * and, once signed in, the live connection and the inbox. Views read it and
 * call its methods; every change calls the one `render` listener.
 */
export class AppModel {
  route: Route = parseRoute(location.hash);
  language: Language = initialLanguage();
  signedIn: SignedIn | null = null;
  /** A message for the sign-in screen (the session ended). */
  notice: string | null = null;
  helpOpen = false;
  /** The visitor panel: open by default where there is room for a third column. */
  panelOpen = typeof matchMedia === 'function' && matchMedia('(min-width: 1100px)').matches;
  readonly alerts = new Alerts();
  private listener: () => void = () => undefined;
  /** A password change is under way: the old session's refusal must not sign this tab out. */
  private replacingSession = false;

  get t(): Strings {
    return LANGUAGES[this.language];
  }

  onChange(listener: () => void): void {
    this.listener = listener;
  }

  changed = (): void => {
    if (this.signedIn) this.alerts.badge(this.signedIn.inbox.attentionCount());
    this.listener();
  };

  start(): void {
    document.documentElement.lang = this.language;
    window.addEventListener('hashchange', () => this.routeChanged());
    onSessionStorageChange((session) => {
      if (!session && this.signedIn) this.endSession(null);
      else if (session && !this.signedIn) this.begin(session);
    });
    const session = loadSession();
    if (session) this.begin(session);
    this.routeChanged();
  }

  setLanguage(language: Language): void {
    this.language = language;
    saveLanguage(language);
    document.documentElement.lang = language;
    this.changed();
  }

  private routeChanged(): void {
    const from: Route = this.route;
    const to = parseRoute(location.hash);
    this.route = to;
    // Back from the administration: departments and agents may have changed there.
    if (from.name === 'admin' && to.name === 'inbox') void this.signedIn?.inbox.loadAgents();
    // A deep link (a conversation, the administration, the reports) keeps its address under the
    // sign-in form, to open once signed in; the bare inbox shows as the sign-in page.
    if (this.route.name === 'inbox' && this.route.conversationId === null && !this.signedIn)
      return navigate({ name: 'sign-in' }, true);
    if ((this.route.name === 'sign-in' || this.route.name === 'setup') && this.signedIn)
      return navigate({ name: 'inbox', conversationId: null }, true);
    if (this.route.name === 'inbox') this.openConversation(this.route.conversationId);
    this.changed();
  }

  /** A session from sign-in, setup or an invitation: keep it and open the page asked for, or the inbox. */
  signedInWith(session: Session): void {
    saveSession(session);
    this.notice = null;
    const asked = this.route;
    this.begin(session);
    if (['inbox', 'admin', 'reports', 'account'].includes(asked.name)) this.routeChanged();
    else navigate({ name: 'inbox', conversationId: null });
  }

  /**
   * Every session of the account ends, this one too, and the server answers
   * with a new one for this tab: the same page goes on with a fresh live
   * connection. The old token's refusal, which may arrive first, is expected.
   */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    const s = this.signedIn;
    if (!s) return;
    this.replacingSession = true;
    try {
      const session = await s.api.changePassword(currentPassword, newPassword);
      saveSession(session);
      this.begin(session);
      this.changed();
    } finally {
      this.replacingSession = false;
    }
  }

  private begin(session: Session): void {
    if (this.signedIn) this.teardown();
    const api = new AgentApi(session, () => {
      if (this.signedIn?.api === api && !this.replacingSession) this.endSession(this.t.sessionEnded);
    });
    const client = new ChatClient(location.origin, api.credential);
    const me = session.account.userId;
    const inbox = new InboxModel(api, me, this.changed);
    const state: SignedIn = {
      account: session.account,
      api,
      client,
      inbox,
      search: new SearchModel(api, this.changed),
      thread: null,
      connection: 'idle',
      wasConnected: false,
      offs: [],
    };
    this.signedIn = state;
    inbox.setPreviewSource(async (threadId) => {
      const page = await client
        .getChatThreadClient(threadId)
        .listMessages({ maxPageSize: 5 })
        .byPage({ maxPageSize: 5 })
        .next();
      return (page.value ?? []).find((m: Message) => m.type === 'text' || m.type === 'html') ?? null;
    });
    this.listen(state);
    client.startRealtimeNotifications().catch(() => undefined); // progress arrives as events
    void inbox.load();
    void inbox.loadSummaries(() => client.listChatThreads().byPage({ maxPageSize: 100 }));
    void inbox.loadAgents();
    void inbox.loadCanned();
    void inbox.loadLabels();
    // The account may have changed since the session began (name, role): refresh it quietly.
    api
      .me()
      .then((account) => {
        if (this.signedIn === state) {
          state.account = account;
          this.changed();
        }
      })
      .catch(() => undefined);
  }

  private listen(s: SignedIn): void {
    const { client, inbox } = s;
    const here = (threadId: string | undefined) => s.thread !== null && s.thread.id === threadId;
    s.offs.push(
      client.on('connectionStateChanged', (e) => {
        s.connection = e.state;
        if (e.state === 'connected') {
          // After a drop, what changed meanwhile is fetched again: live events resume from now.
          if (s.wasConnected) void inbox.refetch();
          s.wasConnected = true;
        }
        this.changed();
      }),
      client.on('disconnected', (e) => {
        // After the SDK has finished handling the close: stopping it from inside its own handler races it.
        if (e.code === TOKEN_REVOKED_CLOSE && !this.replacingSession)
          setTimeout(() => this.signedIn === s && this.endSession(this.t.sessionEnded), 0);
      }),
      client.on('conversationChanged', (e) => this.conversationChanged(s, e.conversation)),
      client.on('chatMessageReceived', (e) => {
        const reading = here(e.threadId) && !document.hidden;
        inbox.message(e.message, reading);
        if (here(e.threadId)) {
          s.thread!.received(e.message);
          s.thread!.markSeen(inbox.conversations.get(e.threadId));
        }
      }),
      client.on('chatMessageEdited', (e) => {
        if (here(e.threadId)) s.thread!.edited(e.message);
      }),
      client.on('chatMessageDeleted', (e) => {
        if (here(e.threadId)) s.thread!.edited(e.message);
      }),
      client.on('messageStateChanged', (local) => {
        if (here(local.threadId)) {
          s.thread!.local(local);
          this.changed();
        }
      }),
      client.on('readReceiptReceived', (e) => {
        if (here(e.threadId)) s.thread!.receipt(e.receipt.userId, e.receipt.sequence);
        if (e.receipt.userId === s.account.userId) inbox.markRead(e.threadId);
      }),
      client.on('typingIndicatorReceived', (e) => {
        if (here(e.threadId)) s.thread!.typingFrom(e.userId, e.displayName);
      }),
      client.on('participantsAdded', () => void inbox.loadSummaries()),
      client.on('agentChanged', ({ agent }) => {
        // Colleagues' statuses for the transfer list and the filters; mine for the status switch
        // (the server's automatic away, or a change made in another tab).
        s.inbox.agents.set(agent.userId, agent);
        if (agent.userId === s.account.userId) s.account = { ...s.account, agent };
        this.changed();
      }),
      client.on('noteAdded', (e) => {
        if (here(e.note.conversationId)) s.thread!.noteAdded(e.note);
      }),
    );
    const visible = () => {
      if (!document.hidden && s.thread) {
        s.thread.markSeen(inbox.conversations.get(s.thread.id));
        inbox.markRead(s.thread.id);
      }
    };
    document.addEventListener('visibilitychange', visible);
    s.offs.push(() => document.removeEventListener('visibilitychange', visible));
    const online = () => client.reconnect();
    window.addEventListener('online', online);
    s.offs.push(() => window.removeEventListener('online', online));
  }

  private conversationChanged(s: SignedIn, c: Conversation): void {
    const isNew = s.inbox.apply(c);
    if (!isNew) return;
    this.alerts.beep();
    const name = visitorName(c, undefined, this.t.visitor);
    this.alerts.notify(this.t.newConversation, name, c.id, () =>
      navigate({ name: 'inbox', conversationId: c.id }),
    );
  }

  openConversation(id: string | null): void {
    const s = this.signedIn;
    if (!s || s.thread?.id === id) return;
    s.thread?.dispose();
    s.thread = null;
    if (!id) return this.changed();
    const thread = new ThreadModel(id, s.client, s.account.userId, this.changed);
    s.thread = thread;
    if (!s.inbox.conversations.has(id)) {
      s.api
        .conversation(id)
        .then((c) => s.inbox.apply(c))
        .catch(() => undefined);
    }
    void thread.loadNotes(() => s.api.notes(id));
    void thread.load().then(() => {
      thread.markSeen(s.inbox.conversations.get(id));
      s.inbox.markRead(id);
    });
    this.changed();
  }

  /** Runs a conversation action; the answer is the conversation as it now is. */
  async act(
    id: string,
    action: 'take' | 'transfer' | 'snooze' | 'wake' | 'resolve' | 'reopen',
    body?: unknown,
  ): Promise<void> {
    const s = this.signedIn;
    if (!s) return;
    // An admin's token acts for the organization, like an API key: it names who takes the conversation.
    const payload = action === 'take' && s.account.role === 'admin' ? { agentId: s.account.userId } : body;
    // The live event of my own action may arrive before its answer: it is no news to alert about.
    s.inbox.acting.add(id);
    try {
      s.inbox.apply(await s.api.act(id, action, payload));
    } finally {
      s.inbox.acting.delete(id);
    }
    if (action === 'take') void s.inbox.loadSummaries();
  }

  /** A private note: to the organization's agents only, through its own route (never the thread). */
  async addNote(conversationId: string, content: string): Promise<void> {
    const s = this.signedIn;
    if (!s) return;
    const note = await s.api.addNote(conversationId, content);
    if (s.thread?.id === conversationId) s.thread.noteAdded(note);
  }

  async setLabels(conversationId: string, labels: string[]): Promise<void> {
    const s = this.signedIn;
    if (!s) return;
    s.inbox.apply(await s.api.setLabels(conversationId, labels));
    void s.inbox.loadLabels();
  }

  togglePanel(open = !this.panelOpen): void {
    this.panelOpen = open;
    this.changed();
  }

  async setStatus(status: AgentStatus): Promise<void> {
    const s = this.signedIn;
    if (!s) return;
    const agent = await s.api.setStatus(status);
    s.account = { ...s.account, agent };
    s.inbox.agents.set(agent.userId, agent);
    this.changed();
  }

  async signOut(): Promise<void> {
    const s = this.signedIn;
    if (!s) return;
    try {
      await s.api.signOut();
    } catch {
      // Signed out locally whatever the server said: the token is dropped below.
    }
    this.endSession(null);
  }

  /** Back to the sign-in screen: the token is forgotten and the live connection closed. */
  endSession(notice: string | null): void {
    if (!this.signedIn) return;
    this.teardown();
    saveSession(null);
    this.notice = notice;
    this.alerts.badge(0);
    navigate({ name: 'sign-in' }, true);
    this.changed();
  }

  private teardown(): void {
    const s = this.signedIn;
    if (!s) return;
    this.signedIn = null;
    for (const off of s.offs) off();
    s.thread?.dispose();
    s.search.dispose();
    void s.client.stopRealtimeNotifications();
  }
}
