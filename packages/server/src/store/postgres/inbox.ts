import type { CannedResponse, LabelCount, Note } from '@parley/protocol';
import type { InboxStore } from '../../core/ports/inbox-store.js';
import type { Database } from './database.js';
import {
  CANNED_COLUMNS,
  NOTE_COLUMNS,
  toCanned,
  toNote,
  type CannedRow,
  type NoteRow,
} from '../inbox-rows.js';

const sql = {
  // FOR KEY SHARE keeps the conversation (or organization) from being deleted until the insert commits.
  insertNote: `INSERT INTO conversation_notes (tenant_id, ${NOTE_COLUMNS})
    SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS (
      SELECT 1 FROM conversations WHERE tenant_id = $1 AND id = $3 FOR KEY SHARE) RETURNING id`,
  listNotes: `SELECT ${NOTE_COLUMNS} FROM conversation_notes WHERE tenant_id = $1 AND conversation_id = $2
    ORDER BY created_at, id`,
  // The labels column is JSON text (an array of distinct strings): one row per label and conversation.
  // COLLATE "C" sorts names by code point, as SQLite does.
  listLabels: `SELECT l.name, count(*)::int AS count
    FROM conversations c, json_array_elements_text(c.labels::json) AS l(name)
    WHERE c.tenant_id = $1 AND c.organization_id = $2 AND c.labels <> '[]'
    GROUP BY l.name ORDER BY count DESC, l.name COLLATE "C" LIMIT $3`,
  insertCanned: `INSERT INTO canned_responses (tenant_id, ${CANNED_COLUMNS})
    SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS (
      SELECT 1 FROM organizations WHERE tenant_id = $1 AND id = $3 FOR KEY SHARE)
    ON CONFLICT DO NOTHING RETURNING id`,
  listCanned: `SELECT ${CANNED_COLUMNS} FROM canned_responses WHERE tenant_id = $1 AND organization_id = $2
    ORDER BY shortcut`,
  updateCanned: `UPDATE canned_responses SET shortcut = coalesce($4, shortcut), content = coalesce($5, content),
      updated_at = $6
    WHERE tenant_id = $1 AND organization_id = $2 AND id = $3 RETURNING ${CANNED_COLUMNS}`,
  deleteCanned:
    'DELETE FROM canned_responses WHERE tenant_id = $1 AND organization_id = $2 AND id = $3 RETURNING id',
};

/** The PostgreSQL adapter's part of the port for notes and canned responses. */
export class PostgresInbox implements InboxStore {
  constructor(private readonly db: Database) {}

  async insertNote(tenantId: string, n: Note): Promise<boolean> {
    const rows = await this.db.write(sql.insertNote, [
      tenantId,
      n.id,
      n.conversationId,
      n.authorId,
      n.authorDisplayName,
      n.content,
      n.createdAt,
    ]);
    return rows.length > 0;
  }

  async listNotes(tenantId: string, conversationId: string): Promise<Note[]> {
    return (await this.db.rows<NoteRow>(sql.listNotes, [tenantId, conversationId])).map(toNote);
  }

  async listLabels(tenantId: string, organizationId: string, limit: number): Promise<LabelCount[]> {
    return this.db.rows<LabelCount>(sql.listLabels, [tenantId, organizationId, limit]);
  }

  async insertCannedResponse(tenantId: string, c: CannedResponse): Promise<boolean> {
    const rows = await this.db.write(sql.insertCanned, [
      tenantId,
      c.id,
      c.organizationId,
      c.shortcut,
      c.content,
      c.createdAt,
      c.updatedAt,
    ]);
    return rows.length > 0;
  }

  async listCannedResponses(tenantId: string, organizationId: string): Promise<CannedResponse[]> {
    return (await this.db.rows<CannedRow>(sql.listCanned, [tenantId, organizationId])).map(toCanned);
  }

  async updateCannedResponse(
    tenantId: string,
    organizationId: string,
    id: string,
    patch: { shortcut?: string; content?: string; updatedAt: string },
  ): Promise<CannedResponse | null | 'taken'> {
    try {
      const [row] = await this.db.write<CannedRow>(sql.updateCanned, [
        tenantId,
        organizationId,
        id,
        patch.shortcut ?? null,
        patch.content ?? null,
        patch.updatedAt,
      ]);
      return row ? toCanned(row) : null;
    } catch (err) {
      // The (organization, shortcut) unique key: another response has it.
      if ((err as { code?: unknown }).code === '23505') return 'taken';
      throw err;
    }
  }

  async deleteCannedResponse(tenantId: string, organizationId: string, id: string): Promise<boolean> {
    return (await this.db.write(sql.deleteCanned, [tenantId, organizationId, id])).length > 0;
  }
}
