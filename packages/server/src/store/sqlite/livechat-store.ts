import type Database from 'better-sqlite3';
import type { LivechatStore } from '../../core/ports/livechat-store.js';
import { livechatFacet } from '../livechat-facet.js';
import { SqliteLivechatSettings } from './livechat-settings.js';
import { SqliteOrganizations } from './organizations.js';
import { SqliteVisitors } from './visitors.js';
import { SqliteConversations } from './conversations.js';
import { SqliteInbox } from './inbox.js';
import { SqliteTranscriptOutbox } from './transcript-outbox.js';
import type { WriteQueue } from './write-queue.js';

/** The SQLite store's `livechat` facet: its live-chat parts, writing through the store's group commit. */
export function sqliteLivechat(db: Database.Database, queue: WriteQueue): LivechatStore {
  return livechatFacet(
    new SqliteOrganizations(db, queue),
    new SqliteLivechatSettings(db, queue),
    new SqliteVisitors(db, queue),
    new SqliteConversations(db, queue),
    new SqliteInbox(db, queue),
    new SqliteTranscriptOutbox(db, queue),
  );
}
