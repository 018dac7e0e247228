/*
 * Local storage keys, scoped by the server's origin and the widget key, so two
 * widgets (or two Parley servers) on one site never share a visitor. Local
 * storage, not session storage: every tab and every reload is the same visitor.
 */

export const visitorTokenKey = (origin: string, key: string): string => `parley:vt:${origin}:${key}`;

/** Set while the visitor has a conversation: the loader then preloads the chat to receive replies. */
export const conversationKey = (origin: string, key: string): string => `parley:conv:${origin}:${key}`;

/** The last configuration that loaded, for the fallback contact when the server is unreachable. */
export const configKey = (origin: string, key: string): string => `parley:cfg:${origin}:${key}`;

export function readStorage(name: string): string | null {
  try {
    return globalThis.localStorage.getItem(name);
  } catch {
    // Storage blocked (sandboxed iframe, cookies off): the widget works, it just forgets.
    return null;
  }
}

export function writeStorage(name: string, value: string | null): void {
  try {
    if (value === null) globalThis.localStorage.removeItem(name);
    else globalThis.localStorage.setItem(name, value);
  } catch {
    // See readStorage.
  }
}
