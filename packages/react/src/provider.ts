import { createContext, createElement, useContext, useEffect, useMemo, type ReactNode } from 'react';
import type { ChatClient } from '@parley/sdk';
import { StoreRegistry, type RegistryOptions } from './registry.js';

const ParleyContext = createContext<StoreRegistry | null>(null);

export interface ParleyProviderProps extends RegistryOptions {
  client: ChatClient;
  /**
   * Start the real-time session while the provider is mounted (and stop it on
   * unmount). Default true; pass false when the application starts it itself.
   */
  connect?: boolean;
  children?: ReactNode;
}

/**
 * Makes a `ChatClient` available to the hooks below it. Create the client
 * once (outside render, or in a `useState` initializer): a new client is a
 * new connection and new stores.
 */
export function ParleyProvider(props: ParleyProviderProps): ReactNode {
  const { client, connect = true, messagePageSize, threadPageSize, typingExpireMs } = props;
  const registry = useMemo(
    () =>
      new StoreRegistry(client, {
        ...(messagePageSize !== undefined && { messagePageSize }),
        ...(threadPageSize !== undefined && { threadPageSize }),
        ...(typingExpireMs !== undefined && { typingExpireMs }),
      }),
    [client, messagePageSize, threadPageSize, typingExpireMs],
  );
  useEffect(() => {
    if (!connect) return;
    // Failures (a refused token) surface through useConnection's status, not as a rejection here.
    client.startRealtimeNotifications().catch(() => undefined);
    return () => void client.stopRealtimeNotifications();
  }, [client, connect]);
  return createElement(ParleyContext.Provider, { value: registry }, props.children);
}

/** The stores of the nearest provider; throws outside one, which is always a wiring mistake. */
export function useRegistry(): StoreRegistry {
  const registry = useContext(ParleyContext);
  if (!registry) throw new Error('Parley hooks must be used inside <ParleyProvider client={…}>.');
  return registry;
}

/** The `ChatClient` of the nearest provider, for calls the hooks do not cover. */
export function useChatClient(): ChatClient {
  return useRegistry().client;
}
