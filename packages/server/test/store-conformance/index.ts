import { describe, expect, it } from 'vitest';
import { A, storeSuite, threadInput, type MakeStore } from './helpers.js';
import { livechatOrganizations } from './livechat-organizations.js';
import { livechatSettings } from './livechat-settings.js';
import { messages } from './messages.js';
import { participants } from './participants.js';
import { receiptsAndEvents } from './receipts-and-events.js';
import { tenantIsolation, tenantsAndKeys } from './tenants-and-keys.js';
import { threadListings } from './thread-listings.js';
import { threads } from './threads.js';
import { users } from './users.js';
import { visitors } from './visitors.js';
import { conversations } from './conversations.js';
import { transcriptOutbox } from './transcript-outbox.js';
import { accounts } from './accounts.js';

/**
 * The Store conformance suite: every clause of the port's contract
 * (`src/core/ports/store.ts`), run unchanged against every adapter. It talks
 * to the store only through the port, and each test gets a fresh, empty store.
 */
export function storeConformance(name: string, makeStore: MakeStore): void {
  describe(`Store conformance: ${name}`, () => {
    const suite = storeSuite(makeStore);
    const { store, send } = suite;

    tenantsAndKeys(suite);
    users(suite);
    threads(suite);
    threadListings(suite);
    participants(suite);
    messages(suite);
    receiptsAndEvents(suite);
    tenantIsolation(suite);
    livechatOrganizations(suite);
    livechatSettings(suite);
    visitors(suite);
    conversations(suite);
    transcriptOutbox(suite);
    accounts(suite);

    it('returns fresh objects the caller may keep', async () => {
      const created = await store.createThread(threadInput('th-1', 'alice', undefined));
      created.thread.metadata.mutated = 'yes';
      created.participants[0]!.displayName = 'mutated';
      const m = await send('th-1', 'alice', 1, { metadata: { a: '1' } });
      m.message.metadata.a = 'mutated';
      expect((await store.getThread(A, 'th-1'))?.metadata).toEqual({});
      expect((await store.listParticipants(A, 'th-1', { limit: 1, skip: 0 }))[0]?.displayName).toBe(
        'User alice',
      );
      expect((await store.getMessage(A, 'th-1', m.message.id))?.metadata).toEqual({ a: '1' });
      expect((await store.eventsAfter(A, 'th-1', 1, 1))[0]).toMatchObject({
        message: { metadata: { a: '1' } },
      });
    });
  });
}
