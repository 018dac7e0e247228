import type { CannedResponse, LabelCount, Note } from '@parley/protocol';

/**
 * The agents' private side of conversations (issue 6), in the `livechat`
 * facet under the Store's general contract: private notes (kept apart from
 * the thread, deleted with their conversation) and each organization's
 * canned responses (a shortcut unique per organization, deleted with it).
 */
export interface InboxStore {
  /** False, writing nothing, when the conversation is unknown. */
  insertNote(tenantId: string, note: Note): Promise<boolean>;
  /** Oldest first. */
  listNotes(tenantId: string, conversationId: string): Promise<Note[]>;

  /**
   * The labels on the organization's conversations (any status), each with
   * the number of conversations carrying it: most used first, then by name;
   * at most `limit`.
   */
  listLabels(tenantId: string, organizationId: string, limit: number): Promise<LabelCount[]>;

  /** False, writing nothing, when the organization is unknown or the shortcut taken. */
  insertCannedResponse(tenantId: string, response: CannedResponse): Promise<boolean>;
  /** By shortcut. */
  listCannedResponses(tenantId: string, organizationId: string): Promise<CannedResponse[]>;
  /** The changed response; null when unknown; `taken` when the new shortcut belongs to another. */
  updateCannedResponse(
    tenantId: string,
    organizationId: string,
    id: string,
    patch: { shortcut?: string; content?: string; updatedAt: string },
  ): Promise<CannedResponse | null | 'taken'>;
  deleteCannedResponse(tenantId: string, organizationId: string, id: string): Promise<boolean>;
}
