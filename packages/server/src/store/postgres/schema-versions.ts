/*
 * The schema's versions, in order, for PostgreSQL (the runner is `migrations.ts`).
 */

/**
 * A schema change. Versions are applied in ascending order, each once, and
 * recorded in `schema_migrations`; a released migration is never edited, a
 * change is a new version. The tables mirror the SQLite adapter's, column for
 * column, so that both map rows with the same code (`../sqlite/rows.ts`).
 */
import { inboxVersions } from './schema-versions-inbox.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

// Choices that differ from a "natural" PostgreSQL schema, on purpose:
// - Times are the caller's ISO 8601 strings kept as `text`, not `timestamptz`: they come back
//   exactly as given (milliseconds, the trailing Z) and, being of one format, sort as strings.
// - Ids and times use COLLATE "C": byte order, as SQLite compares them, whatever the database's
//   locale. Paging cursors and the '~' sentinel of thread listings rely on it.
// - Metadata, system content and event bodies are JSON kept as `text`: they come back as the
//   very string written (jsonb would reorder keys), and the shared row mappers parse them.
// - Counters are `integer` (int4), which node-postgres returns as JS numbers (int8 comes back as
//   a string). 2^31 events per thread is out of reach.
// - users.display_name_folded and id_folded hold the lower-cased text that search matches.
//   They are folded by JavaScript's toLowerCase, as the SQLite adapter folds, because lower()
//   depends on the database's locale (under "C" it folds ASCII only).
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE tenants (
        id         text COLLATE "C" PRIMARY KEY,
        name       text NOT NULL,
        created_at text COLLATE "C" NOT NULL
      );

      -- Key ids are global: touchApiKey and findApiKeyByHash name no tenant.
      CREATE TABLE api_keys (
        id           text COLLATE "C" PRIMARY KEY,
        tenant_id    text COLLATE "C" NOT NULL,
        name         text NOT NULL,
        prefix       text NOT NULL,
        hash         text COLLATE "C" NOT NULL UNIQUE,
        created_at   text COLLATE "C" NOT NULL,
        last_used_at text COLLATE "C",
        revoked_at   text COLLATE "C"
      );
      CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at, id) WHERE revoked_at IS NULL;

      CREATE TABLE users (
        tenant_id           text COLLATE "C" NOT NULL,
        id                  text COLLATE "C" NOT NULL,
        display_name        text NOT NULL,
        role                text NOT NULL,
        metadata            text NOT NULL DEFAULT '{}',
        created_at          text COLLATE "C" NOT NULL,
        updated_at          text COLLATE "C" NOT NULL,
        token_version       integer NOT NULL DEFAULT 0,
        display_name_folded text NOT NULL,
        id_folded           text NOT NULL,
        PRIMARY KEY (tenant_id, id)
      );

      -- A deleted thread keeps its row as a tombstone (deleted_at set) so that
      -- its ids are never reused and a resuming client learns of the deletion.
      -- last_seq and last_pos are the counters that writers take under this row's lock.
      CREATE TABLE threads (
        id               text COLLATE "C" PRIMARY KEY,
        tenant_id        text COLLATE "C" NOT NULL,
        topic            text NOT NULL,
        metadata         text NOT NULL DEFAULT '{}',
        created_by       text COLLATE "C",
        idempotency_key  text COLLATE "C",
        created_at       text COLLATE "C" NOT NULL,
        updated_at       text COLLATE "C" NOT NULL,
        last_activity_at text COLLATE "C" NOT NULL,
        last_seq         integer NOT NULL DEFAULT 0,
        last_pos         integer NOT NULL DEFAULT 0,
        deleted_at       text COLLATE "C"
      );
      CREATE INDEX threads_activity ON threads (tenant_id, last_activity_at, id) WHERE deleted_at IS NULL;
      CREATE UNIQUE INDEX threads_idempotency ON threads (tenant_id, coalesce(created_by, ''), idempotency_key)
        WHERE idempotency_key IS NOT NULL;

      CREATE TABLE participants (
        thread_id          text COLLATE "C" NOT NULL REFERENCES threads (id),
        user_id            text COLLATE "C" NOT NULL,
        tenant_id          text COLLATE "C" NOT NULL,
        display_name       text NOT NULL,
        role               text NOT NULL,
        share_history_time text COLLATE "C" NOT NULL,
        joined_at          text COLLATE "C" NOT NULL,
        joined_pos         integer NOT NULL,
        PRIMARY KEY (thread_id, user_id)
      );
      CREATE INDEX participants_user ON participants (tenant_id, user_id, joined_at);
      CREATE INDEX participants_order ON participants (thread_id, joined_at, user_id);

      -- One row per participant holding their latest receipt; it goes with the participation.
      CREATE TABLE receipts (
        thread_id  text COLLATE "C" NOT NULL,
        user_id    text COLLATE "C" NOT NULL,
        tenant_id  text COLLATE "C" NOT NULL,
        message_id text COLLATE "C" NOT NULL,
        seq        integer NOT NULL,
        read_at    text COLLATE "C" NOT NULL,
        PRIMARY KEY (thread_id, user_id),
        FOREIGN KEY (thread_id, user_id) REFERENCES participants (thread_id, user_id) ON DELETE CASCADE
      );
      CREATE INDEX receipts_order ON receipts (thread_id, read_at, user_id);

      -- The constraint names are part of the adapter: a violation of
      -- messages_client_message_id means "this send is already stored".
      CREATE TABLE messages (
        id                  text COLLATE "C" PRIMARY KEY,
        tenant_id           text COLLATE "C" NOT NULL,
        thread_id           text COLLATE "C" NOT NULL REFERENCES threads (id),
        seq                 integer NOT NULL,
        type                text NOT NULL,
        content             text NOT NULL,
        system              text,
        sender_id           text COLLATE "C",
        sender_display_name text NOT NULL,
        metadata            text NOT NULL DEFAULT '{}',
        client_message_id   text COLLATE "C",
        created_at          text COLLATE "C" NOT NULL,
        edited_at           text COLLATE "C",
        deleted_at          text COLLATE "C",
        CONSTRAINT messages_seq UNIQUE (thread_id, seq),
        CONSTRAINT messages_client_message_id UNIQUE (thread_id, client_message_id)
      );
      CREATE INDEX messages_time ON messages (thread_id, created_at);

      -- body is the complete ThreadEvent, exactly as eventsAfter returns it.
      CREATE TABLE events (
        thread_id text COLLATE "C" NOT NULL REFERENCES threads (id),
        pos       integer NOT NULL,
        tenant_id text COLLATE "C" NOT NULL,
        type      text NOT NULL,
        body      text NOT NULL,
        at        text COLLATE "C" NOT NULL,
        PRIMARY KEY (thread_id, pos)
      );
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
        tenant_id  text COLLATE "C" NOT NULL,
        id         text COLLATE "C" NOT NULL,
        name       text NOT NULL,
        created_at text COLLATE "C" NOT NULL,
        updated_at text COLLATE "C" NOT NULL,
        PRIMARY KEY (tenant_id, id)
      );

      CREATE TABLE departments (
        tenant_id       text COLLATE "C" NOT NULL,
        id              text COLLATE "C" NOT NULL,
        organization_id text COLLATE "C" NOT NULL,
        name            text NOT NULL,
        created_at      text COLLATE "C" NOT NULL,
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, organization_id, id),
        FOREIGN KEY (tenant_id, organization_id) REFERENCES organizations (tenant_id, id) ON DELETE CASCADE
      );
      CREATE INDEX departments_order ON departments (tenant_id, organization_id, created_at, id);

      -- Keyed by user: a user is an agent of at most one organization of the tenant.
      CREATE TABLE agents (
        tenant_id       text COLLATE "C" NOT NULL,
        user_id         text COLLATE "C" NOT NULL,
        organization_id text COLLATE "C" NOT NULL,
        role            text NOT NULL,
        max_chats       integer NOT NULL,
        status          text NOT NULL,
        created_at      text COLLATE "C" NOT NULL,
        updated_at      text COLLATE "C" NOT NULL,
        PRIMARY KEY (tenant_id, user_id),
        UNIQUE (tenant_id, organization_id, user_id),
        FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, organization_id) REFERENCES organizations (tenant_id, id) ON DELETE CASCADE
      );

      -- Both keys carry the organization: a membership cannot cross organizations.
      CREATE TABLE department_members (
        tenant_id       text COLLATE "C" NOT NULL,
        organization_id text COLLATE "C" NOT NULL,
        department_id   text COLLATE "C" NOT NULL,
        user_id         text COLLATE "C" NOT NULL,
        PRIMARY KEY (tenant_id, department_id, user_id),
        FOREIGN KEY (tenant_id, organization_id, department_id)
          REFERENCES departments (tenant_id, organization_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, organization_id, user_id)
          REFERENCES agents (tenant_id, organization_id, user_id) ON DELETE CASCADE
      );
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
        tenant_id       text COLLATE "C" NOT NULL,
        id              text COLLATE "C" NOT NULL,
        organization_id text COLLATE "C" NOT NULL,
        name            text NOT NULL,
        schedule        text NOT NULL,
        created_at      text COLLATE "C" NOT NULL,
        updated_at      text COLLATE "C" NOT NULL,
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, organization_id, id),
        FOREIGN KEY (tenant_id, organization_id) REFERENCES organizations (tenant_id, id) ON DELETE CASCADE
      );
      CREATE INDEX business_hours_order ON business_hours (tenant_id, organization_id, created_at, id);

      CREATE TABLE department_business_hours (
        tenant_id         text COLLATE "C" NOT NULL,
        organization_id   text COLLATE "C" NOT NULL,
        department_id     text COLLATE "C" NOT NULL,
        business_hours_id text COLLATE "C" NOT NULL,
        PRIMARY KEY (tenant_id, department_id, business_hours_id),
        FOREIGN KEY (tenant_id, organization_id, department_id)
          REFERENCES departments (tenant_id, organization_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, organization_id, business_hours_id)
          REFERENCES business_hours (tenant_id, organization_id, id) ON DELETE CASCADE
      );
      CREATE INDEX department_business_hours_hours
        ON department_business_hours (tenant_id, organization_id, business_hours_id);

      -- The key is public (it sits in the site's HTML) and unique across tenants.
      CREATE TABLE widgets (
        tenant_id       text COLLATE "C" NOT NULL,
        organization_id text COLLATE "C" NOT NULL,
        widget_key      text COLLATE "C" NOT NULL UNIQUE,
        settings        text,
        updated_at      text COLLATE "C",
        PRIMARY KEY (tenant_id, organization_id),
        FOREIGN KEY (tenant_id, organization_id) REFERENCES organizations (tenant_id, id) ON DELETE CASCADE
      );

      CREATE TABLE department_widgets (
        tenant_id       text COLLATE "C" NOT NULL,
        organization_id text COLLATE "C" NOT NULL,
        department_id   text COLLATE "C" NOT NULL,
        override        text NOT NULL,
        updated_at      text COLLATE "C" NOT NULL,
        PRIMARY KEY (tenant_id, department_id),
        FOREIGN KEY (tenant_id, organization_id, department_id)
          REFERENCES departments (tenant_id, organization_id, id) ON DELETE CASCADE
      );
    `,
  },
  {
    version: 4,
    name: 'livechat visitors and identity verification',
    sql: `
      -- A widget visitor is a tenant user plus this row. Only the SHA-256 of the
      -- visitor token is kept. customer_id is the site's user id once identified.
      CREATE TABLE visitors (
        tenant_id       text COLLATE "C" NOT NULL,
        id              text COLLATE "C" NOT NULL,
        organization_id text COLLATE "C" NOT NULL,
        token_hash      text COLLATE "C" NOT NULL UNIQUE,
        email           text,
        customer_id     text COLLATE "C",
        identified_at   text COLLATE "C",
        created_at      text COLLATE "C" NOT NULL,
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, organization_id) REFERENCES organizations (tenant_id, id) ON DELETE CASCADE
      );
      CREATE INDEX visitors_customer ON visitors (tenant_id, organization_id, customer_id, created_at, id);

      CREATE TABLE identity_secrets (
        tenant_id       text COLLATE "C" NOT NULL,
        organization_id text COLLATE "C" NOT NULL,
        secret          text NOT NULL,
        PRIMARY KEY (tenant_id, organization_id),
        FOREIGN KEY (tenant_id, organization_id) REFERENCES organizations (tenant_id, id) ON DELETE CASCADE
      );

      -- Used identity proofs, kept until they would be stale anyway.
      CREATE TABLE identity_replay_keys (
        tenant_id       text COLLATE "C" NOT NULL,
        organization_id text COLLATE "C" NOT NULL,
        replay_key      text COLLATE "C" NOT NULL,
        expires_at      text COLLATE "C" NOT NULL,
        PRIMARY KEY (tenant_id, organization_id, replay_key),
        FOREIGN KEY (tenant_id, organization_id) REFERENCES organizations (tenant_id, id) ON DELETE CASCADE
      );
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
        tenant_id            text COLLATE "C" NOT NULL,
        id                   text COLLATE "C" NOT NULL,
        organization_id      text COLLATE "C" NOT NULL,
        department_id        text COLLATE "C",
        visitor_id           text COLLATE "C" NOT NULL,
        source               text NOT NULL,
        status               text NOT NULL,
        agent_id             text COLLATE "C",
        answers              text NOT NULL,
        page                 text,
        rating               text,
        transcript_email     text,
        priority             integer NOT NULL DEFAULT 0,
        enqueued_at          text COLLATE "C" NOT NULL,
        assigned_at          text COLLATE "C",
        first_agent_reply_at text COLLATE "C",
        snoozed_until        text COLLATE "C",
        resolved_at          text COLLATE "C",
        answer_deadline      text COLLATE "C",
        requeued_from        text COLLATE "C",
        created_at           text COLLATE "C" NOT NULL,
        updated_at           text COLLATE "C" NOT NULL,
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, organization_id) REFERENCES organizations (tenant_id, id) ON DELETE CASCADE
      );
      CREATE UNIQUE INDEX conversations_one_open ON conversations (tenant_id, visitor_id) WHERE status <> 'resolved';
      CREATE INDEX conversations_visitor ON conversations (tenant_id, visitor_id, created_at);
      CREATE INDEX conversations_org ON conversations (tenant_id, organization_id, created_at, id);
      CREATE INDEX conversations_queue ON conversations (tenant_id, organization_id, status, department_id);
      CREATE INDEX conversations_agent ON conversations (tenant_id, agent_id, status);
      CREATE INDEX conversations_deadline ON conversations (answer_deadline) WHERE answer_deadline IS NOT NULL;
      CREATE INDEX conversations_snooze ON conversations (snoozed_until) WHERE snoozed_until IS NOT NULL;

      -- When the agent's last connection closed (null while connected), and
      -- whether their away was set by the server after that.
      ALTER TABLE agents ADD COLUMN disconnected_at text COLLATE "C";
      ALTER TABLE agents ADD COLUMN away_automatic boolean NOT NULL DEFAULT false;
      CREATE INDEX agents_disconnected ON agents (disconnected_at) WHERE disconnected_at IS NOT NULL;
    `,
  },
  ...inboxVersions,
];
