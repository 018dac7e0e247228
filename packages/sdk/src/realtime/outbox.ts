import { ERRORS, type ErrorBody } from '@parley/protocol/errors';
import type { Message, ReadReceipt } from '@parley/protocol';
import type { StorageLike } from '../storage.js';
import { randomId } from '../ids.js';
import {
  STATE_RANK,
  type LocalMessage,
  type LocalMessageError,
  type LocalMessageState,
  type SendMessageInput,
} from './local-message.js';

/** What the outbox needs from the session. */
export interface OutboxHost {
  /** Sends the message over the open socket; false when there is none (it is sent on the next `ready`). */
  transmit(local: LocalMessage): boolean;
  changed(local: LocalMessage): void;
  now(): number;
}

interface Entry {
  local: LocalMessage;
  /** Past this instant (ms) a still unacknowledged message fails. */
  deadline: number;
  /** Sent on the current socket and not answered yet. */
  inFlight: boolean;
  /** Set while waiting out a 429/503 `retryAfter`. */
  retryTimer: ReturnType<typeof setTimeout> | null;
}

/** The forward states in order; a position in it is the state's rank. */
const PROGRESS = ['pending', 'sent', 'delivered', 'read'] as const;

/** Acknowledged messages are still followed for `delivered` and `read`, up to this many. */
const MAX_TRACKED = 500;

/**
 * Messages sent by this client, from local echo to `read`. The same
 * `clientMessageId` goes with every try of a message, so however often the
 * connection drops before an ack, the server stores it once. Pending and
 * failed messages are kept in storage (per user) so that a reload resends
 * them; acknowledged ones are durable on the server and leave storage.
 */
export class Outbox {
  private readonly entries = new Map<string, Entry>();
  private storage: StorageLike | null = null;
  private storageKey: string | null = null;
  private deadlineTimer: ReturnType<typeof setTimeout> | null = null;
  private userId: string | null = null;

  constructor(
    private readonly host: OutboxHost,
    private readonly retryMs: number,
  ) {}

  /**
   * Binds the outbox to the user's storage key once the user is known (first
   * `ready`), loading what an earlier session left and keeping what was queued
   * before. Later calls with the same key do nothing.
   */
  bind(storage: StorageLike | null, key: string, userId: string): void {
    this.userId = userId;
    if (this.storageKey === key || !storage) return;
    this.storage = storage;
    this.storageKey = key;
    for (const record of this.read()) {
      if (this.entries.has(record.local.clientMessageId)) continue;
      this.entries.set(record.local.clientMessageId, { ...record, inFlight: false, retryTimer: null });
    }
    this.persist();
    this.armDeadline();
  }

  create(threadId: string, input: SendMessageInput): LocalMessage {
    const local: LocalMessage = {
      clientMessageId: randomId('cm'),
      threadId,
      content: input.content,
      type: input.type ?? 'text',
      ...(input.senderDisplayName !== undefined && { senderDisplayName: input.senderDisplayName }),
      ...(input.metadata !== undefined && { metadata: input.metadata }),
      createdAt: new Date(this.host.now()).toISOString(),
      state: 'pending',
    };
    this.entries.set(local.clientMessageId, this.entry(local));
    this.persist();
    this.armDeadline();
    this.host.changed(local);
    this.send(local.clientMessageId);
    return local;
  }

  get(clientMessageId: string): LocalMessage | undefined {
    return this.entries.get(clientMessageId)?.local;
  }

  list(): LocalMessage[] {
    return [...this.entries.values()].map((e) => e.local);
  }

  /** Sends every pending message not already on its way, oldest first (a new connection is ready). */
  flush(): void {
    this.expire();
    for (const [id, entry] of this.entries) if (!entry.inFlight && !entry.retryTimer) this.send(id);
  }

  /** The socket closed: whatever was in flight is sent again on the next connection. */
  connectionLost(): void {
    for (const entry of this.entries.values()) entry.inFlight = false;
  }

  /** Stops timers (the session stopped); pending messages stay pending and persisted. */
  suspend(): void {
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = null;
    for (const entry of this.entries.values()) {
      entry.inFlight = false;
      if (entry.retryTimer) clearTimeout(entry.retryTimer);
      entry.retryTimer = null;
    }
  }

  resume(): void {
    this.armDeadline();
  }

  acked(clientMessageId: string, message: Message): void {
    const entry = this.entries.get(clientMessageId);
    if (!entry) return;
    entry.inFlight = false;
    this.advance(entry, 'sent', message);
  }

  /** An error frame answered a send: retry later when the server says so, else fail. */
  refused(clientMessageId: string, error: ErrorBody['error']): void {
    const entry = this.entries.get(clientMessageId);
    if (!entry || entry.local.state !== 'pending') return;
    entry.inFlight = false;
    const status = ERRORS[error.code]?.status ?? 500;
    if (status >= 400 && status < 500 && status !== 429) {
      this.fail(entry, { code: error.code, message: error.message });
      return;
    }
    const delayMs = (error.retryAfter ?? 1) * 1000;
    entry.retryTimer = setTimeout(() => {
      entry.retryTimer = null;
      if (entry.local.state === 'pending') this.send(clientMessageId);
    }, delayMs);
  }

  /** Our own message came back on the stream. */
  delivered(message: Message): void {
    if (message.clientMessageId === null || message.senderId !== this.userId) return;
    const entry = this.entries.get(message.clientMessageId);
    if (!entry || entry.local.threadId !== message.threadId) return;
    entry.inFlight = false;
    this.advance(entry, 'delivered', message);
  }

