// REST
export { ChatClient, type ChatClientOptions, type CreateChatThreadOptions } from './chat-client.js';
export {
  ChatThreadClient,
  type ListMessagesOptions,
  type SendMessageOptions,
  type SkipListOptions,
} from './chat-thread-client.js';
export { ParleyAdminClient, type ParleyAdminClientOptions } from './admin-client.js';
export {
  apiKeyCredential,
  tokenCredential,
  type RefreshingTokenOptions,
  type RefreshReason,
  type TokenCredential,
} from './credentials.js';
export { isParleyError, ParleyError, type ParleyErrorCode } from './errors.js';
export { HttpClient, type HttpClientOptions, type HttpResponse, type RequestOptions } from './http.js';
export type { ItemPage, PageSettings, PagedAsyncIterable } from './paging.js';
export { defaultStorage, type StorageLike } from './storage.js';

// Real time
export { RealtimeSession, type RealtimeOptions } from './realtime/realtime-session.js';
export type { ConnectionState } from './realtime/connection-state.js';
export type { LocalMessage, LocalMessageState } from './realtime/local-message.js';
export type { WebSocketConstructorLike, WebSocketLike } from './realtime/websocket-like.js';
export type {
  ChatEventListener,
  ChatEventName,
  ChatEvents,
  ConnectedEvent,
  DisconnectedEvent,
} from './events.js';

// The wire types, so that applications need only this package.
export type {
  ApiKey,
  CreatedApiKey,
  CreatedTenant,
  ErrorCode,
  IssuedToken,
  Message,
  Metadata,
  Participant,
  ParticipantInput,
  ParticipantRole,
  ReadReceipt,
  Scope,
  Tenant,
  Thread,
  ThreadSummary,
  TokenValidation,
  User,
  UserRole,
} from '@parley/protocol';
