import type { ChatClient } from '@parley/sdk';
import { ExternalStore } from './external-store.js';

export interface TypingUser {
  userId: string;
  displayName: string;
  /** When the last typing notification from this user arrived (client clock, ms). */
  since: number;
}

/**
 * Who is typing in one thread. Typing is ephemeral and has no "stopped"
 * frame: a user stays listed until `expireMs` after their last notification,
 * or until a message from them arrives. One timer, set for the next expiry,
 * does the clearing: nothing polls.
 */
export class TypingStore {
  readonly store: ExternalStore<readonly TypingUser[]>;
  private offs: Array<() => void> = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly client: ChatClient,
    private readonly threadId: string,
    private readonly expireMs: number,
  ) {
    this.store = new ExternalStore<readonly TypingUser[]>([], {
      onFirstSubscribe: () => this.attach(),
      onLastUnsubscribe: () => this.detach(),
    });
  }

  private attach(): void {
    this.offs = [
      this.client.on('typingIndicatorReceived', (e) => {
        if (e.threadId !== this.threadId) return;
        const entry = { userId: e.userId, displayName: e.displayName, since: Date.now() };
        this.store.update((list) => [...list.filter((u) => u.userId !== e.userId), entry]);
        this.schedule();
      }),
      this.client.on('chatMessageReceived', (e) => {
        if (e.threadId !== this.threadId || e.message.senderId === null) return;
        const sender = e.message.senderId;
        if (this.store.getSnapshot().some((u) => u.userId === sender)) {
          this.store.update((list) => list.filter((u) => u.userId !== sender));
        }
      }),
    ];
  }

  private detach(): void {
    for (const off of this.offs) off();
    this.offs = [];
    clearTimeout(this.timer);
    this.timer = undefined;
    this.store.set([]);
  }

  private schedule(): void {
    clearTimeout(this.timer);
    const list = this.store.getSnapshot();
    if (list.length === 0) return;
    const next = Math.min(...list.map((u) => u.since)) + this.expireMs;
    this.timer = setTimeout(
      () => {
        const now = Date.now();
        this.store.update((current) => current.filter((u) => u.since + this.expireMs > now));
        this.schedule();
      },
      Math.max(0, next - Date.now()),
    );
  }
}
