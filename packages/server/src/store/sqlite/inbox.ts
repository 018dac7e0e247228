import type Database from 'better-sqlite3';
import type { CannedResponse, LabelCount, Note } from '@parley/protocol';
import type { InboxStore } from '../../core/ports/inbox-store.js';
import type { WriteQueue } from './write-queue.js';
import {
  CANNED_COLUMNS,
  NOTE_COLUMNS,
  toCanned,
  toNote,
  type CannedRow,
  type NoteRow,
} from '../inbox-rows.js';

function prepare(db: Database.Database) {
  return {
    insertNote: db.prepare(
      `INSERT INTO conversation_notes (tenant_id, ${NOTE_COLUMNS})
       SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM conversations WHERE tenant_id = ? AND id = ?)`,
    ),
    listNotes: db.prepare<[string, string], NoteRow>(
      `SELECT ${NOTE_COLUMNS} FROM conversation_notes WHERE tenant_id = ? AND conversation_id = ?
       ORDER BY created_at, id`,
    ),
    // Labels are a JSON array of distinct strings per conversation: one row per label and conversation.
    listLabels: db.prepare<[string, string, number], LabelCount>(
      `SELECT l.value AS name, count(*) AS count FROM conversations c, json_each(c.labels) l
       WHERE c.tenant_id = ? AND c.organization_id = ? AND c.labels <> '[]'
       GROUP BY l.value ORDER BY count DESC, name LIMIT ?`,
    ),
    insertCanned: db.prepare(
      `INSERT INTO canned_responses (tenant_id, ${CANNED_COLUMNS})
       SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM organizations WHERE tenant_id = ? AND id = ?)
       ON CONFLICT DO NOTHING`,
    ),
    listCanned: db.prepare<[string, string], CannedRow>(
      `SELECT ${CANNED_COLUMNS} FROM canned_responses WHERE tenant_id = ? AND organization_id = ? ORDER BY shortcut`,
    ),
    getCanned: db.prepare<[string, string, string], CannedRow>(
      `SELECT ${CANNED_COLUMNS} FROM canned_responses WHERE tenant_id = ? AND organization_id = ? AND id = ?`,
    ),
    shortcutOwner: db.prepare<[string, string, string], string>(
      'SELECT id FROM canned_responses WHERE tenant_id = ? AND organization_id = ? AND shortcut = ?',
    ),
    updateCanned: db.prepare<[string | null, string | null, string, string, string, string]>(
      `UPDATE canned_responses SET shortcut = ifnull(?, shortcut), content = ifnull(?, content), updated_at = ?
       WHERE tenant_id = ? AND organization_id = ? AND id = ?`,
    ),
    deleteCanned: db.prepare<[string, string, string]>(
      'DELETE FROM canned_responses WHERE tenant_id = ? AND organization_id = ? AND id = ?',
    ),
  };
}

/** The SQLite adapter's part of the port for notes and canned responses. */
export class SqliteInbox implements InboxStore {
  private readonly s: ReturnType<typeof prepare>;

  constructor(
    db: Database.Database,
    private readonly queue: WriteQueue,
  ) {
    this.s = prepare(db);
  }

  insertNote(tenantId: string, n: Note): Promise<boolean> {
    return this.queue.run(
      () =>
        this.s.insertNote.run(
          tenantId,
          n.id,
          n.conversationId,
          n.authorId,
          n.authorDisplayName,
          n.content,
          n.createdAt,
          tenantId,
          n.conversationId,
        ).changes > 0,
    );
  }

  async listNotes(tenantId: string, conversationId: string): Promise<Note[]> {
    return this.s.listNotes.all(tenantId, conversationId).map(toNote);
  }

  async listLabels(tenantId: string, organizationId: string, limit: number): Promise<LabelCount[]> {
    return this.s.listLabels.all(tenantId, organizationId, limit);
  }

  insertCannedResponse(tenantId: string, c: CannedResponse): Promise<boolean> {
    return this.queue.run(
      () =>
        this.s.insertCanned.run(
          tenantId,
          c.id,
          c.organizationId,
          c.shortcut,
          c.content,
          c.createdAt,
          c.updatedAt,
          tenantId,
          c.organizationId,
        ).changes > 0,
    );
  }

  async listCannedResponses(tenantId: string, organizationId: string): Promise<CannedResponse[]> {
    return this.s.listCanned.all(tenantId, organizationId).map(toCanned);
  }

  updateCannedResponse(
    tenantId: string,
    organizationId: string,
    id: string,
    patch: { shortcut?: string; content?: string; updatedAt: string },
  ): Promise<CannedResponse | null | 'taken'> {
    return this.queue.run(() => {
      if (patch.shortcut !== undefined) {
        const owner = this.s.shortcutOwner.pluck().get(tenantId, organizationId, patch.shortcut);
        if (owner !== undefined && owner !== id) return 'taken' as const;
      }
      const { changes } = this.s.updateCanned.run(
        patch.shortcut ?? null,
        patch.content ?? null,
        patch.updatedAt,
        tenantId,
        organizationId,
        id,
      );
      if (changes === 0) return null;
      return toCanned(this.s.getCanned.get(tenantId, organizationId, id)!);
    });
  }

  deleteCannedResponse(tenantId: string, organizationId: string, id: string): Promise<boolean> {
    return this.queue.run(() => this.s.deleteCanned.run(tenantId, organizationId, id).changes > 0);
  }
}