  /** Another participant read up to `receipt.sequence`: our messages at or below it are read. */
  receipt(threadId: string, receipt: ReadReceipt): void {
    if (receipt.userId === this.userId) return;
    for (const entry of [...this.entries.values()]) {
      const { local } = entry;
      if (local.threadId !== threadId || !local.message || local.message.sequence > receipt.sequence)
        continue;
      this.advance(entry, 'read', local.message);
    }
  }

  /** Sends a failed message again, with the same `clientMessageId` and a new deadline. */
  retry(clientMessageId: string): boolean {
    const entry = this.entries.get(clientMessageId);
    if (!entry || entry.local.state !== 'failed') return false;
    entry.local = { ...entry.local, state: 'pending' };
    delete entry.local.error;
    entry.deadline = this.host.now() + this.retryMs;
    this.persist();
    this.armDeadline();
    this.host.changed(entry.local);
    this.send(clientMessageId);
    return true;
  }

  /** Forgets a failed message. */
  discard(clientMessageId: string): boolean {
    const entry = this.entries.get(clientMessageId);
    if (!entry || entry.local.state !== 'failed') return false;
    this.entries.delete(clientMessageId);
    this.persist();
    return true;
  }

  private entry(local: LocalMessage): Entry {
    return { local, deadline: this.host.now() + this.retryMs, inFlight: false, retryTimer: null };
  }

  private send(clientMessageId: string): void {
    const entry = this.entries.get(clientMessageId);
    if (!entry || entry.local.state !== 'pending' || entry.inFlight) return;
    entry.inFlight = this.host.transmit(entry.local);
  }

  /**
   * Moves a message forward to `state`, through every state in between: the
   * stream may bring `message.created` before the ack, yet observers still see
   * pending → sent → delivered → read, each once.
   */
  private advance(
    entry: Entry,
    state: Exclude<LocalMessageState, 'failed' | 'pending'>,
    message: Message,
  ): void {
    const current = entry.local.state;
    // A failed message that was stored after all (its ack came late) is not failed.
    const from = current === 'failed' ? STATE_RANK.pending : STATE_RANK[current];
    if (from >= STATE_RANK[state]) return;
    if (entry.retryTimer) clearTimeout(entry.retryTimer);
    entry.retryTimer = null;
    for (const step of PROGRESS.slice(from + 1, STATE_RANK[state] + 1)) {
      entry.local = { ...entry.local, state: step, message };
      delete entry.local.error;
      if (step === 'sent') this.persist();
      this.host.changed(entry.local);
    }
    if (state === 'read') this.entries.delete(entry.local.clientMessageId);
    this.trim();
  }

  private fail(entry: Entry, error: LocalMessageError): void {
    if (entry.retryTimer) clearTimeout(entry.retryTimer);
    entry.retryTimer = null;
    entry.local = { ...entry.local, state: 'failed', error };
    this.persist();
    this.host.changed(entry.local);
  }

  /** Fails the pending messages whose time is up. */
  private expire(): void {
    const now = this.host.now();
    for (const entry of this.entries.values()) {
      if (entry.local.state === 'pending' && entry.deadline <= now) {
        this.fail(entry, { code: 'timeout', message: 'The message was not acknowledged in time.' });
      }
    }
  }

  /** One timer for the nearest deadline, rather than one per message. */
  private armDeadline(): void {
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = null;
    let next = Infinity;
    for (const entry of this.entries.values())
      if (entry.local.state === 'pending') next = Math.min(next, entry.deadline);
    if (next === Infinity) return;
    this.deadlineTimer = setTimeout(
      () => {
        this.deadlineTimer = null;
        this.expire();
        this.armDeadline();
      },
      Math.max(0, next - this.host.now()),
    );
  }

  /** Acknowledged messages are followed for `read` only so long; the oldest go first. */
  private trim(): void {
    let tracked = 0;
    for (const entry of this.entries.values()) if (entry.local.message) tracked++;
    for (const [id, entry] of this.entries) {
      if (tracked <= MAX_TRACKED) break;
      if (!entry.local.message) continue;
      this.entries.delete(id);
      tracked--;
    }
  }

  private read(): { local: LocalMessage; deadline: number }[] {
    if (!this.storage || !this.storageKey) return [];
    try {
      const raw = this.storage.getItem(this.storageKey);
      const parsed: unknown = raw === null ? [] : JSON.parse(raw);
      return Array.isArray(parsed) ? parsed.filter(isRecord) : [];
    } catch {
      // Unreadable or foreign data under our key: start afresh rather than fail every start.
      return [];
    }
  }

  private persist(): void {
    if (!this.storage || !this.storageKey) return;
    const records = [...this.entries.values()]
      .filter((e) => e.local.state === 'pending' || e.local.state === 'failed')
      .map((e) => ({ local: e.local, deadline: e.deadline }));
    try {
      if (records.length === 0) this.storage.removeItem(this.storageKey);
      else this.storage.setItem(this.storageKey, JSON.stringify(records));
    } catch {
      // A full or unavailable storage loses persistence across reloads, not the messages in memory.
    }
  }
}

function isRecord(value: unknown): value is { local: LocalMessage; deadline: number } {
  if (typeof value !== 'object' || value === null) return false;
  const { local, deadline } = value as { local?: Partial<LocalMessage>; deadline?: unknown };
  return (
    typeof deadline === 'number' &&
    typeof local?.clientMessageId === 'string' &&
    typeof local.threadId === 'string' &&
    typeof local.content === 'string' &&
    (local.state === 'pending' || local.state === 'failed')
  );
}
