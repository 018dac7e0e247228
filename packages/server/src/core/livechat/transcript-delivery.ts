import type { CoreDeps } from '../deps.js';
import type { TranscriptEntry, TranscriptSchedule } from '../ports/transcript-outbox-store.js';
import { AppError } from '../errors.js';
import { iso } from '../clock.js';
import type { Transcripts } from './transcripts.js';

/**
 * Attempts per transcript before it is given up (and logged). With the
 * default first wait (`transcriptRetryMs`: one minute,
 * `PARLEY_TRANSCRIPT_RETRY_SECONDS`), doubling, the waits are 1, 2, 4 … 64
 * minutes: about two hours in all, which outlasts a mail server restart,
 * greylisting or a short outage, while the transcript still arrives while the
 * chat is fresh. Past that an operator has to look at the mail server anyway.
 */
export const TRANSCRIPT_MAX_ATTEMPTS = 8;
/**
 * How long a claimed row stays with the node sending it. Longer than the
 * SMTP adapter's worst case (connection, greeting and socket timeouts, about
 * a minute) so a slow send is never taken over and mailed twice; short
 * enough that a node dying mid-send delays the transcript by minutes only.
 */
const LEASE_MS = 5 * 60_000;
/** Rows one tick sends, at most: the next tick takes the rest. */
const BATCH = 20;

/**
 * Mails the transcripts asked for at resolve, durably: the resolve writes
 * the outbox row in its own atomic step (`scheduleAtResolve`), already leased
 * to this node, which then sends it at once (`sendAtResolve`); a refusal or
 * an outage leaves the row to be retried by `sendDue` on any node, with the
 * waits above, until the mail server takes it or the attempts run out.
 */
export class TranscriptDelivery {
  constructor(
    private readonly deps: CoreDeps,
    private readonly transcripts: Transcripts,
  ) {}

  /**
   * For a resolve at `nowMs`: when the outbox row it writes is due. That is
   * the lease of the node resolving, so no other node sends it meanwhile.
   */
  scheduleAtResolve(nowMs: number): TranscriptSchedule {
    return { dueAt: iso(nowMs + LEASE_MS), createdAt: iso(nowMs) };
  }

  /**
   * The first attempt, once the resolve has committed with its outbox row
   * (`schedule`). Never rejects: the conversation is resolved whatever the
   * mail server (or now the database) says, and the row stays to be retried.
   */
  async sendAtResolve(
    tenantId: string,
    conversationId: string,
    email: string,
    schedule: TranscriptSchedule,
  ): Promise<void> {
    try {
      await this.attempt({ tenantId, conversationId, email, attempts: 0 }, schedule.dueAt);
    } catch (err) {
      this.deps.log.warn(
        { tenantId, conversationId, err: describe(err) },
        'transcript at resolve: the outbox could not be updated; it is retried after its lease',
      );
    }
  }

  /**
   * Sends the outbox rows due at `nowMs`, on any tenant. Safe on every node
   * at once: each row is claimed with a compare-and-set on its due time, so
   * one node sends it and the others skip it. Returns how many were due.
   */
  async sendDue(nowMs: number): Promise<number> {
    const { livechat } = this.deps.store;
    const due = await livechat.dueTranscripts(iso(nowMs), BATCH);
    for (const entry of due) {
      const lease = iso(this.deps.clock.now() + LEASE_MS);
      if (await livechat.claimTranscript(entry.tenantId, entry.conversationId, entry.dueAt, lease))
        await this.attempt(entry, lease);
    }
    return due.length;
  }

  /** One send of a claimed row (`lease` is its due time now); the row is deleted or rescheduled. */
  private async attempt(
    entry: Pick<TranscriptEntry, 'tenantId' | 'conversationId' | 'email' | 'attempts'>,
    lease: string,
  ): Promise<void> {
    const { tenantId, conversationId } = entry;
    const { livechat } = this.deps.store;
    const conversation = await livechat.getConversation(tenantId, conversationId);
    let failure: unknown = null;
    if (conversation) {
      try {
        await this.transcripts.send(tenantId, conversation, entry.email);
      } catch (err) {
        failure = err;
      }
    }
    if (!conversation || failure === null) {
      // Sent, or nothing left to send: the conversation was deleted meanwhile.
      await livechat.deleteTranscript(tenantId, conversationId, lease);
      return;
    }
    const attempts = entry.attempts + 1;
    const lastError = describe(failure);
    if (attempts >= TRANSCRIPT_MAX_ATTEMPTS || isPermanent(failure)) {
      await livechat.deleteTranscript(tenantId, conversationId, lease);
      this.deps.log.warn(
        { tenantId, conversationId, attempts, err: lastError },
        'transcript not mailed: giving up',
      );
      return;
    }
    const wait = this.deps.config.livechat.transcriptRetryMs * 2 ** (attempts - 1);
    await livechat.retryTranscript(tenantId, conversationId, lease, {
      dueAt: iso(this.deps.clock.now() + wait),
      attempts,
      lastError,
    });
  }
}

/**
 * Failures no retry can mend: the mail itself is invalid, or the
 * conversation's organization is gone. Everything else is retried, refusals
 * included (a 5xx such as "relaying denied" is often a configuration an
 * operator fixes within the hour).
 */
function isPermanent(err: unknown): boolean {
  return err instanceof AppError;
}

function describe(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 1000);
}
