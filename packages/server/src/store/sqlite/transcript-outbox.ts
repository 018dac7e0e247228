import type Database from 'better-sqlite3';
import type { TranscriptEntry, TranscriptOutboxStore } from '../../core/ports/transcript-outbox-store.js';
import type { WriteQueue } from './write-queue.js';
import {
  TRANSCRIPT_OUTBOX_COLUMNS,
  toTranscriptEntry,
  type TranscriptOutboxRow,
} from '../transcript-outbox-rows.js';

/**
 * Schedules the conversation's transcript to its `transcript_email`, when
 * set, replacing any row there: run by the resolve in its own step
 * (`SqliteConversations.updateConversation`). Parameters: due_at,
 * created_at, tenant_id, conversation id.
 */
export const SCHEDULE_AT_RESOLVE = `INSERT OR REPLACE INTO transcript_outbox (${TRANSCRIPT_OUTBOX_COLUMNS})
  SELECT tenant_id, id, transcript_email, ?, 0, NULL, ? FROM conversations
  WHERE tenant_id = ? AND id = ? AND transcript_email IS NOT NULL`;

function prepare(db: Database.Database) {
  return {
    due: db.prepare<[string, number], TranscriptOutboxRow>(
      `SELECT ${TRANSCRIPT_OUTBOX_COLUMNS} FROM transcript_outbox WHERE due_at <= ?
       ORDER BY due_at, tenant_id, conversation_id LIMIT ?`,
    ),
    claim: db.prepare<[string, string, string, string]>(
      `UPDATE transcript_outbox SET due_at = ? WHERE tenant_id = ? AND conversation_id = ? AND due_at = ?`,
    ),
    delete: db.prepare<[string, string, string]>(
      'DELETE FROM transcript_outbox WHERE tenant_id = ? AND conversation_id = ? AND due_at = ?',
    ),
    retry: db.prepare<[string, number, string, string, string, string]>(
      `UPDATE transcript_outbox SET due_at = ?, attempts = ?, last_error = ?
       WHERE tenant_id = ? AND conversation_id = ? AND due_at = ?`,
    ),
  };
}

/** The SQLite adapter's part of the port for the transcript outbox; each step is one statement. */
export class SqliteTranscriptOutbox implements TranscriptOutboxStore {
  private readonly s: ReturnType<typeof prepare>;

  constructor(
    db: Database.Database,
    private readonly queue: WriteQueue,
  ) {
    this.s = prepare(db);
  }

  async dueTranscripts(now: string, limit: number): Promise<TranscriptEntry[]> {
    return this.s.due.all(now, limit).map(toTranscriptEntry);
  }

  claimTranscript(
    tenantId: string,
    conversationId: string,
    expectedDueAt: string,
    leaseUntil: string,
  ): Promise<boolean> {
    return this.queue.run(
      () => this.s.claim.run(leaseUntil, tenantId, conversationId, expectedDueAt).changes > 0,
    );
  }

  deleteTranscript(tenantId: string, conversationId: string, lease: string): Promise<boolean> {
    return this.queue.run(() => this.s.delete.run(tenantId, conversationId, lease).changes > 0);
  }

  retryTranscript(
    tenantId: string,
    conversationId: string,
    lease: string,
    retry: { dueAt: string; attempts: number; lastError: string },
  ): Promise<boolean> {
    return this.queue.run(
      () =>
        this.s.retry.run(retry.dueAt, retry.attempts, retry.lastError, tenantId, conversationId, lease)
          .changes > 0,
    );
  }
}
