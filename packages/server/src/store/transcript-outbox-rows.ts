import type { TranscriptEntry } from '../core/ports/transcript-outbox-store.js';

/** A row of `transcript_outbox`, the same in SQLite and PostgreSQL. */
export interface TranscriptOutboxRow {
  tenant_id: string;
  conversation_id: string;
  email: string;
  due_at: string;
  attempts: number;
  last_error: string | null;
  created_at: string;
}

export const TRANSCRIPT_OUTBOX_COLUMNS =
  'tenant_id, conversation_id, email, due_at, attempts, last_error, created_at';

export function toTranscriptEntry(r: TranscriptOutboxRow): TranscriptEntry {
  return {
    tenantId: r.tenant_id,
    conversationId: r.conversation_id,
    email: r.email,
    dueAt: r.due_at,
    attempts: Number(r.attempts),
    lastError: r.last_error,
    createdAt: r.created_at,
  };
}
