/**
 * The states of a real-time session.
 *
 * - `idle`: created, never started.
 * - `connecting`: fetching a token, opening the socket, waiting for `ready`.
 * - `connected`: `ready` received; events flow.
 * - `reconnecting`: the socket closed; waiting out the backoff delay.
 * - `stopped`: `stop()` was called or the server said not to reconnect.
 */
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'stopped';

/** Every allowed transition, in one place. Anything else is a bug in the session. */
const TRANSITIONS: Readonly<Record<ConnectionState, readonly ConnectionState[]>> = {
  idle: ['connecting', 'stopped'],
  connecting: ['connected', 'reconnecting', 'stopped'],
  connected: ['reconnecting', 'stopped'],
  reconnecting: ['connecting', 'stopped'],
  stopped: ['connecting'],
};

export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
  constructor(
    readonly from: ConnectionState,
    readonly to: ConnectionState,
  ) {
    super(`Illegal connection state transition: ${from} → ${to}.`);
  }
}

export function canTransition(from: ConnectionState, to: ConnectionState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Holds the current state; `to` throws on a transition the table does not allow. */
export class ConnectionStateMachine {
  private current: ConnectionState = 'idle';

  constructor(private readonly onChange: (state: ConnectionState, previous: ConnectionState) => void) {}

  get state(): ConnectionState {
    return this.current;
  }

  to(next: ConnectionState): void {
    const previous = this.current;
    if (!canTransition(previous, next)) throw new IllegalTransitionError(previous, next);
    this.current = next;
    this.onChange(next, previous);
  }
}
