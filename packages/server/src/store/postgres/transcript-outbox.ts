import type {
  NewTranscriptEntry,
  TranscriptEntry,
  TranscriptOutboxStore,
} from '../../core/ports/transcript-outbox-store.js';
import type { Database } from './database.js';
import {
  TRANSCRIPT_OUTBOX_COLUMNS,
  toTranscriptEntry,
  type TranscriptOutboxRow,
} from '../transcript-outbox-rows.js';

const sql = {
  // FOR KEY SHARE keeps the conversation from being deleted until the insert commits.
  schedule: `INSERT INTO transcript_outbox (${TRANSCRIPT_OUTBOX_COLUMNS})
    SELECT $1, $2, $3, $4, 0, NULL, $5 WHERE EXISTS (
      SELECT 1 FROM conversations WHERE tenant_id = $1 AND id = $2 FOR KEY SHARE)
    ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET
      email = excluded.email, due_at = excluded.due_at, attempts = 0, last_error = NULL,
      created_at = excluded.created_at
    RETURNING conversation_id`,
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

  async scheduleTranscript(tenantId: string, e: NewTranscriptEntry): Promise<boolean> {
    const rows = await this.db.write(sql.schedule, [
      tenantId,
      e.conversationId,
      e.email,
      e.dueAt,
      e.createdAt,
    ]);
    return rows.length > 0;
  }

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
