import type { Actor } from './actor.js';
import type { CoreDeps } from './deps.js';
import { AppError } from './errors.js';
import { iso } from './clock.js';
import { PLATFORM_TENANT_ID, Tenants } from './tenants.js';
import { ApiKeys, isApiKeySecret } from './identity/api-keys.js';
import { Tokens } from './identity/tokens.js';
import { Accounts } from './identity/accounts.js';
import { Audit } from './audit.js';
import { Users } from './identity/users.js';
import { Threads } from './threads.js';
import { Participants } from './participants.js';
import { Messages } from './messages.js';
import { Receipts } from './receipts.js';
import { Typing } from './typing.js';
import { Presence } from './presence.js';
import { Organizations } from './livechat/organizations.js';
import { OperatorTokens } from './livechat/operator-tokens.js';
import { Schedules } from './livechat/schedules.js';
import { Widgets } from './livechat/widgets.js';
import { Visitors } from './livechat/visitors.js';
import { IdentitySecrets } from './livechat/identity-secrets.js';
import { ConversationThreads, isConversationThread } from './livechat/conversation-threads.js';
import { Router } from './livechat/router.js';
import { ConversationFeed } from './livechat/conversation-feed.js';
import { Search } from './livechat/search.js';
import { Inbox } from './livechat/inbox.js';
import { Reports } from './livechat/reports.js';
import { Transcripts } from './livechat/transcripts.js';
import { TranscriptDelivery } from './livechat/transcript-delivery.js';
import { Conversations } from './livechat/conversations.js';
import { VisitorConversations } from './livechat/visitor-conversations.js';
import { AgentAvailability } from './livechat/agent-availability.js';

export type { Actor, UserActor } from './actor.js';
export type { CoreDeps } from './deps.js';
export type { CoreConfig } from './config.js';
export type { UserControl } from './ports/bus.js';
export { AppError, knownError } from './errors.js';
export { requireUser } from './access.js';

/**
 * The domain: every action that reads or changes state, grouped by resource.
 * Transports call these and nothing else.
 */
export interface Core {
  deps: CoreDeps;
  apiKeys: ApiKeys;
  tokens: Tokens;
  users: Users;
  threads: Threads;
  participants: Participants;
  messages: Messages;
  receipts: Receipts;
  typing: Typing;
  presence: Presence;
  tenants: Tenants;
  /** Live chat: organizations, departments and agents. */
  organizations: Organizations;
  /** Seed 002's operator tokens for agents. */
  operatorTokens: OperatorTokens;
  /** Live chat: business hours, their departments, and availability. */
  schedules: Schedules;
  /** Live chat: widget settings, department overrides and the public widget key. */
  widgets: Widgets;
  /** Live chat: the public visitor API (widget config, visitors, identification). */
  visitors: Visitors;
  /** Live chat: organizations' write-only identity secrets. */
  identitySecrets: IdentitySecrets;
  /** Live chat: conversations as agents and backends handle them, and routing. */
  conversations: Conversations;
  /** Reports over conversations: figures, per day and hour, per agent and department, CSV. */
  reports: Reports;
  /** Private notes, labels and canned responses. */
  inbox: Inbox;
  /** The inbox's search over conversations and message text. */
  search: Search;
  /** The audit log of administrative changes. */
  audit: Audit;
  /** Dashboard accounts: setup, sign-in and sessions, passwords, invitations. */
  accounts: Accounts;
  /** Live chat: the visitor's side of conversations, for the widget. */
  visitorConversations: VisitorConversations;
  /**
   * Fires the live-chat timers due at `nowMs` (unanswered assignments,
   * snoozes, agents away after their grace period). The process calls it
   * every second or so, on every node; a tick that finds nothing costs two
   * indexed reads.
   */
  tickLivechat(nowMs: number): Promise<void>;
  /**
   * Mails the transcripts due at `nowMs` that the mail server did not take at
   * resolve (`livechat/transcript-delivery.ts`). Called on every node, on its
   * own beat beside `tickLivechat`, so a slow mail server never holds up the
   * routing timers; each row is claimed by one node.
   */
  tickTranscripts(nowMs: number): Promise<void>;
  /** The actor for a bearer credential: an API key (`pk_…`) or a user access token. */
  authenticate(credential: string): Promise<Actor>;
  /**
   * On first start (no tenant yet) creates the default tenant and an admin API
   * key and returns the key's secret, to be shown once. Later starts return null.
   */
  bootstrap(options: {
    tenantName: string;
    apiKeySecret?: string;
  }): Promise<{ tenantId: string; apiKey: string } | null>;
}

