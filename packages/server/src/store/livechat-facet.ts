import type { LivechatSettingsStore } from '../core/ports/livechat-settings-store.js';
import type { LivechatStore } from '../core/ports/livechat-store.js';
import type { OrganizationStore } from '../core/ports/organization-store.js';
import type { VisitorStore } from '../core/ports/visitor-store.js';
import type { ConversationStore } from '../core/ports/conversation-store.js';
import type { InboxStore } from '../core/ports/inbox-store.js';
import type { TranscriptOutboxStore } from '../core/ports/transcript-outbox-store.js';

/**
 * An adapter's `livechat` facet, made of its live-chat parts without a
 * forwarder per method: the facet holds each method the parts' classes
 * declare, bound to its part. The parts must not declare the same method
 * name (checked here), and their port methods must be class methods (not
 * fields), which the conformance suite proves by calling every one.
 */
export function livechatFacet(
  organizations: OrganizationStore,
  settings: LivechatSettingsStore,
  visitors: VisitorStore,
  conversations: ConversationStore,
  inbox: InboxStore,
  transcriptOutbox: TranscriptOutboxStore,
): LivechatStore {
  const facet: Record<string, unknown> = {};
  for (const part of [organizations, settings, visitors, conversations, inbox, transcriptOutbox]) {
    const proto: object = Object.getPrototypeOf(part) as object;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const method: unknown = Reflect.get(proto, name);
      if (name === 'constructor' || typeof method !== 'function') continue;
      if (name in facet) throw new Error(`livechat facet: two parts declare ${name}`);
      facet[name] = method.bind(part);
    }
  }
  return Object.freeze(facet) as unknown as LivechatStore;
}
