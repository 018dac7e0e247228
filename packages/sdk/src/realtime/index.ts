export { RealtimeSession, type RealtimeOptions } from './realtime-session.js';
export { Backoff, type BackoffOptions } from './backoff.js';
export {
  ConnectionStateMachine,
  IllegalTransitionError,
  canTransition,
  type ConnectionState,
} from './connection-state.js';
export type {
  LocalMessage,
  LocalMessageError,
  LocalMessageState,
  SendMessageInput,
} from './local-message.js';
export type { WebSocketConstructorLike, WebSocketLike } from './websocket-like.js';
