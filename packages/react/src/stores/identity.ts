import type { ChatClient } from '@parley/sdk';

/**
 * The signed-in user of each client, learned from `connected`. One listener per
 * client for its whole life, added before the provider starts the session, so
 * that stores mounted later still know who "me" is. (The SDK does not expose
 * the user id otherwise.)
 */
const identities = new WeakMap<ChatClient, { userId: string | null }>();

export function identityOf(client: ChatClient): { readonly userId: string | null } {
  let identity = identities.get(client);
  if (!identity) {
    const created = { userId: null as string | null };
    client.on('connected', (e) => {
      created.userId = e.userId;
    });
    identities.set(client, created);
    identity = created;
  }
  return identity;
}
