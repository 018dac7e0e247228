import type { LivechatSettingsStore } from './livechat-settings-store.js';
import type { OrganizationStore } from './organization-store.js';
import type { VisitorStore } from './visitor-store.js';
import type { ConversationStore } from './conversation-store.js';
import type { InboxStore } from './inbox-store.js';
import type { TranscriptOutboxStore } from './transcript-outbox-store.js';

/**
 * The live-chat facet of the Store port, reached as `store.livechat`:
 * organizations, departments and agents (`organization-store.ts`), business
 * hours and widgets (`livechat-settings-store.ts`), visitors, identity secrets
 * and replay keys (`visitor-store.ts`), conversations and routing state
 * (`conversation-store.ts`), private notes and canned responses (`inbox-store.ts`), transcripts waiting to be
 * mailed (`transcript-outbox-store.ts`). It is the same database as the Store
 * it belongs to, with the same transactions: a live-chat mutation commits
 * like any Store mutation (in SQLite, in the same group commit), and rows tied
 * to users or threads follow them (`deleteUser` deletes the agent profile and
 * the visitor row). The Store's general contract holds for every method:
 * tenant scoping, atomic mutations durable when they resolve, the caller's
 * ISO times, fresh copies returned, `DependencyUnavailableError` when the
 * database cannot be reached.
 */
export type LivechatStore = OrganizationStore &
  LivechatSettingsStore &
  VisitorStore &
  ConversationStore &
  InboxStore &
  TranscriptOutboxStore;
