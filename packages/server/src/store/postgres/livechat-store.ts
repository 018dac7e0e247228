import type { LivechatStore } from '../../core/ports/livechat-store.js';
import { livechatFacet } from '../livechat-facet.js';
import type { Database } from './database.js';
import { PostgresLivechatSettings } from './livechat-settings.js';
import { PostgresOrganizations } from './organizations.js';
import { PostgresVisitors } from './visitors.js';
import { PostgresConversations } from './conversations.js';
import { PostgresInbox } from './inbox.js';
import { PostgresTranscriptOutbox } from './transcript-outbox.js';

/** The PostgreSQL store's `livechat` facet: its live-chat parts on the store's pool. */
export function postgresLivechat(db: Database): LivechatStore {
  return livechatFacet(
    new PostgresOrganizations(db),
    new PostgresLivechatSettings(db),
    new PostgresVisitors(db),
    new PostgresConversations(db),
    new PostgresInbox(db),
    new PostgresTranscriptOutbox(db),
  );
}
