/**
 * The transcript outbox, in the `livechat` facet under the Store's general
 * contract (tenant-scoped, atomic, durable when resolved, the caller's ISO
 * times, fresh copies): the transcripts to mail because a conversation was
 * resolved and its visitor asked for one, kept until the mail server accepts
 * them, so that a refusal or an outage loses nothing.
 *
 * One row per conversation. `dueAt` is both the time the next attempt is due
 * and the lease that guards it: a node claims a due row by moving `dueAt`
 * past the time a send may take (`claimTranscript`, a compare-and-set on the
 * `dueAt` it read), so two nodes never send one transcript at once. The
 * holder then deletes the row or reschedules it, again only while `dueAt` is
 * still its lease: a row replaced meanwhile (the conversation resolved anew)
 * is left to its new owner. A node that dies holding a lease leaves a row
 * that falls due again when the lease ends: a transcript is sent at least
 * once, and twice only when a send outlasts its lease.
 *
 * Rows are written by the resolve itself, in its atomic step
 * (`ConversationStore.updateConversation` with a `TranscriptSchedule`); a
 * conversation resolved again replaces its row, to mail its newer transcript.
 * Rows go with their conversation: deleting the conversation (or its
 * organization) deletes them.
 */
export interface TranscriptOutboxStore {
  /** Rows due at `now` (`dueAt <= now`) across every tenant, earliest first, at most `limit`. */
  dueTranscripts(now: string, limit: number): Promise<TranscriptEntry[]>;
  /**
   * Sets `dueAt` to `leaseUntil` when it is still `expectedDueAt`: true for
   * the one caller that wins, false for everyone else (and for an unknown row).
   */
  claimTranscript(
    tenantId: string,
    conversationId: string,
    expectedDueAt: string,
    leaseUntil: string,
  ): Promise<boolean>;
  /** Deletes the row while its `dueAt` is still `lease`; false when it changed or is gone. */
  deleteTranscript(tenantId: string, conversationId: string, lease: string): Promise<boolean>;
  /**
   * Records a failed attempt while `dueAt` is still `lease`: the next is due
   * at `retry.dueAt`; `attempts` and `lastError` are the caller's. False when
   * the row changed or is gone.
   */
  retryTranscript(
    tenantId: string,
    conversationId: string,
    lease: string,
    retry: { dueAt: string; attempts: number; lastError: string },
  ): Promise<boolean>;
}

/** When the outbox row a resolve writes is due (its first lease), and when it was written. */
export interface TranscriptSchedule {
  dueAt: string;
  createdAt: string;
}

export interface TranscriptEntry extends TranscriptSchedule {
  tenantId: string;
  conversationId: string;
  email: string;
  /** Failed attempts so far. */
  attempts: number;
  /** Why the last attempt failed; null before any. */
  lastError: string | null;
}