export function createCore(deps: CoreDeps): Core {
  const apiKeys = new ApiKeys(deps);
  const tokens = new Tokens(deps);
  const organizations = new Organizations(deps);
  const schedules = new Schedules(deps);
  const widgets = new Widgets(deps);
  const visitors = new Visitors(deps, tokens, widgets, schedules);
  widgets.settingsSaved = () => visitors.forgetEmbeddingOrigins();
  const messages = new Messages(deps);
  const presence = new Presence(deps);
  const threads = new ConversationThreads(deps);
  const feed = new ConversationFeed(deps);
  const router = new Router(deps, threads, feed);
  const transcripts = new Transcripts(deps);
  const delivery = new TranscriptDelivery(deps, transcripts);
  const conversations = new Conversations(deps, router, threads, delivery);
  const availability = new AgentAvailability(deps, router, feed);
  organizations.agentChanged = (tenantId, agent) => availability.changed(tenantId, agent);
  messages.afterSend = async (tenantId, message) => {
    if (isConversationThread(message.threadId)) await conversations.afterMessage(tenantId, message);
  };
  presence.onChange((tenantId, userId, status) => availability.presenceChanged(tenantId, userId, status));
  return {
    deps,
    apiKeys,
    tokens,
    users: new Users(deps),
    threads: new Threads(deps),
    participants: new Participants(deps),
    messages,
    receipts: new Receipts(deps),
    typing: new Typing(deps),
    presence,
    tenants: new Tenants(deps, apiKeys),
    organizations,
    operatorTokens: new OperatorTokens(deps, tokens, organizations),
    schedules,
    widgets,
    visitors,
    identitySecrets: new IdentitySecrets(deps),
    conversations,
    search: new Search(deps, router),
    inbox: new Inbox(deps, router, feed),
    reports: new Reports(deps),
    audit: new Audit(deps),
    accounts: new Accounts(deps, tokens, async (tenantId, organizationId, userId) => {
      const agent = await deps.store.livechat.updateAgent(tenantId, organizationId, userId, {
        status: 'offline',
        updatedAt: iso(deps.clock.now()),
      });
      if (agent) await availability.changed(tenantId, agent);
    }),
    visitorConversations: new VisitorConversations(
      deps,
      visitors,
      widgets,
      conversations,
      router,
      threads,
      transcripts,
      messages,
    ),
    async tickLivechat(nowMs) {
      await conversations.fireDueTimers(nowMs);
      await availability.awayAfterGrace(nowMs);
    },
    async tickTranscripts(nowMs) {
      await delivery.sendDue(nowMs);
    },
    async authenticate(credential) {
      if (credential === '') throw new AppError('unauthenticated');
      return isApiKeySecret(credential) ? apiKeys.authenticate(credential) : tokens.authenticate(credential);
    },
    async bootstrap({ tenantName, apiKeySecret }) {
      if ((await deps.store.countTenants()) > 0) return null;
      const tenantId = PLATFORM_TENANT_ID;
      const created = await deps.store.createTenant({
        id: tenantId,
        name: tenantName,
        createdAt: iso(deps.clock.now()),
      });
      // Several nodes starting together on one empty database: only the first bootstraps.
      if (!created) return null;
      const key = await apiKeys.createForTenant(tenantId, 'bootstrap admin', apiKeySecret);
      return { tenantId, apiKey: key.secret };
    },
  };
}
