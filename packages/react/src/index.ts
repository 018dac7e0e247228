export { ParleyProvider, useChatClient, type ParleyProviderProps } from './provider.js';
export {
  useConnection,
  useMessages,
  useOutboxActions,
  useReadReceipts,
  useSendMessage,
  useThreads,
  useTyping,
  useUnreadCount,
  type ConnectionInfo,
  type MessagesInfo,
  type ReadReceiptsInfo,
  type SendOptions,
  type ThreadsInfo,
  type TypingInfo,
  type TypingOptions,
} from './hooks.js';
export type { MessageItem } from './stores/merge.js';
export type { TypingUser } from './stores/typing-store.js';
export type { RegistryOptions } from './registry.js';
