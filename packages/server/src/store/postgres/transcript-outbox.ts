import type { TranscriptEntry, TranscriptOutboxStore } from '../../core/ports/transcript-outbox-store.js';
import type { Database } from './database.js';
import {
  TRANSCRIPT_OUTBOX_COLUMNS,
  toTranscriptEntry,
  type TranscriptOutboxRow,
} from '../transcript-outbox-rows.js';

/**
 * Schedules the conversation's transcript to its `transcript_email`, when
 * set, replacing any row there: run by the resolve in its own transaction
 * (`PostgresConversations.updateConversation`), after its update, which
 * holds the conversation's row. Parameters: tenant, conversation, due_at,
 * created_at.
 */
export const SCHEDULE_AT_RESOLVE = `INSERT INTO transcript_outbox (${TRANSCRIPT_OUTBOX_COLUMNS})
  SELECT tenant_id, id, transcript_email, $3, 0, NULL, $4 FROM conversations
  WHERE tenant_id = $1 AND id = $2 AND transcript_email IS NOT NULL
  ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET
    email = excluded.email, due_at = excluded.due_at, attempts = 0, last_error = NULL,
    created_at = excluded.created_at`;

const sql = {
  due: `SELECT ${TRANSCRIPT_OUTBOX_COLUMNS} FROM transcript_outbox WHERE due_at <= $1
    ORDER BY due_at, tenant_id, conversation_id LIMIT $2`,
  // A single-row UPDATE with the expected value in its WHERE: under READ COMMITTED the loser
  // re-reads the row after the winner commits, no longer matches, and updates nothing.
  claim: `UPDATE transcript_outbox SET due_at = $4
    WHERE tenant_id = $1 AND conversation_id = $2 AND due_at = $3 RETURNING conversation_id`,
  delete: `DELETE FROM transcript_outbox WHERE tenant_id = $1 AND conversation_id = $2 AND due_at = $3
    RETURNING conversation_id`,
  retry: `UPDATE transcript_outbox SET due_at = $4, attempts = $5, last_error = $6
    WHERE tenant_id = $1 AND conversation_id = $2 AND due_at = $3 RETURNING conversation_id`,
};

/** The PostgreSQL adapter's part of the port for the transcript outbox; each step is one statement. */
export class PostgresTranscriptOutbox implements TranscriptOutboxStore {
  constructor(private readonly db: Database) {}

  async dueTranscripts(now: string, limit: number): Promise<TranscriptEntry[]> {
    return (await this.db.rows<TranscriptOutboxRow>(sql.due, [now, limit])).map(toTranscriptEntry);
  }

  async claimTranscript(
    tenantId: string,
    conversationId: string,
    expectedDueAt: string,
    leaseUntil: string,
  ): Promise<boolean> {
    const rows = await this.db.write(sql.claim, [tenantId, conversationId, expectedDueAt, leaseUntil]);
    return rows.length > 0;
  }

  async deleteTranscript(tenantId: string, conversationId: string, lease: string): Promise<boolean> {
    return (await this.db.write(sql.delete, [tenantId, conversationId, lease])).length > 0;
  }

  async retryTranscript(
    tenantId: string,
    conversationId: string,
    lease: string,
    retry: { dueAt: string; attempts: number; lastError: string },
  ): Promise<boolean> {
    const rows = await this.db.write(sql.retry, [
      tenantId,
      conversationId,
      lease,
      retry.dueAt,
      retry.attempts,
      retry.lastError,
    ]);
    return rows.length > 0;
  }
}
