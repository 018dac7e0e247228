import type { Migration } from './schema-versions.js';

/**
 * The PostgreSQL schema's versions from 6 on: the dashboard's accounts, the
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
        tenant_id     text NOT NULL,
        user_id       text NOT NULL,
        email         text NOT NULL UNIQUE,
        password_hash text,
        disabled_at   text,
        created_at    text NOT NULL,
        updated_at    text NOT NULL,
        PRIMARY KEY (tenant_id, user_id),
        FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
      );

      CREATE TABLE sessions (
        id         text COLLATE "C" NOT NULL PRIMARY KEY,
        tenant_id  text NOT NULL,
        user_id    text NOT NULL,
        created_at text NOT NULL,
        expires_at text NOT NULL,
        revoked_at text,
        FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
      );
      CREATE INDEX sessions_user ON sessions (tenant_id, user_id);

      -- Password-reset and invitation links: the SHA-256 of the token, used once.
      CREATE TABLE account_links (
        token_hash text COLLATE "C" NOT NULL PRIMARY KEY,
        kind       text NOT NULL,
        tenant_id  text NOT NULL,
        user_id    text NOT NULL,
        expires_at text NOT NULL,
        used_at    text,
        FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
      );
      CREATE INDEX account_links_user ON account_links (tenant_id, user_id);
    `,
  },
  {
    version: 7,
    name: 'full-text search of live-chat messages',
    sql: `
      -- Only conversations' messages are indexed (thread ids cnv_…), by an
      -- expression index: the chat API's own threads pay nothing for the inbox's
      -- search. 'simple' does no stemming, so French and English are treated alike.
      CREATE INDEX messages_search ON messages USING gin (to_tsvector('simple', content))
        WHERE thread_id LIKE 'cnv\\_%';
    `,
  },
  {
    version: 8,
    name: 'inbox: labels, private notes, canned responses',
    sql: `
      ALTER TABLE conversations ADD COLUMN labels text NOT NULL DEFAULT '[]';

      -- Private notes live apart from the thread: nothing in them can reach the visitor.
      CREATE TABLE conversation_notes (
        tenant_id           text COLLATE "C" NOT NULL,
        id                  text COLLATE "C" NOT NULL,
        conversation_id     text COLLATE "C" NOT NULL,
        author_id           text COLLATE "C" NOT NULL,
        author_display_name text COLLATE "C" NOT NULL,
        content             text NOT NULL,
        created_at          text COLLATE "C" NOT NULL,
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, conversation_id) REFERENCES conversations (tenant_id, id) ON DELETE CASCADE
      );
      CREATE INDEX conversation_notes_order ON conversation_notes (tenant_id, conversation_id, created_at, id);

      CREATE TABLE canned_responses (
        tenant_id       text COLLATE "C" NOT NULL,
        id              text COLLATE "C" NOT NULL,
        organization_id text COLLATE "C" NOT NULL,
        shortcut        text COLLATE "C" NOT NULL,
        content         text NOT NULL,
        created_at      text COLLATE "C" NOT NULL,
        updated_at      text COLLATE "C" NOT NULL,
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, organization_id, shortcut),
        FOREIGN KEY (tenant_id, organization_id) REFERENCES organizations (tenant_id, id) ON DELETE CASCADE
      );
    `,
  },
  {
    version: 9,
    name: 'first response time',
    sql: `
      -- The first reply of any agent, set once: first_agent_reply_at restarts with each assignment.
      ALTER TABLE conversations ADD COLUMN first_response_at text COLLATE "C";
      UPDATE conversations SET first_response_at = first_agent_reply_at;
    `,
  },
  {
    version: 10,
    name: 'audit log',
    sql: `
      CREATE TABLE audit_log (
        tenant_id       text COLLATE "C" NOT NULL,
        id              text COLLATE "C" NOT NULL,
        at              text COLLATE "C" NOT NULL,
        actor_kind      text COLLATE "C" NOT NULL,
        actor_id        text COLLATE "C" NOT NULL,
        action          text COLLATE "C" NOT NULL,
        path            text COLLATE "C" NOT NULL,
        organization_id text COLLATE "C",
        status          integer NOT NULL,
        PRIMARY KEY (tenant_id, id)
      );
      CREATE INDEX audit_log_order ON audit_log (tenant_id, at, id);
      CREATE INDEX audit_log_organization ON audit_log (tenant_id, organization_id, at, id);
    `,
  },
  {
    version: 11,
    name: 'visitor client',
    sql: `
      -- The visitor's browser (user agent, language, time zone, location), JSON; null before.
      ALTER TABLE conversations ADD COLUMN client text;
    `,
  },
  {
    version: 12,
    name: 'transcript outbox',
    sql: `
      -- Transcripts to mail at resolve, kept until the mail server accepts them (or the
      -- retries run out). due_at is also the lease of the node sending it.
      CREATE TABLE transcript_outbox (
        tenant_id       text COLLATE "C" NOT NULL,
        conversation_id text COLLATE "C" NOT NULL,
        email           text NOT NULL,
        due_at          text COLLATE "C" NOT NULL,
        attempts        integer NOT NULL DEFAULT 0,
        last_error      text,
        created_at      text COLLATE "C" NOT NULL,
        PRIMARY KEY (tenant_id, conversation_id),
        FOREIGN KEY (tenant_id, conversation_id) REFERENCES conversations (tenant_id, id) ON DELETE CASCADE
      );
      CREATE INDEX transcript_outbox_due ON transcript_outbox (due_at);
    `,
  },
];
