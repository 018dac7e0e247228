import type { CannedResponse, Note } from '@parley/protocol';

/** Rows of the notes and canned-response tables, the same in SQLite and PostgreSQL. */
export interface NoteRow {
  id: string;
  conversation_id: string;
  author_id: string;
  author_display_name: string;
  content: string;
  created_at: string;
}

export interface CannedRow {
  id: string;
  organization_id: string;
  shortcut: string;
  content: string;
  created_at: string;
  updated_at: string;
}

export const NOTE_COLUMNS = 'id, conversation_id, author_id, author_display_name, content, created_at';
export const CANNED_COLUMNS = 'id, organization_id, shortcut, content, created_at, updated_at';

export function toNote(r: NoteRow): Note {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    authorId: r.author_id,
    authorDisplayName: r.author_display_name,
    content: r.content,
    createdAt: r.created_at,
  };
}

export function toCanned(r: CannedRow): CannedResponse {
  return {
    id: r.id,
    organizationId: r.organization_id,
    shortcut: r.shortcut,
    content: r.content,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
