/*
 * The schema's versions, in order, for SQLite (the runner is `migrations.ts`).
 */

/**
 * A schema change. Versions are applied in ascending order, each once, and
 * recorded in `schema_migrations`; a released migration is never edited, a
 * change is a new version.
 */
import { inboxVersions } from './schema-versions-inbox.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE tenants (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        created_at TEXT NOT NULL
      );

      -- Key ids are global: touchApiKey and findApiKeyByHash name no tenant.
      CREATE TABLE api_keys (
        id           TEXT PRIMARY KEY,
        tenant_id    TEXT NOT NULL,
        name         TEXT NOT NULL,
        prefix       TEXT NOT NULL,
        hash         TEXT NOT NULL UNIQUE,
        created_at   TEXT NOT NULL,
        last_used_at TEXT,
        revoked_at   TEXT
      );
      CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at, id) WHERE revoked_at IS NULL;

      CREATE TABLE users (
        tenant_id     TEXT NOT NULL,
        id            TEXT NOT NULL,
        display_name  TEXT NOT NULL,
        role          TEXT NOT NULL,
        metadata      TEXT NOT NULL DEFAULT '{}',
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL,
        token_version INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (tenant_id, id)
      ) WITHOUT ROWID;

      -- A deleted thread keeps its row as a tombstone (deleted_at set) so that
      -- its ids are never reused and a resuming client learns of the deletion.
      CREATE TABLE threads (
        id               TEXT PRIMARY KEY,
        tenant_id        TEXT NOT NULL,
        topic            TEXT NOT NULL,
        metadata         TEXT NOT NULL DEFAULT '{}',
        created_by       TEXT,
        idempotency_key  TEXT,
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL,
        last_activity_at TEXT NOT NULL,
        last_seq         INTEGER NOT NULL DEFAULT 0,
        last_pos         INTEGER NOT NULL DEFAULT 0,
        deleted_at       TEXT
      );
      CREATE INDEX threads_activity ON threads (tenant_id, last_activity_at, id) WHERE deleted_at IS NULL;
      CREATE UNIQUE INDEX threads_idempotency ON threads (tenant_id, ifnull(created_by, ''), idempotency_key)
        WHERE idempotency_key IS NOT NULL;

      CREATE TABLE participants (
        thread_id          TEXT NOT NULL REFERENCES threads (id),
        user_id            TEXT NOT NULL,
        tenant_id          TEXT NOT NULL,
        display_name       TEXT NOT NULL,
        role               TEXT NOT NULL,
        share_history_time TEXT NOT NULL,
        joined_at          TEXT NOT NULL,
        joined_pos         INTEGER NOT NULL,
        PRIMARY KEY (thread_id, user_id)
      ) WITHOUT ROWID;
      CREATE INDEX participants_user ON participants (tenant_id, user_id, joined_at);
      CREATE INDEX participants_order ON participants (thread_id, joined_at, user_id);

      -- One row per participant holding their latest receipt; it goes with the participation.
      CREATE TABLE receipts (
        thread_id  TEXT NOT NULL,
        user_id    TEXT NOT NULL,
        tenant_id  TEXT NOT NULL,
        message_id TEXT NOT NULL,
        seq        INTEGER NOT NULL,
        read_at    TEXT NOT NULL,
        PRIMARY KEY (thread_id, user_id),
        FOREIGN KEY (thread_id, user_id) REFERENCES participants (thread_id, user_id) ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE INDEX receipts_order ON receipts (thread_id, read_at, user_id);

      CREATE TABLE messages (
        id                  TEXT PRIMARY KEY,
        tenant_id           TEXT NOT NULL,
        thread_id           TEXT NOT NULL REFERENCES threads (id),
        seq                 INTEGER NOT NULL,
        type                TEXT NOT NULL,
        content             TEXT NOT NULL,
        system              TEXT,
        sender_id           TEXT,
        sender_display_name TEXT NOT NULL,
        metadata            TEXT NOT NULL DEFAULT '{}',
        client_message_id   TEXT,
        created_at          TEXT NOT NULL,
        edited_at           TEXT,
        deleted_at          TEXT,
        UNIQUE (thread_id, seq),
        UNIQUE (thread_id, client_message_id)
      );
      CREATE INDEX messages_time ON messages (thread_id, created_at);

      -- body is the complete ThreadEvent, exactly as eventsAfter returns it.
      CREATE TABLE events (
        thread_id TEXT NOT NULL REFERENCES threads (id),
        pos       INTEGER NOT NULL,
        tenant_id TEXT NOT NULL,
        type      TEXT NOT NULL,
        body      TEXT NOT NULL,
        at        TEXT NOT NULL,
        PRIMARY KEY (thread_id, pos)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'livechat organizations',
    sql: `
      -- Live chat: organizations of a tenant, their departments and agents.
      -- Deletions cascade through the foreign keys: an organization takes its
      -- departments and agent profiles, a user their agent profile, and both
      -- departments and agent profiles their memberships.
      CREATE TABLE organizations (
        tenant_id  TEXT NOT NULL,
        id         TEXT NOT NULL,
        name       TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id)
      ) WITHOUT ROWID;

      CREATE TABLE departments (
        tenant_id       TEXT NOT NULL,
        id              TEXT NOT NULL,
        organization_id TEXT NOT NULL,
        name            TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, organization_id, id),
        FOREIGN KEY (tenant_id, organization_id) REFERENCES organizations (tenant_id, id) ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE INDEX departments_order ON departments (tenant_id, organization_id, created_at, id);

      -- Keyed by user: a user is an agent of at most one organization of the tenant.
      CREATE TABLE agents (
        tenant_id       TEXT NOT NULL,
        user_id         TEXT NOT NULL,
        organization_id TEXT NOT NULL,
        role            TEXT NOT NULL,
        max_chats       INTEGER NOT NULL,
        status          TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL,
        PRIMARY KEY (tenant_id, user_id),
        UNIQUE (tenant_id, organization_id, user_id),
        FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, organization_id) REFERENCES organizations (tenant_id, id) ON DELETE CASCADE
      ) WITHOUT ROWID;

      -- Both keys carry the organization: a membership cannot cross organizations.
      CREATE TABLE department_members (
        tenant_id       TEXT NOT NULL,
        organization_id TEXT NOT NULL,
        department_id   TEXT NOT NULL,
        user_id         TEXT NOT NULL,
        PRIMARY KEY (tenant_id, department_id, user_id),
        FOREIGN KEY (tenant_id, organization_id, department_id)
          REFERENCES departments (tenant_id, organization_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, organization_id, user_id)
          REFERENCES agents (tenant_id, organization_id, user_id) ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE INDEX department_members_user ON department_members (tenant_id, user_id, department_id);
      CREATE INDEX department_members_org ON department_members (tenant_id, organization_id, user_id);
    `,
  },
  {
    version: 3,
    name: 'livechat business hours and widgets',
    sql: `
      -- Business hours of an organization, attached to departments; each
      -- organization's widget (public key, settings) and department overrides.
      -- Deletions cascade: an organization takes all of it, a department its
      -- attachments and override, business hours their attachments.
      CREATE TABLE business_hours (
        tenant_id       TEXT NOT NULL,
        id              TEXT NOT NULL,
        organization_id TEXT NOT NULL,
        name            TEXT NOT NULL,
        schedule        TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, organization_id, id),
        FOREIGN KEY (tenant_id, organization_id) REFERENCES organizations (tenant_id, id) ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE INDEX business_hours_order ON business_hours (tenant_id, organization_id, created_at, id);

      CREATE TABLE department_business_hours (
        tenant_id         TEXT NOT NULL,
        organization_id   TEXT NOT NULL,
        department_id     TEXT NOT NULL,
        business_hours_id TEXT NOT NULL,
        PRIMARY KEY (tenant_id, department_id, business_hours_id),
        FOREIGN KEY (tenant_id, organization_id, department_id)
          REFERENCES departments (tenant_id, organization_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, organization_id, business_hours_id)
          REFERENCES business_hours (tenant_id, organization_id, id) ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE INDEX department_business_hours_hours
        ON department_business_hours (tenant_id, organization_id, business_hours_id);

      -- The key is public (it sits in the site's HTML) and unique across tenants.
      CREATE TABLE widgets (
        tenant_id       TEXT NOT NULL,
        organization_id TEXT NOT NULL,
        widget_key      TEXT NOT NULL UNIQUE,
        settings        TEXT,
        updated_at      TEXT,
        PRIMARY KEY (tenant_id, organization_id),
        FOREIGN KEY (tenant_id, organization_id) REFERENCES organizations (tenant_id, id) ON DELETE CASCADE
      ) WITHOUT ROWID;

      CREATE TABLE department_widgets (
        tenant_id       TEXT NOT NULL,
        organization_id TEXT NOT NULL,
        department_id   TEXT NOT NULL,
        override        TEXT NOT NULL,
        updated_at      TEXT NOT NULL,
        PRIMARY KEY (tenant_id, department_id),
        FOREIGN KEY (tenant_id, organization_id, department_id)
          REFERENCES departments (tenant_id, organization_id, id) ON DELETE CASCADE
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    name: 'livechat visitors and identity verification',
    sql: `
      -- A widget visitor is a tenant user plus this row. Only the SHA-256 of the
      -- visitor token is kept. customer_id is the site's user id once identified.
      CREATE TABLE visitors (
        tenant_id       TEXT NOT NULL,
        id              TEXT NOT NULL,
        organization_id TEXT NOT NULL,
        token_hash      TEXT NOT NULL UNIQUE,
        email           TEXT,
        customer_id     TEXT,
        identified_at   TEXT,
        created_at      TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, organization_id) REFERENCES organizations (tenant_id, id) ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE INDEX visitors_customer ON visitors (tenant_id, organization_id, customer_id, created_at, id);

      CREATE TABLE identity_secrets (
        tenant_id       TEXT NOT NULL,
        organization_id TEXT NOT NULL,
        secret          TEXT NOT NULL,
        PRIMARY KEY (tenant_id, organization_id),
        FOREIGN KEY (tenant_id, organization_id) REFERENCES organizations (tenant_id, id) ON DELETE CASCADE
      ) WITHOUT ROWID;

      -- Used identity proofs, kept until they would be stale anyway.
      CREATE TABLE identity_replay_keys (
        tenant_id       TEXT NOT NULL,
        organization_id TEXT NOT NULL,
        replay_key      TEXT NOT NULL,
        expires_at      TEXT NOT NULL,
        PRIMARY KEY (tenant_id, organization_id, replay_key),
        FOREIGN KEY (tenant_id, organization_id) REFERENCES organizations (tenant_id, id) ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE INDEX identity_replay_keys_expiry ON identity_replay_keys (tenant_id, organization_id, expires_at);
    `,
  },
  {
    version: 5,
    name: 'livechat conversations and routing',
    sql: `
      -- A conversation beside its thread (same id). One not resolved per visitor
      -- (conversations_one_open). department_id has no foreign key: a deleted
      -- department's conversations keep their history.
      CREATE TABLE conversations (
        tenant_id            TEXT NOT NULL,
        id                   TEXT NOT NULL,
        organization_id      TEXT NOT NULL,
        department_id        TEXT,
        visitor_id           TEXT NOT NULL,
        source               TEXT NOT NULL,
        status               TEXT NOT NULL,
        agent_id             TEXT,
        answers              TEXT NOT NULL,
        page                 TEXT,
        rating               TEXT,
        transcript_email     TEXT,
        priority             INTEGER NOT NULL DEFAULT 0,
        enqueued_at          TEXT NOT NULL,
        assigned_at          TEXT,
        first_agent_reply_at TEXT,
        snoozed_until        TEXT,
        resolved_at          TEXT,
        answer_deadline      TEXT,
        requeued_from        TEXT,
        created_at           TEXT NOT NULL,
        updated_at           TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, organization_id) REFERENCES organizations (tenant_id, id) ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE UNIQUE INDEX conversations_one_open ON conversations (tenant_id, visitor_id) WHERE status <> 'resolved';
      CREATE INDEX conversations_visitor ON conversations (tenant_id, visitor_id, created_at);
      CREATE INDEX conversations_org ON conversations (tenant_id, organization_id, created_at, id);
      CREATE INDEX conversations_queue ON conversations (tenant_id, organization_id, status, department_id);
      CREATE INDEX conversations_agent ON conversations (tenant_id, agent_id, status);
      CREATE INDEX conversations_deadline ON conversations (answer_deadline) WHERE answer_deadline IS NOT NULL;
      CREATE INDEX conversations_snooze ON conversations (snoozed_until) WHERE snoozed_until IS NOT NULL;

      -- When the agent's last connection closed (null while connected), and
      -- whether their away was set by the server after that.
      ALTER TABLE agents ADD COLUMN disconnected_at TEXT;
      ALTER TABLE agents ADD COLUMN away_automatic INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX agents_disconnected ON agents (disconnected_at) WHERE disconnected_at IS NOT NULL;
    `,
  },
  ...inboxVersions,
];
