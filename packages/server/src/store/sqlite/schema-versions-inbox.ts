import type { Migration } from './schema-versions.js';

/**
 * The SQLite schema's versions from 6 on: the dashboard's accounts, the
 * inbox (search, labels, notes, canned responses), reports, the audit log,
 * visitors' clients and the transcript outbox. `schema-versions.ts` lists
 * them after the messaging and live-chat versions; the rules there apply.
 */
export const inboxVersions: readonly Migration[] = [
  {
    version: 6,
    name: 'dashboard accounts and sessions',
    sql: `
      -- A user's dashboard sign-in. The email (lower-cased) is unique across the
      -- server, so signing in needs nothing else. password_hash is null until an
      -- invitation is accepted.
      CREATE TABLE accounts (
        tenant_id     TEXT NOT NULL,
        user_id       TEXT NOT NULL,
        email         TEXT NOT NULL UNIQUE,
        password_hash TEXT,
        disabled_at   TEXT,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL,
        PRIMARY KEY (tenant_id, user_id),
        FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
      ) WITHOUT ROWID;

      CREATE TABLE sessions (
        id         TEXT NOT NULL PRIMARY KEY,
        tenant_id  TEXT NOT NULL,
        user_id    TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        revoked_at TEXT,
        FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE INDEX sessions_user ON sessions (tenant_id, user_id);

      -- Password-reset and invitation links: the SHA-256 of the token, used once.
      CREATE TABLE account_links (
        token_hash TEXT NOT NULL PRIMARY KEY,
        kind       TEXT NOT NULL,
        tenant_id  TEXT NOT NULL,
        user_id    TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at    TEXT,
        FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE INDEX account_links_user ON account_links (tenant_id, user_id);
    `,
  },
  {
    version: 7,
    name: 'full-text search of live-chat messages',
    sql: `
      -- Only conversations' messages are indexed (thread ids cnv_…): the chat API's
      -- own threads pay nothing for the inbox's search. External content: the
      -- index holds no second copy of the text, the triggers keep it in step.
      CREATE VIRTUAL TABLE messages_fts USING fts5(
        content, content = 'messages', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2'
      );
      INSERT INTO messages_fts (rowid, content)
        SELECT rowid, content FROM messages WHERE thread_id LIKE 'cnv\\_%' ESCAPE '\\';
      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.thread_id LIKE 'cnv\\_%' ESCAPE '\\'
      BEGIN
        INSERT INTO messages_fts (rowid, content) VALUES (new.rowid, new.content);
      END;
      CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages
        WHEN new.thread_id LIKE 'cnv\\_%' ESCAPE '\\'
      BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
        INSERT INTO messages_fts (rowid, content) VALUES (new.rowid, new.content);
      END;
      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.thread_id LIKE 'cnv\\_%' ESCAPE '\\'
      BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
      END;
    `,
  },
  {
    version: 8,
    name: 'inbox: labels, private notes, canned responses',
    sql: `
      ALTER TABLE conversations ADD COLUMN labels TEXT NOT NULL DEFAULT '[]';

      -- Private notes live apart from the thread: nothing in them can reach the visitor.
      CREATE TABLE conversation_notes (
        tenant_id           TEXT NOT NULL,
        id                  TEXT NOT NULL,
        conversation_id     TEXT NOT NULL,
        author_id           TEXT NOT NULL,
        author_display_name TEXT NOT NULL,
        content             TEXT NOT NULL,
        created_at          TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, conversation_id) REFERENCES conversations (tenant_id, id) ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE INDEX conversation_notes_order ON conversation_notes (tenant_id, conversation_id, created_at, id);

      CREATE TABLE canned_responses (
        tenant_id       TEXT NOT NULL,
        id              TEXT NOT NULL,
        organization_id TEXT NOT NULL,
        shortcut        TEXT NOT NULL,
        content         TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, organization_id, shortcut),
        FOREIGN KEY (tenant_id, organization_id) REFERENCES organizations (tenant_id, id) ON DELETE CASCADE
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 9,
    name: 'first response time',
    sql: `
      -- The first reply of any agent, set once: first_agent_reply_at restarts with each assignment.
      ALTER TABLE conversations ADD COLUMN first_response_at TEXT;
      UPDATE conversations SET first_response_at = first_agent_reply_at;
    `,
  },
  {
    version: 10,
    name: 'audit log',
    sql: `
      CREATE TABLE audit_log (
        tenant_id       TEXT NOT NULL,
        id              TEXT NOT NULL,
        at              TEXT NOT NULL,
        actor_kind      TEXT NOT NULL,
        actor_id        TEXT NOT NULL,
        action          TEXT NOT NULL,
        path            TEXT NOT NULL,
        organization_id TEXT,
        status          INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, id)
      ) WITHOUT ROWID;
      CREATE INDEX audit_log_order ON audit_log (tenant_id, at, id);
      CREATE INDEX audit_log_organization ON audit_log (tenant_id, organization_id, at, id);
    `,
  },
  {
    version: 11,
    name: 'visitor client',
    sql: `
      -- The visitor's browser (user agent, language, time zone, location), JSON; null before.
      ALTER TABLE conversations ADD COLUMN client TEXT;
    `,
  },
  {
    version: 12,
    name: 'transcript outbox',
    sql: `
      -- Transcripts to mail at resolve, kept until the mail server accepts them (or the
      -- retries run out). due_at is also the lease of the node sending it.
      CREATE TABLE transcript_outbox (
        tenant_id       TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        email           TEXT NOT NULL,
        due_at          TEXT NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        last_error      TEXT,
        created_at      TEXT NOT NULL,
        PRIMARY KEY (tenant_id, conversation_id),
        FOREIGN KEY (tenant_id, conversation_id) REFERENCES conversations (tenant_id, id) ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE INDEX transcript_outbox_due ON transcript_outbox (due_at);
    `,
  },
];
